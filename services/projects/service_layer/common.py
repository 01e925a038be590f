"""Helpers every projects use case shares: the calendar, look-ups, history rows, dumps."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, found_or_404, readable_or_404
from kelisim.db.types import utcnow
from kelisim.i18n import _
from kelisim.reference import shipped
from kelisim.workdays import kazakhstan
from services.projects.domain import schedule
from services.projects.domain.events import envelope_of

if TYPE_CHECKING:
    from contextlib import _GeneratorContextManager

    from kelisim.db.uow import UnitOfWork
    from kelisim.workdays.calendar import WorkCalendar
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.domain.model import BaseProject, Plan, Task

def reference(name: str) -> list[dict[str, Any]]:
    """The projects service's shipped ``reference/<name>`` (JSON), parsed."""
    rows: list[dict[str, Any]] = shipped("services.projects", name)
    return rows


def work_calendar() -> WorkCalendar:
    """Kazakhstan's working calendar over the dates the platform schedules in (2020-2040)."""
    return kazakhstan()


def within_calendar(field: str) -> _GeneratorContextManager:
    """Turn a schedule that leaves the working calendar into a 422 naming ``field``, the
    input that pushed it out (the unit of work then writes nothing)."""
    return schedule.within_calendar(field, work_calendar())


def project_or_404(repo: ProjectsRepository, code: str) -> BaseProject:
    return found_or_404(repo.project(code), _("project {code} not found", code=code))


def plan_or_404(uow: UnitOfWork, plan_id: int) -> Plan:
    return readable_or_404(uow.context.actor, uow.repo.plan(plan_id),
                           _("plan {plan_id} not found", plan_id=plan_id))


def task_or_404(uow: UnitOfWork, task_id: int) -> Task:
    """The task, if the actor may read it: a KGU coordinator reads its region's tasks and
    the RGU tasks its region's tasks follow (writing them stays the RGU's: 403)."""
    return _readable_task(uow, task_id, uow.repo.task(task_id))


def task_family_or_404(uow: UnitOfWork, task_id: int) -> Any:
    """The task's ``id``, ``region_code``, ``project_code`` and ``year`` (a row, not the
    task), if the actor may read it as :func:`task_or_404` says: what a change needs to
    check the actor and take the project-year's schedule lock, before which a loaded task
    may be stale (load it after the lock, once)."""
    return _readable_task(uow, task_id, uow.repo.task_family(task_id))


def _readable_task(uow: UnitOfWork, task_id: int, task: Any) -> Any:
    task = found_or_404(task, _("task {task_id} not found", task_id=task_id))
    actor = uow.context.actor
    if task.region_code is None and actor.get("role") == "kgu_coordinator" \
            and uow.repo.followed_in_region(task.id, actor.get("region")):
        return task
    ensure_readable(actor, task.region_code, _("task {task_id} not found", task_id=task_id))
    return task


def plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def changes_of(before: Any, after: dict[str, Any]) -> dict[str, Any]:
    """``{field: [old, new]}`` of the fields that differ."""
    return {name: [plain(before.get(name)), plain(after.get(name))]
            for name in after if before.get(name) != after.get(name)}


def history_row(uow: UnitOfWork, entity: str, entity_id: int, action: str, changes: dict[str, Any], *,
                plan_id: int | None = None, reason: str | None = None,
                at: datetime | None = None) -> dict[str, Any]:
    actor = uow.context.actor
    return {"entity": entity, "entity_id": entity_id, "plan_id": plan_id,
            "occurred_at": at or utcnow(), "actor_id": actor.get("id", "system"),
            "actor_role": actor.get("role", "system"),
            "correlation_id": uow.context.correlation_id, "action": action,
            "changes": changes, "reason": reason}


def record(uow: UnitOfWork, entity: str, entity_id: int, action: str, changes: dict[str, Any], *,
           plan_id: int | None = None, reason: str | None = None) -> None:
    uow.repo.add_history([history_row(uow, entity, entity_id, action, changes,
                                      plan_id=plan_id, reason=reason)])


def regions_of(region_code: str | None) -> list[str]:
    """The regions an event concerns: ``region_code``'s, or none (a project-wide record)."""
    return [region_code] if region_code else []


def publish(uow: UnitOfWork, events: Iterable[Any]) -> None:
    """Hand typed events (services/projects/domain/events.py) to the outbox, in order: the
    one place an event's payload and regions are built (:func:`envelope_of`); a run of
    events of one type is written as one batch (``uow.emit_many``). ``events`` is read
    lazily: a generator of a slip's 10 000 events is built and written 1 000 at a time."""
    built = map(envelope_of, events)
    for event_type, run in groupby(built, key=lambda item: item[0]):
        uow.emit_many(event_type, ((data, regions) for _type, data, regions in run))
