"""The contract of the events register and the count targets (reports service RPC and the
gateway's /api/v1/events, /api/v1/event-kinds, /api/v1/targets routes)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kelisim.i18n import N_, _
from kelisim.schemas import REGION_CODE, PageQuery, QuerySchema, SortField, StrictSchema, page_of
from services.reports.contract import (
    EVENT_STATUSES,
    GROUPINGS,
    KZ_TIME,
    LANGUAGE_PATTERN,
    MEASURES,
    PERS,
    STATS_PERIODS,
    TARGET_PERIODS,
)
from services.reports.contract.schemas import CODE, PeriodField

EVENT_TITLE = validate.Length(min=1, max=500)
SHORT_TEXT = validate.Length(max=200)
COUNT = validate.Range(0, 10_000_000)
EVENT_SORTS = ("starts_at", "id", "participants", "region_code", "kind")
MAX_STRUCTURES = 20
TIME_DESCRIPTION = ("ISO 8601 date and time; with an offset (2026-05-01T10:00:00+05:00) or "
                    "without one, which is read as Asia/Almaty time. Stored in UTC.")


def _unique(values):
    if len(set(values)) != len(values):
        raise ValidationError([_("each value at most once")])


class PlaceSchema(StrictSchema):
    district = fields.Str(load_default=None, allow_none=True, validate=SHORT_TEXT)
    settlement = fields.Str(load_default=None, allow_none=True, validate=SHORT_TEXT)
    address = fields.Str(load_default=None, allow_none=True, validate=SHORT_TEXT)


class _EventFields(StrictSchema):
    starts_at = fields.AwareDateTime(default_timezone=KZ_TIME, metadata={
        "description": TIME_DESCRIPTION})
    ends_at = fields.AwareDateTime(default_timezone=KZ_TIME, allow_none=True, metadata={
        "description": "when it ended (optional; not before starts_at)"})
    kind = fields.Str(validate=validate.Length(1, 40), metadata={
        "description": "an event kind code (GET /api/v1/event-kinds)"})
    title_kk = fields.Str(allow_none=True, validate=EVENT_TITLE)
    title_ru = fields.Str(allow_none=True, validate=EVENT_TITLE)
    description = fields.Str(allow_none=True, validate=validate.Length(max=4000))
    structure_ids = fields.List(fields.Int(strict=True), validate=[
        validate.Length(max=MAX_STRUCTURES), _unique], metadata={
        "description": "the organising public structures (registry ids), of the event's region"})
    place = fields.Nested(PlaceSchema, metadata={
        "description": "district, settlement, address (the region is the org unit's)"})
    participants = fields.Int(strict=True, validate=COUNT)
    languages = fields.List(fields.Str(validate=validate.Regexp(
        LANGUAGE_PATTERN, error=N_("a language code like kk, ru, en"))), validate=[
        validate.Length(max=20), _unique], metadata={
        "description": "ISO 639 codes of the languages used (kk, ru, uz, ...)"})
    media_links = fields.List(fields.Url(schemes={"http", "https"}, validate=validate.Length(
        max=2000)), validate=validate.Length(max=50), metadata={
        "description": "links to the coverage (publications, videos, streams)"})
    media_count = fields.Int(strict=True, validate=COUNT, metadata={
        "description": "media items covering it (default: the number of links)"})
    project_code = fields.Str(allow_none=True, validate=CODE, metadata={
        "description": "the base project it serves (default: the plan task's)"})
    task_id = fields.Int(strict=True, allow_none=True, metadata={
        "description": "the plan task it serves; must be of the event's region (or the RGU's)"})
    initiative = fields.Str(allow_none=True, validate=validate.Length(1, 60), metadata={
        "description": "a programme it belongs to, e.g. el-birligi (GET /api/v1/event-kinds)"})


class EventCreateSchema(_EventFields):
    starts_at = fields.AwareDateTime(required=True, default_timezone=KZ_TIME, metadata={
        "description": TIME_DESCRIPTION})
    kind = fields.Str(required=True, validate=validate.Length(1, 40), metadata={
        "description": "an event kind code (GET /api/v1/event-kinds)"})
    org_unit_id = fields.Int(strict=True, load_default=None, allow_none=True, metadata={
        "description": "the organising org unit (default: the caller's region's KGU)"})
    region = fields.Str(load_default=None, allow_none=True, validate=REGION_CODE, metadata={
        "description": "whose KGU organises it when org_unit_id is not given (RGU callers)"})


class EventUpdateSchema(_EventFields):
    version = fields.Int(required=True, strict=True)
    reason = fields.Str(validate=validate.Length(1, 2000), metadata={
        "description": "why it changed (optional): in the audit entry and event_updated"})


class EventCancelSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    reason = fields.Str(required=True, validate=validate.Length(1, 2000))


class _EventFilters(QuerySchema):
    region = fields.Str(validate=REGION_CODE)
    kind = fields.Str(validate=validate.Length(1, 40))
    project = fields.Str(validate=CODE)
    structure_type = fields.Str(validate=validate.Length(1, 40))
    initiative = fields.Str(validate=validate.Length(1, 60))
    org_unit_id = fields.Int()
    period = PeriodField(metadata={"description": "2026, 2026-Q2, 2026-H1 or 2026-05 "
                                                  "(Kazakhstan calendar)"})
    year = fields.Int(validate=validate.Range(2000, 2100))
    date_from = fields.Date(metadata={"description": "on or after this Kazakhstan date"})
    date_to = fields.Date(metadata={"description": "on or before this Kazakhstan date"})

    @validates_schema
    def ordered_range(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("must not precede date_from"), "date_to")


class EventQuery(_EventFilters, PageQuery):
    structure_id = fields.Int()
    task_id = fields.Int()
    plan_id = fields.Int()
    status = fields.Str(validate=validate.OneOf(EVENT_STATUSES), metadata={
        "description": "recorded (default: both) or cancelled"})
    sort = SortField(EVENT_SORTS, metadata={
        "description": "comma-separated, '-' for descending (default: -starts_at); one of: "
                       + ", ".join(EVENT_SORTS)})


class GroupingField(fields.Str):
    """``by=region,kind``: comma-separated names from GROUPINGS, each at most once."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        names = [name.strip() for name in text.split(",") if name.strip()]
        bad = [name for name in names if name not in GROUPINGS]
        if not names or bad or len(set(names)) != len(names):
            raise ValidationError([_("comma-separated, each once, from: {names}",
                                     names=", ".join(GROUPINGS))])
        return names


class EventStatsQuery(_EventFilters):
    by = GroupingField(load_default=lambda: ["region"], metadata={
        "description": "comma-separated groupings: " + ", ".join(GROUPINGS)})
    period_type = fields.Str(load_default="quarterly", validate=validate.OneOf(STATS_PERIODS),
                             metadata={"description": "the periods of by=period"})


class PlaceOutSchema(Schema):
    district = fields.Str(allow_none=True, metadata={"x-optional": True})
    settlement = fields.Str(allow_none=True, metadata={"x-optional": True})
    address = fields.Str(allow_none=True, metadata={"x-optional": True})


class EventSchema(Schema):
    id = fields.Int()
    region_code = fields.Str(allow_none=True)
    org_unit_id = fields.Int()
    org_unit_kind = fields.Str()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime(allow_none=True)
    local_date = fields.Date(metadata={"description": "the Kazakhstan date it starts on"})
    kind = fields.Str()
    title_kk = fields.Str(allow_none=True)
    title_ru = fields.Str(allow_none=True)
    description = fields.Str(allow_none=True)
    structure_ids = fields.List(fields.Int())
    structure_types = fields.List(fields.Str(), metadata={
        "description": "the type of each structure, in the order of structure_ids"})
    place = fields.Nested(PlaceOutSchema)
    participants = fields.Int()
    languages = fields.List(fields.Str())
    media_links = fields.List(fields.Str())
    media_count = fields.Int()
    project_code = fields.Str(allow_none=True)
    plan_id = fields.Int(allow_none=True)
    task_id = fields.Int(allow_none=True)
    initiative = fields.Str(allow_none=True)
    status = fields.Str()
    cancel_reason = fields.Str(allow_none=True)
    recorded_by = fields.Str(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    version = fields.Int()


EventPageSchema = page_of(EventSchema)


class EventKindSchema(Schema):
    code = fields.Str()
    name_kk = fields.Str()
    name_ru = fields.Str()
    name_en = fields.Str()
    media = fields.Bool()


class InitiativeSchema(Schema):
    code = fields.Str()
    name_kk = fields.Str()
    name_ru = fields.Str()
    name_en = fields.Str()


class EventKindsSchema(Schema):
    kinds = fields.List(fields.Nested(EventKindSchema))
    initiatives = fields.List(fields.Nested(InitiativeSchema))


class CountsSchema(Schema):
    events = fields.Int()
    participants = fields.Int()
    media_items = fields.Int()


class StatsRowSchema(CountsSchema):
    key = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata={
        "description": "grouping -> value ('none': no project, initiative or structure)"})


class EventStatsSchema(Schema):
    by = fields.List(fields.Str())
    period_type = fields.Str()
    date_from = fields.Date(allow_none=True)
    date_to = fields.Date(allow_none=True)
    total = fields.Nested(CountsSchema)
    rows = fields.List(fields.Nested(StatsRowSchema))


# count targets
class TargetCreateSchema(StrictSchema):
    code = fields.Str(required=True, validate=CODE)
    title_kk = fields.Str(required=True, validate=EVENT_TITLE)
    title_ru = fields.Str(required=True, validate=EVENT_TITLE)
    title_en = fields.Str(load_default=None, allow_none=True, validate=EVENT_TITLE)
    minimum = fields.Int(required=True, strict=True, validate=validate.Range(1, 10_000_000))
    period_type = fields.Str(load_default="yearly", validate=validate.OneOf(TARGET_PERIODS))
    per = fields.Str(load_default="national", validate=validate.OneOf(PERS), metadata={
        "description": "whose minimum: national (the country's), region (each region's), "
                       "house_of_friendship (each house's)"})
    measure = fields.Str(load_default="events", validate=validate.OneOf(MEASURES))
    kind = fields.Str(load_default=None, allow_none=True, validate=validate.Length(1, 40))
    structure_type = fields.Str(load_default=None, allow_none=True,
                                validate=validate.Length(1, 40))
    initiative = fields.Str(load_default=None, allow_none=True, validate=validate.Length(1, 60))
    project_code = fields.Str(load_default=None, allow_none=True, validate=CODE, metadata={
        "description": "a base project's target: only events serving it count"})
    plan_id = fields.Int(load_default=None, allow_none=True, strict=True, metadata={
        "description": "one regional plan's target: only its events count, in its region"})
    year_from = fields.Int(load_default=None, allow_none=True, strict=True,
                           validate=validate.Range(2000, 2100))
    year_until = fields.Int(load_default=None, allow_none=True, strict=True,
                            validate=validate.Range(2000, 2100))
    source = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class TargetPatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    title_kk = fields.Str(validate=EVENT_TITLE)
    title_ru = fields.Str(validate=EVENT_TITLE)
    title_en = fields.Str(allow_none=True, validate=EVENT_TITLE)
    minimum = fields.Int(strict=True, validate=validate.Range(1, 10_000_000))
    year_from = fields.Int(allow_none=True, strict=True, validate=validate.Range(2000, 2100))
    year_until = fields.Int(allow_none=True, strict=True, validate=validate.Range(2000, 2100))
    active = fields.Bool()
    source = fields.Str(allow_none=True, validate=validate.Length(max=2000))


class TargetQuery(QuerySchema):
    active = fields.Bool()


class TargetSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    title_kk = fields.Str()
    title_ru = fields.Str()
    title_en = fields.Str(allow_none=True)
    minimum = fields.Int()
    period_type = fields.Str()
    per = fields.Str()
    measure = fields.Str()
    kind = fields.Str(allow_none=True)
    structure_type = fields.Str(allow_none=True)
    initiative = fields.Str(allow_none=True)
    project_code = fields.Str(allow_none=True)
    plan_id = fields.Int(allow_none=True)
    region_code = fields.Str(allow_none=True)
    year_from = fields.Int(allow_none=True)
    year_until = fields.Int(allow_none=True)
    source = fields.Str(allow_none=True)
    active = fields.Bool()
    version = fields.Int()


class ProgressQuery(QuerySchema):
    year = fields.Int(validate=validate.Range(2000, 2100), metadata={
        "description": "default: this year (Kazakhstan calendar)"})
    region = fields.Str(validate=REGION_CODE)
    target = fields.Str(validate=CODE, metadata={"description": "one target's code"})
    project = fields.Str(validate=CODE, metadata={"description": "that project's targets"})


class ProgressRowSchema(Schema):
    target = fields.Str()
    period = fields.Str(metadata={"description": "2026 or 2026-Q2"})
    region = fields.Str(metadata={"description": "a region code, or national"})
    actual = fields.Int()
    target_value = fields.Int(allow_none=True, metadata={
        "description": "the minimum here; null where only the national total has one"})
    gap = fields.Int(allow_none=True, metadata={"description": "target_value - actual, >= 0"})
    met = fields.Bool(allow_none=True)


class TargetProgressSchema(TargetSchema):
    rows = fields.List(fields.Nested(ProgressRowSchema))


class ProgressSchema(Schema):
    year = fields.Int()
    targets = fields.List(fields.Nested(TargetProgressSchema))
