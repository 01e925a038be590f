"""The gateway's own contract: what it adds to the services' schemas (problems, health, audit)."""
from marshmallow import Schema, fields, validate

from kelisim.i18n import N_
from kelisim.schemas import REGION_CODE, QuerySchema, page_of


class ProblemSchema(Schema):
    """RFC 7807 problem details, as every error response."""

    type = fields.Str(metadata={"description": "URI naming the kind of problem"})
    title = fields.Str()
    status = fields.Int()
    detail = fields.Str()
    instance = fields.Str(metadata={"description": "the request path"})
    correlation_id = fields.Str()
    errors = fields.Dict(keys=fields.Str(), values=fields.Raw(), metadata={
        "description": "field name -> message (always present on 422); for a nested field "
                       "(a list item, a dict entry) an object of the same shape"})


class CheckSchema(Schema):
    ok = fields.Bool()
    ms = fields.Float(metadata={"x-optional": True, "description": "when ok"})
    error = fields.Str(metadata={"x-optional": True, "description": "when not ok"})


class HealthSchema(Schema):
    status = fields.Str(metadata={"example": "ok"})
    checks = fields.Dict(keys=fields.Str(), values=fields.Nested(CheckSchema))


class StatisticsQuery(QuerySchema):
    region = fields.Str(validate=REGION_CODE)


class AuditEntrySchema(Schema):
    id = fields.Int(metadata={"description": "unique within its service"})
    service = fields.Str(metadata={"description": "registry, projects, reports, notifications"})
    occurred_at = fields.DateTime()
    actor_id = fields.Str()
    actor_name = fields.Str(allow_none=True, metadata={
        "description": "the person's display name (kk / ru), or the API token's name"})
    actor_org_unit = fields.Str(allow_none=True, metadata={"description": "the person's org unit"})
    actor_role = fields.Str()
    correlation_id = fields.Str(allow_none=True)
    action = fields.Str()
    entity = fields.Str()
    entity_id = fields.Str()
    region_code = fields.Str(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    reason = fields.Str(allow_none=True, metadata={"description": "why, where one was given"})


class AuditPageSchema(page_of(AuditEntrySchema)):
    unavailable = fields.List(fields.Str(), metadata={
        "description": "services that did not answer: their entries are missing"})


class CalendarQuery(QuerySchema):
    year = fields.Int(required=True, strict=False, validate=validate.Range(2020, 2040, error=N_(
        "must be within the working calendar, 2020 to 2040")))


class DayNameSchema(Schema):
    kk = fields.Str()
    ru = fields.Str()
    en = fields.Str()


class CalendarDaySchema(Schema):
    date = fields.Date()
    working_day = fields.Bool(metadata={
        "description": "false for a day off; true for a Saturday or Sunday a decree makes a "
                       "working day"})
    kind = fields.Str(metadata={
        "description": "holiday (a public holiday, or the day off replacing one that falls on "
                       "a weekend) or transfer (a Government decree moved a day off)"})
    name = fields.Nested(DayNameSchema)
    source = fields.Str(metadata={"description": "the law or decree (adilet.zan.kz)"})


class CalendarSchema(Schema):
    year = fields.Int()
    working_days = fields.Int(metadata={"description": "working days in the year"})
    days = fields.List(fields.Nested(CalendarDaySchema), metadata={
        "description": "every day that is not as in a plain Monday-to-Friday week, and every "
                       "public holiday (also on a Saturday or Sunday), in date order"})


class AttachmentUploadQuery(QuerySchema):
    filename = fields.Str(required=True, validate=validate.Length(min=1, max=255), metadata={
        "description": "the file's name as the uploader knows it; stored cleaned (no path, no "
                       "control or reserved characters) and given back on download"})


class AttachmentSchema(Schema):
    """An evidence document of a task, report or event (its bytes: GET /attachments/{id})."""

    id = fields.Int()
    owner_kind = fields.Str(metadata={"description": "task, report or event"})
    owner_id = fields.Int()
    filename = fields.Str()
    media_type = fields.Str(metadata={"description": "read from the content, never the name"})
    size = fields.Int(metadata={"description": "bytes"})
    sha256 = fields.Str(metadata={"description": "SHA-256 of the content, hex"})
    uploaded_by = fields.Str(metadata={"description": "actor id (account:N, token:N)"})
    uploaded_at = fields.DateTime()
    region_code = fields.Str(allow_none=True)


class AttachmentRemovedSchema(Schema):
    removed = fields.Int()
