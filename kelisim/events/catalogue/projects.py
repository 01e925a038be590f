"""Events published by the projects service: what each KGU must learn about its tasks.

Money travels as decimal strings (exact KZT); dates as ISO dates. ``regions`` in the
envelope lists every region concerned, so notifications reach each affected KGU.
"""
from typing import Any

from marshmallow import fields, validate

from kelisim.events.catalogue import EventData, event

RACI = validate.OneOf(("R", "A", "C", "I"))


def name_field() -> fields.Dict:
    """A name in every language it has: ``{"kk": ..., "ru": ..., "en": ...}`` (optional)."""
    return fields.Dict(keys=fields.Str(), values=fields.Str(allow_none=True), allow_none=True,
                       load_default=None)


class IntList(fields.List):  # type: ignore[type-arg]
    """``fields.List(fields.Int())`` with a fast path: a list of plain ints (what producers
    send: a slip's ``chain`` runs to 50 task ids, in 10 000 events) is checked in one pass
    instead of one marshmallow field call per item; anything else goes the field's way,
    with the same result and the same errors."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Int(), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if type(value) is list and all(type(item) is int for item in value):
            return list(value)
        return super()._deserialize(value, attr, data, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if type(value) is list and all(type(item) is int for item in value):
            return list(value)
        return super()._serialize(value, attr, obj, **kwargs)


class Assignee(EventData):
    kind = fields.Str(required=True, validate=validate.OneOf(
        ("org_unit", "structure", "person", "organisation")))
    id = fields.Int(required=True)
    name = fields.Str(allow_none=True, load_default=None)
    region_code = fields.Str(allow_none=True, load_default=None)


class TaskRef(EventData):
    task_id = fields.Int(required=True)
    task_title = fields.Str(required=True)  # as entered (Russian); task_title_kk the Kazakh one
    task_title_kk = fields.Str(allow_none=True, load_default=None)
    project_name = name_field()
    plan_id = fields.Int(allow_none=True, load_default=None)
    project_code = fields.Str(required=True)
    region_code = fields.Str(allow_none=True, load_default=None)
    start_date = fields.Date(allow_none=True, load_default=None)
    due_date = fields.Date(allow_none=True, load_default=None)


@event("projects", "task_assigned")
class TaskAssigned(TaskRef):
    assignment_id = fields.Int(required=True)
    role = fields.Str(required=True, validate=RACI)
    assignee = fields.Nested(Assignee, required=True)


@event("projects", "task_reassigned")
class TaskReassigned(TaskRef):
    assignment_id = fields.Int(required=True)
    role = fields.Str(required=True, validate=RACI)
    assignee = fields.Nested(Assignee, required=True)
    previous_assignee = fields.Nested(Assignee, required=True)


@event("projects", "deadline_slipped")
class DeadlineSlipped(TaskRef):
    old_start_date = fields.Date(allow_none=True, load_default=None)
    old_due_date = fields.Date(required=True)
    cause_task_id = fields.Int(required=True)
    chain = IntList(required=True)
    reason = fields.Str(allow_none=True, load_default=None)
    # a reason the system made (not typed by a person): a message in every language,
    # {"msgid", "params"} as kelisim.i18n renders it; ``reason`` is then its English text
    reason_message = fields.Dict(allow_none=True, load_default=None)
    responsible = fields.List(fields.Nested(Assignee), load_default=list)
    # dated tasks (template items "on"/"within") this slip makes impossible to keep: each
    # keeps its date and is listed with task_id, titles, region_code, constraint (on,
    # not_before, within), date, predecessor_id, earliest_start, would_be_due and chain
    # (the tasks that pushed it, this one among them)
    constraint_conflicts = fields.List(fields.Dict(), load_default=list)


@event("projects", "task_overdue")
class TaskOverdue(TaskRef):
    days_overdue = fields.Int(required=True)
    stage = fields.Str(required=True)
    responsible = fields.List(fields.Nested(Assignee), load_default=list)


@event("projects", "budget_overrun")
class BudgetOverrun(EventData):
    plan_id = fields.Int(required=True)
    project_code = fields.Str(required=True)
    region_code = fields.Str(allow_none=True, load_default=None)
    budget_line_id = fields.Int(required=True)
    category = fields.Str(required=True)
    project_name = name_field()
    planned = fields.Decimal(required=True, as_string=True)
    committed = fields.Decimal(required=True, as_string=True)
    actual = fields.Decimal(required=True, as_string=True)


@event("projects", "risk_escalated")
class RiskEscalated(EventData):
    risk_id = fields.Int(required=True)
    plan_id = fields.Int(allow_none=True, load_default=None)
    project_code = fields.Str(required=True)
    region_code = fields.Str(allow_none=True, load_default=None)
    title = fields.Str(required=True)
    score = fields.Int(required=True)
    threshold = fields.Int(required=True)
    owner = fields.Str(allow_none=True, load_default=None)
    project_name = name_field()


@event("projects", "plan_status_changed")
class PlanStatusChanged(EventData):
    plan_id = fields.Int(required=True)
    project_code = fields.Str(required=True)
    region_code = fields.Str(required=True)
    year = fields.Int(required=True)
    old_status = fields.Str(required=True)
    new_status = fields.Str(required=True)
    project_name = name_field()
