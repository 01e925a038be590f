"""Responsibility (RACI) for tasks: org units, structures, people or organisations outside
the Assembly, checked in the registry (asked as the system and kept between its events:
services/projects/adapters/assignees.py; the registry's read rule applied to the actor).

An organisation outside the Assembly (a ministry, an akimat: a co-executor) may be Consulted
or Informed by whoever may write the task, Responsible only when the RGU names it so (a
coordinator's attempt is 403), and never Accountable (422): the Assembly's own vertical
answers for the result.

Exactly one Accountable: a new A replaces the old one (``task_reassigned``); the last A
cannot be removed; a Responsible is required while work is under way. The database holds
the rule too (a unique index on the task's A row). Concurrent changes of a task's people
take its project-year's schedule lock, so a second new A is applied after the first and
replaces it (its ``task_reassigned`` names the first as the previous A).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_writable
from kelisim.clock import today
from kelisim.db.races import retry_on_unique
from kelisim.db.records import stored_id
from kelisim.errors import Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.projects.contract import schemas
from services.projects.domain import model
from services.projects.domain.model import ORGANISATION, check_raci
from services.projects.service_layer import scheduling
from services.projects.service_layer.common import publish, record, task_family_or_404, task_or_404
from services.projects.service_layer.scheduling import lock_family
from services.projects.service_layer.tasks import dump_assignment

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.projects.adapters.assignees import AssigneeDirectory


@retry_on_unique(what="the task's assignments")
def add_assignment(uow: UnitOfWork, assignees: AssigneeDirectory, task_id: int,
                   data: dict[str, Any]) -> dict[str, Any]:
    """Assign someone to a task; an identical concurrent request is answered as a repeat
    (409, the assignment exists already). ``assignees``: who the registry knows, as the
    actor may read them (an :class:`AssigneeDirectory`)."""
    data = load(schemas.AssignmentCreateSchema, data)
    with uow:
        repo = uow.repo
        family = task_family_or_404(uow, task_id)
        ensure_writable(uow.context.actor, family.region_code)
        if data["kind"] == ORGANISATION:
            check_organisation_role(uow.context.actor, data["role"])
        assignee = assignees.assignee(uow.context.actor, data["kind"], data["id"])
        # after the registry call: the lock is not held over RPC. A task's project and year
        # never change; the task itself is loaded once the lock is held, as the previous
        # holder of the lock left it
        lock_family(uow, family.project_code, family.year)
        task = task_or_404(uow, task_id)
        assignment, replaced = task.assign(
            role=data["role"], kind=data["kind"], assignee_id=data["id"], assignee=assignee,
            current=repo.assignments_bearing_on(task.id, data["role"], data["kind"], data["id"]),
            today=today(),
            coordinator=uow.context.actor.get("role") == "kgu_coordinator")
        previous = None
        if data["role"] == "A":
            for old in replaced:
                previous = old.assignee()
                repo.delete(old)
            uow.flush()
        repo.insert(assignment)
        record(uow, "task", stored_id(task), "reassigned" if previous else "assigned",
               {"assignee": [previous, {"role": assignment.role, **assignment.assignee()}]},
               plan_id=task.plan_id)
        task.record_assigned(assignment, previous)
        publish(uow, task.pull_events())
        uow.commit()
        return dump_assignment(assignment)


def check_organisation_role(actor: dict[str, Any], role: str) -> None:
    """:func:`~services.projects.domain.model.check_organisation_role` of ``actor``."""
    model.check_organisation_role(actor.get("role"), role)


def remove_assignment(uow: UnitOfWork, task_id: int, assignment_id: int) -> dict[str, Any]:
    with uow:
        repo = uow.repo
        task = scheduling.task_to_change(uow, task_id)
        assignment = repo.assignment(assignment_id)
        if assignment is None or assignment.task_id != task.id:
            raise NotFound(_("assignment {assignment_id} of task {task_id} not found",
                             assignment_id=assignment_id, task_id=task_id))
        remaining = [a for a in repo.assignments([task.id]) if a.id != assignment.id]
        if assignment.role == "A":
            raise Invalid(_("a task keeps exactly one Accountable"),
                          {"role": _("assign another A instead; it replaces this one")})
        check_raci(remaining, task.status)
        removed = {"role": assignment.role, **assignment.assignee()}
        repo.delete(assignment)
        uow.flush()
        record(uow, "task", stored_id(task), "unassigned", {"assignee": [removed, None]},
               plan_id=task.plan_id)
        uow.commit()
        return {"removed": assignment_id}
