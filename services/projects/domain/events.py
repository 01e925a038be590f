"""The integration events the projects domain records, as typed values.

A rule that changes a task records what happened as one of these (in ``task.events``, or
returned by the rule); the service layer hands them to the outbox through ONE function,
:func:`envelope_of`, which turns an event into the ``(type, data, regions)`` an outbox row
is built from. The fields, their order and their meaning are the event contracts of
kelisim/events/catalogue (the payloads are exactly what the producers sent before these
classes existed):

* every task event starts with the task: ``task_id``, ``task_title`` (Russian),
  ``task_title_kk``, ``plan_id``, ``project_code``, ``region_code`` (None for an RGU
  task), ``start_date`` and ``due_date`` (dates);
* a field holding a :class:`~kelisim.i18n.Msg` (a text the system made) is sent as its
  English text, and the typed Msg beside it as ``<field>_message`` (after the other
  fields), so each reader sees it in their own language; a person's text is sent as is.

Regions (who may read the event) are not part of the payload: each event says them
(:attr:`TaskEvent.regions`).
"""
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, ClassVar

from kelisim.i18n import Msg


@dataclass(frozen=True, kw_only=True)
class TaskEvent:
    """What every task event carries first: the task, as it is (or as the event dates it)."""

    type: ClassVar[str]
    task_id: int
    task_title: str
    task_title_kk: str | None
    plan_id: int
    project_code: str
    region_code: str | None
    start_date: date
    due_date: date

    @staticmethod
    def task_fields(task, *, project_code=None, start=None, due=None):
        """The leading fields from a task (domain Task, or a row of the tasks table with
        ``id``, ``title``, ``title_kk``, ``plan_id``, ``region_code``, dates), with the
        dates (and project code) the event gives it when they are passed."""
        return {"task_id": task.id, "task_title": task.title, "task_title_kk": task.title_kk,
                "plan_id": task.plan_id,
                "project_code": project_code if project_code is not None
                else task.project_code,
                "region_code": task.region_code, "start_date": start or task.start_date,
                "due_date": due or task.due_date}

    @property
    def regions(self):
        """The region codes that may read the event: the task's (none for an RGU task)."""
        return [self.region_code] if self.region_code else []


def assignee_of(kind, assignee_id, name, region_code):
    """The assignee dict an assignment's answers, history and events carry: ``kind``
    (org_unit, structure, person, organisation), ``id``, ``name``, ``region_code``."""
    return {"kind": kind, "id": assignee_id, "name": name, "region_code": region_code}


@dataclass(frozen=True, kw_only=True)
class TaskAssigned(TaskEvent):
    """``task_assigned``: someone (``assignee``: kind, id, name, region_code) took a RACI
    ``role`` on the task by ``assignment_id``."""

    type: ClassVar[str] = "task_assigned"
    assignment_id: int
    role: str
    assignee: dict

    @classmethod
    def of(cls, task, assignment, **more):
        """The event of ``assignment`` (domain Assignment) on ``task``."""
        return cls(**cls.task_fields(task), assignment_id=assignment.id,
                   role=assignment.role, assignee=assignment.assignee(), **more)

    @classmethod
    def of_row(cls, task, row, assignment_id):
        """The event of an assignment written as ``row`` (a dict of the assignments
        table's columns but ``id``) and numbered ``assignment_id``, on ``task``."""
        return cls(**cls.task_fields(task), assignment_id=assignment_id, role=row["role"],
                   assignee=assignee_of(row["assignee_kind"], row["assignee_id"],
                                        row["assignee_name"], row["region_code"]))

    @property
    def regions(self):
        """The task's region and the assignee's (an RGU task's KGU assignee reads it)."""
        return sorted({self.region_code, self.assignee.get("region_code")} - {None})


@dataclass(frozen=True, kw_only=True)
class TaskReassigned(TaskAssigned):
    """``task_reassigned``: as :class:`TaskAssigned`, and who held the role before
    (``previous_assignee``, an assignee dict)."""

    type: ClassVar[str] = "task_reassigned"
    previous_assignee: dict


@dataclass(frozen=True, kw_only=True)
class DeadlineSlipped(TaskEvent):
    """``deadline_slipped``: the task's due date moved later (its new dates are
    ``start_date``, ``due_date``). ``cause_task_id`` is the task whose change moved it,
    ``chain`` the task ids from the cause to this one, ``reason`` a person's text or a
    Msg the system made (or None), ``responsible`` the assignee dicts of its R and A,
    ``constraint_conflicts`` the conflicts (dicts, see scheduling.record_conflicts) whose
    chain holds it."""

    type: ClassVar[str] = "deadline_slipped"
    old_start_date: date
    old_due_date: date
    cause_task_id: int
    chain: list
    reason: Any = None
    responsible: list = field(default_factory=list)
    constraint_conflicts: list = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class TaskOverdue(TaskEvent):
    """``task_overdue``: the task is ``days_overdue`` days past its due date and reached
    ``stage`` (see services/projects/service_layer/overdue.py); ``responsible`` as in
    :class:`DeadlineSlipped`."""

    type: ClassVar[str] = "task_overdue"
    days_overdue: int
    stage: str
    responsible: list = field(default_factory=list)


def envelope_of(event):
    """``(type, data, regions)`` of a typed event: ``data`` holds its fields in order
    (a Msg as its text, and ``<field>_message`` after them: see the module docstring),
    ``regions`` a list of region codes."""
    data, messages = {}, {}
    for spec in fields(event):
        value = getattr(event, spec.name)
        if isinstance(value, Msg):
            messages[f"{spec.name}_message"] = value.to_dict()
        data[spec.name] = str(value) if isinstance(value, Msg) else value
    data.update(messages)
    return event.type, data, event.regions
