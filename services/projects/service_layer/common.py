"""Helpers every projects use case shares: the calendar, look-ups, history rows, dumps."""
import json
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from itertools import groupby

from kelisim.access import ensure_readable, found_or_404, readable_or_404
from kelisim.db.types import utcnow
from kelisim.i18n import _
from kelisim.workdays import kazakhstan
from services.projects.domain import schedule
from services.projects.domain.events import envelope_of

KAZAKHSTAN = timezone(timedelta(hours=5))  # one time zone, UTC+5, since 1 March 2024


def today():
    """The date in Kazakhstan now."""
    return datetime.now(KAZAKHSTAN).date()


def reference(name):
    text = resources.files("services.projects").joinpath("reference", name).read_text("utf-8")
    return json.loads(text)


def work_calendar():
    """Kazakhstan's working calendar over the dates the platform schedules in (2020-2040)."""
    return kazakhstan()


def within_calendar(field):
    """Turn a schedule that leaves the working calendar into a 422 naming ``field``, the
    input that pushed it out (the unit of work then writes nothing)."""
    return schedule.within_calendar(field, work_calendar())


def project_or_404(repo, code):
    return found_or_404(repo.project(code), _("project {code} not found", code=code))


def plan_or_404(uow, plan_id):
    return readable_or_404(uow.context.actor, uow.repo.plan(plan_id),
                           _("plan {plan_id} not found", plan_id=plan_id),
                           _("plan {id}", id=plan_id))


def task_or_404(uow, task_id):
    """The task, if the actor may read it: a KGU coordinator reads its region's tasks and
    the RGU tasks its region's tasks follow (writing them stays the RGU's: 403)."""
    task = found_or_404(uow.repo.task(task_id), _("task {task_id} not found", task_id=task_id))
    actor = uow.context.actor
    if task.region_code is None and actor.get("role") == "kgu_coordinator" \
            and uow.repo.followed_in_region(task.id, actor.get("region")):
        return task
    ensure_readable(actor, task.region_code, _("task {id}", id=task_id))
    return task


def plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def changes_of(before, after):
    """``{field: [old, new]}`` of the fields that differ."""
    return {name: [plain(before.get(name)), plain(after.get(name))]
            for name in after if before.get(name) != after.get(name)}


def history_row(uow, entity, entity_id, action, changes, *, plan_id=None, reason=None,
                at=None):
    actor = uow.context.actor
    return {"entity": entity, "entity_id": entity_id, "plan_id": plan_id,
            "occurred_at": at or utcnow(), "actor_id": actor.get("id", "system"),
            "actor_role": actor.get("role", "system"),
            "correlation_id": uow.context.correlation_id, "action": action,
            "changes": changes, "reason": reason}


def record(uow, entity, entity_id, action, changes, *, plan_id=None, reason=None):
    uow.repo.add_history([history_row(uow, entity, entity_id, action, changes,
                                      plan_id=plan_id, reason=reason)])


def regions_of(region_code):
    return [region_code] if region_code else []


def publish(uow, events):
    """Hand typed events (services/projects/domain/events.py) to the outbox, in order: the
    one place an event's payload and regions are built (:func:`envelope_of`); a run of
    events of one type is written as one batch (``uow.emit_many``)."""
    built = [envelope_of(event) for event in events]
    for event_type, run in groupby(built, key=lambda item: item[0]):
        uow.emit_many(event_type, [(data, regions) for _type, data, regions in run])
