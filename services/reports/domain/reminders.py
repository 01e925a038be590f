"""Which reminder a report needs on a given day; each (kind, stage) is sent once.

``report_due_soon`` (stage 1) once a never-submitted report is within the template's
``remind_days_before`` of its due date. ``report_overdue`` while a report is not
submitted after its due date: stage 1 the day after, then a new stage every
``overdue_every_days``. After downtime only the current stage is sent, not a backlog.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from services.reports.domain.reports import EDITABLE

if TYPE_CHECKING:
    from services.reports.domain.reports import Report
    from services.reports.domain.templates import Template

DUE_SOON = "report_due_soon"
OVERDUE = "report_overdue"


@dataclass(frozen=True)
class Reminder:
    kind: str
    stage: int
    data: dict[str, Any]  # the event's extra fields (days_left, or days_overdue and stage)


def overdue_stage(days_overdue: int, every_days: int) -> int:
    """The overdue stage after ``days_overdue`` days: 1 on the first, one more every
    ``every_days`` days."""
    return 1 + (days_overdue - 1) // max(1, every_days)


def reminder_for(report: Report, template: Template, today: date) -> Reminder | None:
    """The reminder ``report`` needs on ``today``, or None."""
    if report.status not in EDITABLE:
        return None
    days_left = (report.due_date - today).days
    if days_left < 0:
        days_overdue = -days_left
        stage = overdue_stage(days_overdue, template.overdue_every_days)
        return Reminder(OVERDUE, stage, {"days_overdue": days_overdue, "stage": stage})
    if report.first_submitted_at is None and days_left <= template.remind_days_before:
        return Reminder(DUE_SOON, 1, {"days_left": days_left})
    return None
