"""The projects service's contract: what its RPC methods accept and return (also the
gateway's). Money travels as decimal strings in KZT; dates as ISO dates."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kelisim.i18n import N_, _
from kelisim.schemas import (
    REGION_CODE,
    ExactDecimal,
    PageQuery,
    QuerySchema,
    SortField,
    StrictSchema,
    money,
    page_of,
    text_search,
)
from services.projects.contract import (
    ASSIGNEE_KINDS,
    BUDGET_CATEGORIES,
    CLOSING_FORMS,
    MAX_LAG,
    PLAN_STATUSES,
    RACI_ROLES,
    RISK_CATEGORIES,
    RISK_STATUSES,
    SCHEDULING_MODES,
    TASK_KINDS,
    TASK_STATUSES,
    dates,
)

PROJECT_CODE = validate.Regexp(r"^[a-z][a-z0-9-]{1,39}$", error=N_("a project code like mediation"))
TEXT = validate.Length(min=1, max=500)
LONG_TEXT = validate.Length(max=10_000)
YEAR_RANGE = (2020, 2040)  # the years the working calendar covers
YEAR = validate.Range(*YEAR_RANGE)
# the span of the working calendar (kelisim.workdays) every date is scheduled in
WORKING_DATE = validate.Range(date(2020, 1, 1), date(2040, 12, 31),
                              error=N_("must be within the working calendar, 2020 to 2040"))
LAG = validate.Range(0, MAX_LAG, error=N_("from 0 to {max} working days"))
SCALE = validate.Range(1, 5)
TASK_SORTS = ("id", "due_date", "start_date", "title", "status", "progress")


KZT_TEXT = {"type": "string", "format": "decimal", "description": "KZT, exact"}  # as answered
SOURCE = validate.Regexp(r"^(?:[a-z][a-z0-9_]{1,39}|org:(?:akimat|[A-Z0-9][A-Z0-9_.-]{0,59}))$",
                         error=N_("kgu, rgu, a structure type such as mediation_council, "
                                  "org:CODE of an organisation or org:akimat"))


# projects, indicators, templates
class IndicatorSchema(Schema):
    code = fields.Str()
    name_kk = fields.Str()
    name_ru = fields.Str()
    name_en = fields.Str()
    unit = fields.Str()
    projects = fields.List(fields.Str())
    targets = fields.Dict(keys=fields.Str(), values=fields.Str())
    actuals = fields.Dict(keys=fields.Str(), values=fields.Str())
    gaps = fields.Dict(keys=fields.Str(), values=fields.Str(),
                       metadata={"description": "actual minus target, per year"})
    version = fields.Int()


class IndicatorTargetSchema(StrictSchema):
    value = ExactDecimal(places=2, minimum=0, maximum=100, required=True, metadata={
        "type": "string", "format": "decimal", "example": "82.0",
        "description": "a percentage from 0 to 100, at most 2 decimal places"})
    version = fields.Int(required=True, strict=True)
    reason = fields.Str(load_default=None, allow_none=True, validate=LONG_TEXT, metadata={
        "description": "required when an existing target changes; kept in the history"})


class IndicatorActualSchema(StrictSchema):
    value = ExactDecimal(places=2, minimum=0, maximum=100, required=True, metadata={
        "type": "string", "format": "decimal", "example": "69.2",
        "description": "a percentage from 0 to 100, at most 2 decimal places"})
    version = fields.Int(required=True, strict=True)


class ProjectSchema(Schema):
    code = fields.Str()
    title_kk = fields.Str()
    title_ru = fields.Str()
    title_en = fields.Str()
    goal_kk = fields.Str()
    goal_ru = fields.Str()
    goal_en = fields.Str()
    indicators = fields.List(fields.Nested(IndicatorSchema))
    version = fields.Int()


class DependencyRefSchema(StrictSchema):
    key = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    lag = fields.Int(load_default=0, strict=True, validate=LAG)


class ResponsibilitySchema(StrictSchema):
    A = fields.Str(load_default=None, allow_none=True, validate=SOURCE)
    R = fields.List(fields.Str(validate=SOURCE), load_default=list)
    C = fields.List(fields.Str(validate=SOURCE), load_default=list)
    I = fields.List(fields.Str(validate=SOURCE), load_default=list)  # noqa: E741


def _day_of_year(value):
    problem = dates.day_error(value)
    if problem:
        raise ValidationError([problem])


def _recurrence(value):
    problem = dates.rule_error(value)
    if problem:
        raise ValidationError([problem])


class WorkItemSchema(StrictSchema):
    key = fields.Str(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9.-]{0,39}$", error=N_("lower-case letters, digits, '.', '-'")))
    parent = fields.Str(load_default=None, allow_none=True)
    kind = fields.Str(required=True, validate=validate.OneOf(TASK_KINDS))
    title_ru = fields.Str(required=True, validate=TEXT)
    title_kk = fields.Str(required=True, validate=TEXT)
    title_en = fields.Str(load_default=None, allow_none=True, validate=TEXT)
    duration = fields.Int(load_default=1, strict=True, validate=validate.Range(0, 250))
    start_offset = fields.Int(load_default=0, strict=True, validate=validate.Range(0, 250))
    after = fields.List(fields.Nested(DependencyRefSchema), load_default=list)
    scheduling = fields.Str(load_default="auto", validate=validate.OneOf(SCHEDULING_MODES))
    level = fields.Str(load_default="region", validate=validate.OneOf(("region", "rgu")))
    responsible = fields.Nested(ResponsibilitySchema, load_default=dict)
    # dated and recurring items: see services/projects/domain/template.py
    on = fields.Str(allow_none=True, validate=_day_of_year, metadata={
        "description": "must finish on this day of the plan's year (MM-DD, e.g. 05-01); "
                       "a day off means the last working day before it"})
    not_before = fields.Str(allow_none=True, validate=_day_of_year,
                            metadata={"description": "start no earlier than (MM-DD)"})
    within = fields.Str(allow_none=True, validate=validate.OneOf(
        tuple(dates.PERIODS), error=N_("Q1 to Q4, H1 or H2")), metadata={
            "description": "start and finish in this quarter or half-year of the plan's year"})
    repeat = fields.Str(allow_none=True, validate=_recurrence, metadata={
        "description": "an RFC 5545 RRULE without DTSTART/UNTIL, e.g. "
                       "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20: one task per date of the "
                       "plan's year, due on it"})
    closes_with = fields.Str(allow_none=True, validate=validate.OneOf(CLOSING_FORMS), metadata={
        "description": "what the work closes with: a protocol, a report on work done, "
                       "information sent on, a publication, ..."})
    indicator = fields.Str(allow_none=True, validate=validate.Length(1, 40), metadata={
        "description": "the code of the target indicator the item serves (GET /indicators)"})
    deliverable = fields.Bool(load_default=False, metadata={
        "description": "the tasks made from this item close with a document (an attachment)"})


class ProjectTemplateSchema(Schema):
    project_code = fields.Str()
    items = fields.List(fields.Nested(WorkItemSchema))
    version = fields.Int()


class ProjectTemplatePutSchema(StrictSchema):
    project_code = fields.Str(load_default=None, allow_none=True, metadata={
        "description": "as GET answers it: the address's project (another one is a 422)"})
    version = fields.Int(required=True, strict=True)
    items = fields.List(fields.Nested(WorkItemSchema), required=True,
                        validate=validate.Length(min=1, max=500))


# rollouts
class RolloutSchema(StrictSchema):
    year = fields.Int(required=True, strict=True, validate=YEAR)
    regions = fields.Raw(required=True, metadata={
        "description": '"all", or a list of region codes such as ["KZ-61", "KZ-75"]'})
    start_date = fields.Date(load_default=None, allow_none=True, validate=WORKING_DATE,
                             metadata={"description":
                                       "when the plans start (default: 15 January of the year)"})

    @validates_schema
    def check_regions(self, data, **kwargs):
        regions = data.get("regions")
        if regions == "all":
            return
        if not isinstance(regions, list) or not regions or not all(
                isinstance(r, str) and REGION_CODE.regex.match(r) for r in regions):
            raise ValidationError([_('"all" or a non-empty list of region codes')], "regions")
        if data.get("start_date") and data["start_date"].year != data["year"]:
            raise ValidationError([_("must fall in the rollout's year")], "start_date")


class RolloutResultSchema(Schema):
    project_code = fields.Str()
    year = fields.Int()
    created = fields.List(fields.Dict(), metadata={"description": "plans created (id, region)"})
    skipped = fields.List(fields.Str(), metadata={"description": "regions already rolled out"})
    tasks = fields.Int()
    assignments = fields.Int()
    constraint_conflicts = fields.List(fields.Dict(), metadata={
        "description": "dated tasks (template items on/within/not_before) whose "
                       "predecessors make their date impossible: each keeps its date and is "
                       "listed with task_id, template_key, plan_id, region_code, titles, "
                       "constraint, date, predecessor_id, earliest_start (what the "
                       "predecessors allow), would_be_due and chain"})


# plans
class PlanSchema(Schema):
    id = fields.Int()
    project_code = fields.Str()
    year = fields.Int()
    region_code = fields.Str(allow_none=True)
    org_unit_id = fields.Int(allow_none=True)
    org_unit_name = fields.Str(allow_none=True)
    status = fields.Str()
    expected_results = fields.Str()
    start_date = fields.Date(allow_none=True)
    budget = fields.Dict(metadata={"description": "planned, committed, actual (KZT strings)"})
    task_count = fields.Int()
    version = fields.Int()


class PlanQuery(PageQuery):
    region = fields.Str(validate=REGION_CODE)
    project = fields.Str(validate=PROJECT_CODE)
    year = fields.Int(validate=YEAR)
    status = fields.Str(validate=validate.OneOf(PLAN_STATUSES))


PlanPageSchema = page_of(PlanSchema)


class PlanPatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    status = fields.Str(validate=validate.OneOf(PLAN_STATUSES))
    expected_results = fields.Str(validate=LONG_TEXT)
    reason = fields.Str(load_default=None, allow_none=True, validate=LONG_TEXT)


# tasks
class AssigneeSchema(Schema):
    kind = fields.Str()
    id = fields.Int()
    name = fields.Str(allow_none=True)
    region_code = fields.Str(allow_none=True)


class AssignmentSchema(Schema):
    id = fields.Int()
    task_id = fields.Int()
    role = fields.Str()
    assignee = fields.Nested(AssigneeSchema)


class DependencySchema(Schema):
    predecessor_id = fields.Int()
    successor_id = fields.Int()
    lag = fields.Int()


class TaskSchema(Schema):
    id = fields.Int()
    plan_id = fields.Int()
    project_code = fields.Str()
    year = fields.Int()
    region_code = fields.Str(allow_none=True)
    parent_id = fields.Int(allow_none=True)
    template_key = fields.Str(allow_none=True)
    kind = fields.Str()
    title = fields.Str()
    title_kk = fields.Str(allow_none=True)
    description = fields.Str()
    start_date = fields.Date()
    due_date = fields.Date()
    duration = fields.Int(metadata={"description": "working days"})
    scheduling = fields.Str()
    status = fields.Str()
    progress = fields.Int()
    expected_finish = fields.Date(allow_none=True)
    constraint_kind = fields.Str(allow_none=True, metadata={
        "description": "on, not_before or within, from a dated template item"})
    constraint_start = fields.Date(allow_none=True, metadata={
        "description": "the constraint's earliest start"})
    constraint_due = fields.Date(allow_none=True, metadata={
        "description": "the constraint's due date (on) or latest due date (within)"})
    constraint_conflict = fields.Dict(allow_none=True, metadata={
        "description": "set while predecessors make the constraint impossible: constraint, "
                       "date, predecessor_id, earliest_start, would_be_due, chain; the task "
                       "keeps its date"})
    deliverable = fields.Bool(metadata={
        "description": "done only with at least one attachment (409 otherwise)"})
    overdue = fields.Bool()
    predecessors = fields.List(fields.Nested(DependencySchema))
    assignments = fields.List(fields.Nested(AssignmentSchema))
    version = fields.Int()


class TaskQuery(PageQuery):
    region = fields.Str(validate=REGION_CODE)
    project = fields.Str(validate=PROJECT_CODE)
    year = fields.Int(validate=YEAR)
    plan_id = fields.Int()
    status = fields.Str(validate=validate.OneOf(TASK_STATUSES))
    overdue = fields.Bool()
    constraint_conflict = fields.Bool(metadata={
        "description": "true: only dated tasks whose predecessors make their date impossible"})
    assignee_kind = fields.Str(validate=validate.OneOf(ASSIGNEE_KINDS))
    assignee_id = fields.Int()
    role = fields.Str(validate=validate.OneOf(RACI_ROLES))
    q = text_search(metadata={"description": "case-insensitive text in the title, Russian "
                                             "(title) or Kazakh (title_kk)"})
    due_after = fields.Date(metadata={"description": "due on or after this date"})
    due_before = fields.Date(metadata={"description": "due on or before this date"})
    sort = SortField(TASK_SORTS)

    @validates_schema
    def ordered_range(self, data, **kwargs):
        if data.get("due_after") and data.get("due_before") and \
                data["due_after"] > data["due_before"]:
            raise ValidationError(_("must not precede due_after"), "due_before")


TaskPageSchema = page_of(TaskSchema)


class TaskCreateSchema(StrictSchema):
    title = fields.Str(required=True, validate=TEXT)
    title_kk = fields.Str(load_default=None, allow_none=True, validate=TEXT)
    description = fields.Str(load_default="", validate=LONG_TEXT)
    kind = fields.Str(load_default="task", validate=validate.OneOf(("task", "milestone")))
    parent_id = fields.Int(load_default=None, allow_none=True, strict=True, metadata={
        "description": "a task of the same plan; if it (or a phase above it) has "
                       "predecessors, an automatic task starts when they allow"})
    start_date = fields.Date(required=True, validate=WORKING_DATE, metadata={
        "description": "a day off moves an automatic task to the next working day; a manual "
                       "task keeps it (GET /api/v1/calendar lists the days off)"})
    due_date = fields.Date(load_default=None, allow_none=True, validate=WORKING_DATE)
    duration = fields.Int(load_default=None, allow_none=True, strict=True,
                          validate=validate.Range(1, 500), metadata={
                              "description": "working days; one that would end after "
                                             "2040-12-31 is 422"})
    scheduling = fields.Str(load_default="auto", validate=validate.OneOf(SCHEDULING_MODES))
    deliverable = fields.Bool(load_default=False, metadata={
        "description": "the task closes with a document: done only with an attachment"})


class TaskPatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    title = fields.Str(validate=TEXT)
    title_kk = fields.Str(allow_none=True, validate=TEXT)
    description = fields.Str(validate=LONG_TEXT)
    start_date = fields.Date(validate=WORKING_DATE, metadata={
        "description": "422 for an automatic task held by predecessors (its own or a "
                       "parent's): set scheduling to manual to fix it"})
    due_date = fields.Date(validate=WORKING_DATE, metadata={
        "description": "a milestone's one date: 422 if it is automatic and held by "
                       "predecessors, as start_date"})
    scheduling = fields.Str(validate=validate.OneOf(SCHEDULING_MODES))
    status = fields.Str(validate=validate.OneOf(TASK_STATUSES), metadata={
        "description": "an automatic task reopened after done or cancelled is placed after "
                       "its predecessors again"})
    progress = fields.Int(strict=True, validate=validate.Range(0, 100))
    deliverable = fields.Bool(metadata={
        "description": "the task closes with a document: done only with an attachment"})
    reason = fields.Str(load_default=None, allow_none=True, validate=LONG_TEXT, metadata={
        "description": "required when the due date moves later; kept in the history"})


class DependencyCreateSchema(StrictSchema):
    predecessor_id = fields.Int(required=True, strict=True, metadata={
        "description": "a task of the same project and year, in the same region's plan or "
                       "the RGU's; a task the caller cannot read is 404, another region's "
                       "plan 422"})
    lag = fields.Int(load_default=0, strict=True, validate=LAG, metadata={
        "description": "working days between the predecessor's finish and the start; a lag "
                       "that would push a task past 2040-12-31 is 422"})


class AssignmentCreateSchema(StrictSchema):
    role = fields.Str(required=True, validate=validate.OneOf(RACI_ROLES))
    kind = fields.Str(required=True, validate=validate.OneOf(ASSIGNEE_KINDS))
    id = fields.Int(required=True, strict=True)


class HistorySchema(Schema):
    id = fields.Int()
    entity = fields.Str()
    entity_id = fields.Int()
    plan_id = fields.Int(allow_none=True)
    occurred_at = fields.DateTime()
    actor_id = fields.Str()
    actor_name = fields.Str(allow_none=True, metadata={
        "description": "the person's display name (kk / ru), or the API token's name"})
    actor_org_unit = fields.Str(allow_none=True, metadata={"description": "the person's org unit"})
    actor_role = fields.Str()
    correlation_id = fields.Str(allow_none=True)
    action = fields.Str()
    changes = fields.Dict(metadata={"description": "field -> [old, new]"})
    reason = fields.Str(allow_none=True)


class HistoryQuery(PageQuery):
    pass


class TaskChangeSchema(Schema):
    """What an edit did: the task, and every task rescheduled because of it."""

    task = fields.Nested(TaskSchema)
    rescheduled = fields.List(fields.Dict())
    constraint_conflicts = fields.List(fields.Dict(), metadata={
        "description": "dated tasks whose date this change makes impossible (each keeps "
                       "its date; see constraint_conflict on the task)"})


# budgets
class BudgetLineSchema(Schema):
    id = fields.Int()
    plan_id = fields.Int()
    category = fields.Str()
    description = fields.Str()
    planned = fields.Decimal(as_string=True, metadata=KZT_TEXT)
    committed = fields.Decimal(as_string=True, metadata=KZT_TEXT)
    actual = fields.Decimal(as_string=True, metadata=KZT_TEXT)
    variance = fields.Dict(keys=fields.Str(), values=fields.Str())
    overrun = fields.Bool()
    version = fields.Int()


class BudgetLineCreateSchema(StrictSchema):
    category = fields.Str(required=True, validate=validate.OneOf(BUDGET_CATEGORIES))
    description = fields.Str(load_default="", validate=LONG_TEXT)
    planned = money(required=True)
    committed = money(load_default="0")
    actual = money(load_default="0")


class BudgetLinePatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    description = fields.Str(validate=LONG_TEXT)
    planned = money()
    committed = money()
    actual = money()
    reason = fields.Str(load_default=None, allow_none=True, validate=LONG_TEXT, metadata={
        "description": "required when the planned amount changes (an amendment)"})


class BudgetLinesSchema(Schema):
    items = fields.List(fields.Nested(BudgetLineSchema))
    totals = fields.Dict(keys=fields.Str(), values=fields.Str())


# risks
class RiskSchema(Schema):
    id = fields.Int()
    plan_id = fields.Int(allow_none=True)
    project_code = fields.Str()
    region_code = fields.Str(allow_none=True)
    title = fields.Str()
    description = fields.Str()
    category = fields.Str()
    probability = fields.Int()
    impact = fields.Int()
    score = fields.Int()
    owner = fields.Str(allow_none=True)
    mitigation = fields.Str()
    corrective_actions = fields.Str()
    status = fields.Str()
    residual_probability = fields.Int(allow_none=True)
    residual_impact = fields.Int(allow_none=True)
    residual_score = fields.Int(allow_none=True)
    next_review = fields.Date(allow_none=True)
    escalated = fields.Bool()
    version = fields.Int()


OPEN_RISKS = "open"  # a status filter of its own: every status but closed


class RiskQuery(PageQuery):
    region = fields.Str(validate=REGION_CODE)
    project = fields.Str(validate=PROJECT_CODE)
    year = fields.Int(validate=YEAR, metadata={"description": "the year of the risk's plan"})
    status = fields.Str(validate=validate.OneOf((*RISK_STATUSES, OPEN_RISKS)), metadata={
        "description": "open: every status but closed"})
    probability = fields.Int(validate=SCALE)
    impact = fields.Int(validate=SCALE)


RiskPageSchema = page_of(RiskSchema)


class RiskCreateSchema(StrictSchema):
    title = fields.Str(required=True, validate=TEXT)
    description = fields.Str(load_default="", validate=LONG_TEXT)
    category = fields.Str(load_default="other", validate=validate.OneOf(RISK_CATEGORIES))
    probability = fields.Int(required=True, strict=True, validate=SCALE)
    impact = fields.Int(required=True, strict=True, validate=SCALE)
    owner = fields.Str(load_default=None, allow_none=True, validate=TEXT)
    mitigation = fields.Str(load_default="", validate=LONG_TEXT)
    corrective_actions = fields.Str(load_default="", validate=LONG_TEXT)
    status = fields.Str(load_default="identified", validate=validate.OneOf(RISK_STATUSES))
    residual_probability = fields.Int(load_default=None, allow_none=True, strict=True,
                                      validate=SCALE)
    residual_impact = fields.Int(load_default=None, allow_none=True, strict=True,
                                 validate=SCALE)
    next_review = fields.Date(load_default=None, allow_none=True, validate=WORKING_DATE)


class RiskPatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    title = fields.Str(validate=TEXT)
    description = fields.Str(validate=LONG_TEXT)
    category = fields.Str(validate=validate.OneOf(RISK_CATEGORIES))
    probability = fields.Int(strict=True, validate=SCALE)
    impact = fields.Int(strict=True, validate=SCALE)
    owner = fields.Str(allow_none=True, validate=TEXT)
    mitigation = fields.Str(validate=LONG_TEXT)
    corrective_actions = fields.Str(validate=LONG_TEXT)
    status = fields.Str(validate=validate.OneOf(RISK_STATUSES))
    residual_probability = fields.Int(allow_none=True, strict=True, validate=SCALE)
    residual_impact = fields.Int(allow_none=True, strict=True, validate=SCALE)
    next_review = fields.Date(allow_none=True)


class SummaryQuery(QuerySchema):
    year = fields.Int(validate=YEAR)
    as_of = fields.Date(validate=WORKING_DATE,
                        metadata={"description": "the status date (default: today)"})


EARNED_VALUE = {"keys": fields.Str(), "values": fields.Str(allow_none=True)}


class BaselineCoverageSchema(Schema):
    with_ = fields.Int(data_key="with", metadata={"description": "plans with a baseline"})
    without = fields.List(fields.Int(), metadata={
        "description": "ids of plans without one (not approved yet): measured on current dates"})
    note = fields.Str(allow_none=True)


class FiguresSchema(Schema):
    """What a summary shows for a set of plans."""

    progress = fields.Int(metadata={"description": "per cent, weighted by duration"})
    tasks = fields.Dict(metadata={"description": "tasks by status, and overdue"})
    earned_value = fields.Dict(**EARNED_VALUE, metadata={
        "description": "PV, EV, AC, SV, CV, SPI, CPI (KZT) against each plan's baseline; a plan "
                       "without a baseline counts on its current dates (see baseline)"})
    earned_value_current = fields.Dict(**EARNED_VALUE, metadata={
        "description": "the same on current dates and budget, beside the baseline figures"})
    baseline = fields.Nested(BaselineCoverageSchema)
    budget = fields.Dict(keys=fields.Str(), values=fields.Str())
    risk_heat_map = fields.Dict(metadata={"description": "open risks: project cells and "
                                                         "matrix, and cells by region"})
    overdue_by_region = fields.Dict(keys=fields.Str(), values=fields.Int())


class SummarySchema(FiguresSchema):
    project_code = fields.Str()
    year = fields.Int(allow_none=True)
    as_of = fields.Date()
    regions = fields.List(fields.Dict(), metadata={
        "description": "per plan: progress, overdue, earned_value (measured_against "
                       "baseline or current), earned_value_current, baseline"})
    indicators = fields.List(fields.Nested(IndicatorSchema))


class ProgrammeSummarySchema(Schema):
    as_of = fields.Date()
    year = fields.Int(allow_none=True)
    projects = fields.Dict(keys=fields.Str(), values=fields.Dict(**EARNED_VALUE), metadata={
        "description": "earned value per project (the same as by_project.*.earned_value)"})
    programme = fields.Dict(**EARNED_VALUE, metadata={"description": "earned value in all"})
    by_project = fields.Dict(keys=fields.Str(), values=fields.Nested(FiguresSchema))
    totals = fields.Nested(FiguresSchema, metadata={"description": "the whole programme"})


# baselines
class RebaselineSchema(StrictSchema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=10_000), metadata={
        "description": "why the approved dates and budget change; kept in the history"})


class BaselineTaskSchema(Schema):
    task_id = fields.Int()
    start_date = fields.Date()
    due_date = fields.Date()
    duration = fields.Int(metadata={"description": "working days"})
    current_start_date = fields.Date(allow_none=True)
    current_due_date = fields.Date(allow_none=True)
    slipped = fields.Bool(metadata={"description": "due now later than in the baseline"})


class BaselineEntrySchema(Schema):
    number = fields.Int()
    captured_at = fields.DateTime()
    actor_id = fields.Str()
    reason = fields.Str(allow_none=True)
    budget = fields.Str(metadata={"description": "budget at completion, KZT"})
    task_count = fields.Int()


class BaselineDetailSchema(BaselineEntrySchema):
    tasks = fields.List(fields.Nested(BaselineTaskSchema))


class PlanBaselineSchema(Schema):
    plan_id = fields.Int()
    status = fields.Str()
    current_budget = fields.Str()
    baseline = fields.Nested(BaselineDetailSchema, allow_none=True)
    history = fields.List(fields.Nested(BaselineEntrySchema), metadata={
        "description": "every capture, newest first"})
    note = fields.Str(allow_none=True)


class ProgrammeSummaryQuery(QuerySchema):
    year = fields.Int(validate=YEAR)
    as_of = fields.Date(validate=WORKING_DATE)
