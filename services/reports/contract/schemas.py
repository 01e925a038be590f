"""The reports service's contract: what its RPC methods accept and return (also the gateway's)."""
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kelisim.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, _
from kelisim.schemas import REGION_CODE, PageQuery, QuerySchema, SortField, StrictDecimal, StrictSchema, page_of
from services.reports.contract import (
    EXPORT_TYPES,
    FIELD_TYPES,
    FIRST_DAY,
    LAST_DAY,
    LIMITS,
    PERIOD_TYPES,
    REPORT_STATUSES,
    REPORTERS,
    RULE_OPERATORS,
    read_period,
)

LEVELS = ("republican", "regional", "city", "district", "rural")
CODE = validate.Regexp(r"^[a-z][a-z0-9_-]{0,59}$",
                       error=N_("lower-case letters, digits, '-' and '_'; up to 60"))
FIELD_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,59}$",
                             error=N_("lower-case letters, digits and '_'; up to 60"))
TITLE = validate.Length(min=1, max=300)
DAYS = validate.Range(0, 366)
REPORT_SORTS = ("id", "due_date", "period_start", "status", "region_code", "template_code")
TEMPLATE_DAY = validate.Range(FIRST_DAY, LAST_DAY,
                              error=N_("must be within the platform's calendar, {min} to {max}"))
_LARGEST = max(abs(Decimal(v)) for bounds in LIMITS.values() for v in bounds)


def _bounded_number(value):
    """A number a field's bound or a rule may name: finite and within the field limits."""
    number = Decimal(str(value))
    if not number.is_finite() or abs(number) > _LARGEST:
        raise ValidationError([_("a number from -{largest} to {largest}", largest=_LARGEST)])


# the years a period may be of: those of the dates kept (a date field's 1900..9998); a
# period's end is the day before the next one starts, which 9999 has not (date(10000, ...))
PERIOD_YEARS = (1900, 9998)


class PeriodField(fields.Str):
    """A period code (2026-07, 2026-Q3, 2026-H2, 2026) of a year in :data:`PERIOD_YEARS`,
    checked on load (ValidationError, a 422 naming the field)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            year = read_period(text)[0]
        except ValueError as exc:
            raise ValidationError([exc.args[0]]) from None
        if not PERIOD_YEARS[0] <= year <= PERIOD_YEARS[1]:
            raise ValidationError([_("must be from {low} to {high}", low=PERIOD_YEARS[0],
                                     high=PERIOD_YEARS[1])])
        return text


class Operand(fields.Field):
    """One side of a rule: a field code, a list of field codes (summed), or a number."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError([_("a field code, a list of field codes or a number")])
        if isinstance(value, (int, float)):
            _bounded_number(value)
            return value
        if isinstance(value, str) and value:
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
            return value
        raise ValidationError([_("a field code, a list of field codes or a number")])


# templates
class FieldSpecSchema(StrictSchema):
    code = fields.Str(required=True, validate=FIELD_CODE)
    type = fields.Str(required=True, validate=validate.OneOf(FIELD_TYPES))
    label_kk = fields.Str(required=True, validate=TITLE)
    label_ru = fields.Str(required=True, validate=TITLE)
    required = fields.Bool(load_default=False)
    choices = fields.List(fields.Str(validate=validate.Length(1, 200)), load_default=None,
                          allow_none=True)
    min = StrictDecimal(load_default=None, allow_none=True, as_string=True,
                         validate=_bounded_number)
    max = StrictDecimal(load_default=None, allow_none=True, as_string=True,
                         validate=_bounded_number)


class RuleSchema(StrictSchema):
    left = Operand(required=True)
    op = fields.Str(required=True, validate=validate.OneOf(RULE_OPERATORS))
    right = Operand(required=True)
    message = fields.Str(load_default=None, allow_none=True, validate=validate.Length(1, 300))


class TemplateCreateSchema(StrictSchema):
    code = fields.Str(required=True, validate=CODE)
    title_kk = fields.Str(required=True, validate=TITLE)
    title_ru = fields.Str(required=True, validate=TITLE)
    title_en = fields.Str(load_default=None, allow_none=True, validate=TITLE)
    description = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    period_type = fields.Str(required=True, validate=validate.OneOf(PERIOD_TYPES))
    due_days = fields.Int(load_default=15, strict=True, validate=DAYS)
    timely_days = fields.Int(load_default=0, strict=True, validate=DAYS)
    remind_days_before = fields.Int(load_default=5, strict=True, validate=validate.Range(0, 90))
    overdue_every_days = fields.Int(load_default=7, strict=True, validate=validate.Range(1, 365))
    reporters = fields.Str(load_default="all_kgus", validate=validate.OneOf(REPORTERS))
    reporter_level = fields.Str(load_default=None, allow_none=True,
                                validate=validate.OneOf(LEVELS))
    reporter_ids = fields.List(fields.Int(strict=True), load_default=None, allow_none=True)
    project_code = fields.Str(load_default=None, allow_none=True, validate=CODE)
    rules = fields.List(fields.Nested(RuleSchema), load_default=list,
                        validate=validate.Length(max=100))
    active_from = fields.Date(load_default=None, allow_none=True, validate=TEMPLATE_DAY)
    active_until = fields.Date(load_default=None, allow_none=True, validate=TEMPLATE_DAY)
    # last: from here on ``fields`` names this attribute, not marshmallow's module
    fields = fields.List(fields.Nested(FieldSpecSchema), required=True,
                         validate=validate.Length(1, 200))


class FieldSpecOutSchema(Schema):
    code = fields.Str()
    type = fields.Str()
    label_kk = fields.Str()
    label_ru = fields.Str()
    required = fields.Bool()
    choices = fields.List(fields.Str(), allow_none=True)
    min = fields.Str(allow_none=True)
    max = fields.Str(allow_none=True)


class RuleOutSchema(Schema):
    left = fields.Raw()
    op = fields.Str()
    right = fields.Raw()
    message = fields.Str(allow_none=True)


class TemplateSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    version = fields.Int()
    title_kk = fields.Str()
    title_ru = fields.Str()
    title_en = fields.Str(allow_none=True)
    description = fields.Str(allow_none=True)
    period_type = fields.Str()
    due_days = fields.Int()
    timely_days = fields.Int()
    remind_days_before = fields.Int()
    overdue_every_days = fields.Int()
    reporters = fields.Str()
    reporter_level = fields.Str(allow_none=True)
    reporter_ids = fields.List(fields.Int(), allow_none=True)
    project_code = fields.Str(allow_none=True)
    rules = fields.List(fields.Nested(RuleOutSchema))
    active_from = fields.Date(allow_none=True)
    active_until = fields.Date(allow_none=True)
    created_at = fields.AwareDateTime(allow_none=True)
    fields = fields.List(fields.Nested(FieldSpecOutSchema))


class TemplateQuery(QuerySchema):
    code = fields.Str(validate=CODE)
    period_type = fields.Str(validate=validate.OneOf(PERIOD_TYPES))
    project = fields.Str(validate=CODE)


# reports
class ReportSchema(Schema):
    id = fields.Int()
    template_id = fields.Int()
    template_code = fields.Str()
    template_version = fields.Int()
    period = fields.Str()
    period_start = fields.Date()
    period_end = fields.Date()
    org_unit_id = fields.Int()
    region_code = fields.Str(allow_none=True)
    project_code = fields.Str(allow_none=True)
    due_date = fields.Date()
    timely_until = fields.Date()
    status = fields.Str()
    values = fields.Dict(keys=fields.Str(), values=fields.Raw())
    comment = fields.Str(allow_none=True)
    submission_count = fields.Int()
    reopen_count = fields.Int()
    first_submitted_at = fields.AwareDateTime(allow_none=True)
    submitted_at = fields.AwareDateTime(allow_none=True)
    accepted_at = fields.AwareDateTime(allow_none=True)
    decided_by = fields.Str(allow_none=True)
    decided_by_name = fields.Str(allow_none=True, metadata={
        "description": "who decided: the person's display name (kk / ru)"})
    decided_by_org_unit = fields.Str(allow_none=True)
    on_time = fields.Bool(allow_none=True)
    overdue = fields.Bool(metadata={"description": "not submitted and past its due date"})
    days_overdue = fields.Int()
    version = fields.Int()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    # one report read (GET /reports/{id}, and the answer to a save or submit): the events
    # register's figures for the fields it fills in (services/reports/domain/prefill.py)
    register_figures = fields.Dict(keys=fields.Str(), values=fields.Int(), metadata={
        "x-optional": True, "description": "field -> the events register's figure for this report's period "
                       "and reporter (one report read only, not in listings)"})
    prefilled = fields.List(fields.Str(), metadata={
        "x-optional": True, "description": "fields of an editable report with no typed value, shown in values "
                       "from the register (a submit stores them; a saved draft keeps "
                       "following the register)"})
    disagreements = fields.Dict(keys=fields.Str(), values=fields.Dict(), metadata={
        "x-optional": True, "description": "field -> {reported, register}: a typed value that differs from "
                       "the register's figure"})


ReportPageSchema = page_of(ReportSchema)


class ReportQuery(PageQuery):
    region = fields.Str(validate=REGION_CODE)
    template = fields.Str(validate=CODE)
    project = fields.Str(validate=CODE)
    period = PeriodField()
    year = fields.Int(validate=validate.Range(2000, 2100))
    status = fields.Str(validate=validate.OneOf(REPORT_STATUSES))
    org_unit_id = fields.Int()
    overdue = fields.Bool(metadata={"description": "only reports not submitted by their due date"})
    missing = fields.Bool(metadata={"description": "true: not submitted (draft, returned, "
                                                   "reopened); false: submitted or accepted"})
    due_after = fields.Date(metadata={"description": "due on or after this date"})
    due_before = fields.Date(metadata={"description": "due on or before this date"})
    sort = SortField(REPORT_SORTS, metadata={
        "description": "comma-separated, '-' for descending (default: -period_start, "
                       "template_code, region_code); one of: " + ", ".join(REPORT_SORTS)})

    @validates_schema
    def ordered_range(self, data, **kwargs):
        if data.get("due_after") and data.get("due_before") and \
                data["due_after"] > data["due_before"]:
            raise ValidationError(_("must not precede due_after"), "due_before")


VALUES_DESCRIPTION = (
    "field code -> value. Integers |n| < 10^15; decimals |x| < 10^15 with at most 6 decimal "
    "places; money from 0 to 9999999999999.99 and percent from 0 to 100, at most 2 decimal "
    "places (sent as strings; more places are refused, never rounded); dates 1900-01-01 to "
    "9998-12-31; text up to 4000 characters. A value beyond these is a 422 naming the field.")
VALUES = fields.Dict(keys=fields.Str(validate=validate.Length(1, 60)), values=fields.Raw(
    allow_none=True), validate=validate.Length(max=200),
    metadata={"description": VALUES_DESCRIPTION})


class ReportSaveSchema(StrictSchema):
    """PUT replaces the values: send them all (an empty object clears the draft)."""

    version = fields.Int(required=True, strict=True)
    values = fields.Dict(keys=fields.Str(validate=validate.Length(1, 60)), values=fields.Raw(
        allow_none=True), required=True, validate=validate.Length(max=200),
        metadata={"description": VALUES_DESCRIPTION})


class ReportSubmitSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    values = VALUES


class ReportAcceptSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    comment = fields.Str(load_default=None, allow_none=True, validate=validate.Length(1, 4000))


class ReportReturnSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    comment = fields.Str(required=True, validate=validate.Length(1, 4000))


class ReportReopenSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    reason = fields.Str(required=True, validate=validate.Length(1, 4000))


class HistoryEntrySchema(Schema):
    id = fields.Int()
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


# completeness and timeliness
class RangeQuery(QuerySchema):
    year = fields.Int(validate=validate.Range(2000, 2100))
    period_from = PeriodField(data_key="from")
    period_to = PeriodField(data_key="to")
    region = fields.Str(validate=REGION_CODE)

    @validates_schema
    def one_range(self, data, **kwargs):
        if data.get("year") and (data.get("period_from") or data.get("period_to")):
            raise ValidationError([_("give a year or a from/to range, not both")], "year")


class RatesQuery(RangeQuery):
    template = fields.Str(validate=CODE)
    period_type = fields.Str(validate=validate.OneOf(PERIOD_TYPES))
    include_not_due = fields.Bool(load_default=False, metadata={
        "description": "count reports not yet due too (by default only those whose due date "
                       "has passed are expected, as DHIS2 counts expected reports)"})


class RateSchema(Schema):
    template_code = fields.Str(allow_none=True)
    period = fields.Str(allow_none=True)
    region_code = fields.Str(allow_none=True)
    expected = fields.Int()
    reported = fields.Int()
    on_time = fields.Int()
    missing = fields.Int()
    reporting_rate = fields.Float(allow_none=True, metadata={
        "description": "reported / expected x 100 (DHIS2 REPORTING_RATE)"})
    on_time_rate = fields.Float(allow_none=True, metadata={
        "description": "reported on time / expected x 100 (DHIS2 REPORTING_RATE_ON_TIME)"})


class RatesSchema(Schema):
    period_from = fields.Date()
    period_to = fields.Date()
    as_of = fields.Date()
    rows = fields.List(fields.Nested(RateSchema), metadata={
        "description": "per template, period and region"})
    by_template = fields.List(fields.Nested(RateSchema), metadata={
        "description": "per template and period, nationally"})
    by_region = fields.List(fields.Nested(RateSchema), metadata={
        "description": "per region, all templates and periods of the range"})
    national = fields.Nested(RateSchema)


# roll-ups
ROLLUP_GROUPS = ("region", "project")


class RollupQuery(RangeQuery):
    template = fields.Str(validate=CODE)
    project = fields.Str(validate=CODE)
    by = fields.Str(load_default="region", validate=validate.OneOf(ROLLUP_GROUPS))
    accepted_only = fields.Bool(load_default=False)


class ExportQuery(RollupQuery):
    format = fields.Str(load_default="csv", validate=validate.OneOf(tuple(EXPORT_TYPES)))
    lang = fields.Str(load_default=DEFAULT_LANGUAGE, validate=validate.OneOf(LANGUAGES), metadata={
        "description": "the XLSX's language; by default the request's Accept-Language (kk)"})


class AggregateSchema(Schema):
    count = fields.Int()
    sum = fields.Str(allow_none=True, metadata={
        "description": "exact decimal text; null when nothing was counted and always for a "
                       "percent field (a share is averaged, never summed, as in the CSV/XLSX)"})
    avg = fields.Str(allow_none=True)
    min = fields.Str(allow_none=True)
    max = fields.Str(allow_none=True)


class RollupFieldSchema(Schema):
    code = fields.Str()
    type = fields.Str()
    label_kk = fields.Str()
    label_ru = fields.Str()


class RollupGroupSchema(Schema):
    group = fields.Str()
    reports = fields.Int()
    fields = fields.Dict(keys=fields.Str(), values=fields.Nested(AggregateSchema))


class RollupSchema(Schema):
    templates = fields.List(fields.Str())
    by = fields.Str()
    period_from = fields.Date()
    period_to = fields.Date()
    accepted_only = fields.Bool()
    groups = fields.List(fields.Nested(RollupGroupSchema))
    national = fields.Nested(RollupGroupSchema)
    fields = fields.List(fields.Nested(RollupFieldSchema))


class JobRunSchema(Schema):
    today = fields.Date()
    org_units_synced = fields.Int(allow_none=True)
    obligations_created = fields.Int()
    reminders_sent = fields.Dict(keys=fields.Str(), values=fields.Int())


def decimal_text(value):
    """A loaded Decimal bound as stored JSON text (None stays None)."""
    return None if value is None else format(Decimal(value), "f")
