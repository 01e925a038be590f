"""The overdue job: unfinished tasks past their due date are announced once per stage.

"Once" holds with several instances running the job at once: the stamp row
``(task_id, stage)`` is unique and commits in the same transaction as the outbox row of
its ``task_overdue`` event, so the instance that loses the race rolls both back. When a
task is first found overdue, its successors in automatic mode reschedule as if it
finished that day (``deadline_slipped`` for each one that slips).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from kelisim.clock import today
from kelisim.db.records import stored_id
from kelisim.errors import Invalid
from kelisim.i18n import _
from kelisim.logging import get_logger
from services.projects.domain.events import TaskOverdue
from services.projects.service_layer import scheduling
from services.projects.service_layer.common import publish, record, work_calendar

if TYPE_CHECKING:
    from datetime import date

    from kelisim.db.uow import UnitOfWork

STAGES = (("overdue", 1), ("week", 7), ("month", 30))  # name, days past the due date
log = get_logger(__name__)


def reached(days_overdue: int) -> list[str]:
    return [name for name, days in STAGES if days_overdue >= days]


def scan_overdue(uow: UnitOfWork, day: date | None = None) -> int:
    """Announce every newly reached stage; return how many task_overdue events were queued."""
    day = day or today()
    with uow:
        candidates = [(t.id, t.due_date) for t in uow.repo.overdue_candidates(day)]
        stamped = uow.repo.stamped_stages([task_id for task_id, _ in candidates]) \
            if candidates else set()
    announced = 0
    for task_id, due in candidates:
        stages = [s for s in reached((day - due).days) if (task_id, s) not in stamped]
        if stages:
            try:
                announced += _announce(uow, task_id, stages, day)
            except IntegrityError:
                log.info("overdue stage already announced by another instance", task_id=task_id)
    return announced


def _announce(uow: UnitOfWork, task_id: int, stages: list[str], day: date) -> int:
    with uow:
        repo = uow.repo
        scheduling.lock_family_of(uow, task_id)
        task = repo.task(task_id)
        if task is None or not task.is_open or task.due_date >= day:
            return 0
        for stage in stages:
            repo.stamp(task.id, stage)
        uow.flush()  # on PostgreSQL a concurrent stamp waits here, then fails
        days = (day - task.due_date).days
        responsible = scheduling.responsible_of(repo, [task.id]).get(task.id, [])
        publish(uow, [TaskOverdue(**TaskOverdue.task_fields(task), days_overdue=days,
                                  stage=stages[-1], responsible=responsible)])
        record(uow, "task", task.id, "overdue", {"stage": [None, stages[-1]]},
               plan_id=task.plan_id, reason=str(_("{days} days past the due date", days=days)))
        if "overdue" in stages:
            repo.set_expected_finish(task.id, day)
            graph, rows = scheduling.load_graph(repo, task.project_code, task.year)
            try:
                scheduling.propagate(uow, graph, rows, task.project_code, work_calendar(),
                                     cause=stored_id(task), reason=_("«{task}» is overdue",
                                                             task=scheduling.task_name(task)))
            except Invalid as error:  # the successors would leave the calendar (after 2040)
                log.warning("overdue task's successors not rescheduled", task_id=task.id,
                            error=error.detail)
        uow.commit()
        return 1
