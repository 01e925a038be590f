"""Use cases on tasks: read, create in a plan, change (dates, status, progress), history."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim import collection
from kelisim.access import ensure_writable, scope_region
from kelisim.clock import today
from kelisim.db.records import stored_id
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.i18n import _
from kelisim.schemas import listing, load, load_query
from services.projects.contract import schemas
from services.projects.domain.model import is_overdue
from services.projects.domain.schedule import FIXED_STATUSES
from services.projects.service_layer import scheduling
from services.projects.service_layer.common import (
    changes_of,
    plan_or_404,
    publish,
    record,
    task_or_404,
    work_calendar,
)

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.engine.row import Row

    from kelisim.db.uow import UnitOfWork
    from kelisim.workdays.calendar import WorkCalendar
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.domain.model import Assignment, Task
    from services.projects.domain.schedule import Graph, Move

_TASK = schemas.TaskSchema()
_ASSIGNMENT = schemas.AssignmentSchema()
_HISTORY = schemas.HistorySchema()
_TASK_QUERY = schemas.TaskQuery()  # built once: building it cost more than a load


def dump_assignment(assignment: Assignment) -> dict[str, Any]:
    return _ASSIGNMENT.dump({"id": assignment.id, "task_id": assignment.task_id,
                             "role": assignment.role, "assignee": assignment.assignee()})


def listed_assignment(row: Row) -> dict[str, Any]:
    """What dump_assignment gives, from a plain row (listings load no ORM objects)."""
    return {"id": row.id, "task_id": row.task_id, "role": row.role,
            "assignee": {"kind": row.assignee_kind, "id": row.assignee_id,
                         "name": row.assignee_name, "region_code": row.region_code}}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def listed_task(task: Task | Row) -> dict[str, Any]:
    """What ``TaskSchema().dump(task)`` gives for the stored fields, built directly: a page
    of tasks is read on every visit, and marshmallow was a fifth of its cost."""
    return {"id": task.id, "plan_id": task.plan_id, "project_code": task.project_code,
            "year": task.year, "region_code": task.region_code, "parent_id": task.parent_id,
            "template_key": task.template_key, "kind": task.kind, "title": task.title,
            "title_kk": task.title_kk, "description": task.description,
            "start_date": _iso(task.start_date), "due_date": _iso(task.due_date),
            "duration": task.duration, "scheduling": task.scheduling, "status": task.status,
            "progress": task.progress, "expected_finish": _iso(task.expected_finish),
            "constraint_kind": task.constraint_kind,
            "constraint_start": _iso(task.constraint_start),
            "constraint_due": _iso(task.constraint_due),
            "constraint_conflict": task.constraint_conflict,
            "deliverable": bool(task.deliverable), "version": task.version}


def dump_tasks(repo: ProjectsRepository, tasks: list[Task | Row], day: date | None = None) -> list[Any]:
    """Tasks (ORM objects or rows of the tasks table) with their predecessors and
    assignments, loaded in two queries."""
    day = day or today()
    ids = [t.id for t in tasks]
    # looked up by task.id (None for a task not stored, which has neither)
    preds: dict[int | None, list[dict[str, Any]]] = {}  # successor id -> its predecessors
    people: dict[int | None, list[dict[str, Any]]] = {}  # task id -> its assignments
    if ids:
        for pred, succ, lag in repo.predecessors(ids):
            preds.setdefault(succ, []).append(
                {"predecessor_id": pred, "successor_id": succ, "lag": lag})
        for row in repo.assignment_listing(ids):
            people.setdefault(row.task_id, []).append(listed_assignment(row))
    dumped = []
    for task in tasks:
        data = listed_task(task)
        data["overdue"] = is_overdue(task.status, task.kind, task.due_date, day)
        data["predecessors"] = preds.get(task.id, [])
        data["assignments"] = people.get(task.id, [])
        dumped.append(data)
    return dumped


def dump_task(repo: ProjectsRepository, task: Task) -> dict[str, Any]:
    return dump_tasks(repo, [task])[0]


def snapshot(task: Task) -> dict[str, Any]:
    return task.snapshot()


def list_tasks(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    query = load_query(_TASK_QUERY, query)
    with uow:
        region = scope_region(uow.context.actor, query.pop("region", None))
        if query.get("plan_id") is not None:  # another region's plan: 404, as when read
            plan_or_404(uow, query["plan_id"])
        items, total = uow.repo.tasks(region=region, today=today(), **query)
        return listing(dump_tasks(uow.repo, items), total, query)


def list_plan_tasks(uow: UnitOfWork, plan_id: int) -> list[dict[str, Any]]:
    with uow:
        plan = plan_or_404(uow, plan_id)
        return dump_tasks(uow.repo, uow.repo.tasks_of_plan(plan.id))


def get_task(uow: UnitOfWork, task_id: int) -> dict[str, Any]:
    with uow:
        return dump_task(uow.repo, task_or_404(uow, task_id))


def task_history(uow: UnitOfWork, task_id: int, query: dict[str, Any] | None = None) -> dict[str, Any]:
    query = load(schemas.HistoryQuery, query or {})
    with uow:
        task_or_404(uow, task_id)
        rows, total = uow.repo.history("task", task_id, query["limit"], query["offset"])
        return listing(_HISTORY.dump(rows, many=True), total, query)


def create_task(uow: UnitOfWork, plan_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """A task or milestone added to a plan by hand (the rules: :meth:`Plan.new_task`); the
    plan's KGU is its Accountable (``task_assigned``), and what its parent holds up is
    rescheduled. Returns the task's dump; raises NotFound, Forbidden, Invalid."""
    data = load(schemas.TaskCreateSchema, data)
    calendar = work_calendar()
    with uow:
        repo = uow.repo
        plan = plan_or_404(uow, plan_id)
        ensure_writable(uow.context.actor, plan.region_code)
        scheduling.lock_family(uow, plan.project_code, plan.year)
        parent = repo.task(data["parent_id"]) if data["parent_id"] is not None else None

        def earliest_start() -> date | None:  # when the parent's predecessors let a task under it start
            graph, _rows = scheduling.load_graph(repo, plan.project_code, plan.year)
            return graph.earliest_start(stored_id(parent), calendar) if parent else None

        task = plan.new_task(data, parent=parent, calendar=calendar,
                             earliest_start=earliest_start)
        repo.add(task)
        uow.flush()
        accountable = plan.accountable_for(task)
        repo.add(accountable)
        uow.flush()
        record(uow, "task", task.id, "create", changes_of({}, snapshot(task)), plan_id=plan.id)
        task.record_assigned(accountable)
        publish(uow, task.pull_events())
        if parent is not None:
            graph, rows = scheduling.load_graph(repo, plan.project_code, plan.year)
            scheduling.propagate(uow, graph, rows, plan.project_code, calendar,
                                 cause=stored_id(task), reason=_("the subtask «{task}» was added",
                                                         task=scheduling.task_name(task)))
        uow.commit()
        uow.session.expire_all()
        return dump_task(repo, repo.task(task.id))


def update_task(uow: UnitOfWork, task_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Change a task (``data``: TaskPatchSchema: some editable fields, ``version``, and a
    ``reason``, required when the due date moves later). The rules are the task's own
    (:meth:`Task.revise`); what depends on the task in automatic mode is rescheduled, and
    every slipped task is announced (``deadline_slipped``).

    Returns ``{"task": dump, "rescheduled": [move], "constraint_conflicts": [conflict]}``.
    Raises NotFound, Forbidden, StaleVersion, Invalid (a broken rule, or dates that would
    leave the working calendar) and Conflict (a deliverable done without an attachment).

    Runs with the cyclic garbage collector paused (:func:`kelisim.collection.paused`), not
    only the rescheduling: loading a 10 000-task graph and describing the moves set off
    ~180 collections, a full one among them, 0.3-0.5 s of a slip's CPU on this machine.
    """
    data = load(schemas.TaskPatchSchema, data)
    reason = data.pop("reason")
    calendar = work_calendar()
    with uow, collection.paused():
        repo = uow.repo
        task = scheduling.task_to_change(uow, task_id)
        check_version(task, data.pop("version"), _("task {id}", id=task_id))
        before = task.snapshot()
        unpinned = task.revise(data, reason=reason, calendar=calendar,
                               facts=_TaskFacts(repo, task))
        changes = changes_of(before, task.snapshot())
        if not changes:
            return {"task": dump_task(repo, task), "rescheduled": [], "constraint_conflicts": []}
        with concurrent_update_guard(_("task {id}", id=task_id)):
            uow.flush()
        record(uow, "task", stored_id(task), "update", changes, plan_id=task.plan_id, reason=reason)
        if unpinned:
            record(uow, "task", stored_id(task), "constraint", unpinned, plan_id=task.plan_id,
                   reason=str(_("dated by hand: the template's date constraint no longer "
                                "applies")))
        dated = "start_date" in data or "due_date" in data
        moves, graph = [], None
        if dated or "scheduling" in changes or "status" in changes:
            field = "due_date" if dated else "scheduling" if "scheduling" in changes else "status"
            moves, graph = _reschedule_after(uow, task, before, changes, calendar, reason, field)
        publish(uow, task.pull_events())
        uow.commit()
        uow.session.expire_all()
        return {"task": dump_task(repo, repo.task(task.id)),
                "rescheduled": scheduling.describe(moves),
                "constraint_conflicts": graph.reported if graph is not None else []}


def _reschedule_after(uow: UnitOfWork, task: Task, before: dict[str, Any], changes: dict[str, Any],
                      calendar: WorkCalendar, reason: str | None,
                      field: str) -> tuple[list[Any], Graph] | tuple[list[Move], Graph]:
    """Reschedule what follows ``task`` after its change (``before``: its snapshot before,
    ``changes``: ``{field: [old, new]}``) and let it record its own slip, announced after
    its successors' (it carries the dated tasks it blocks). Returns ``(moves, graph)``."""
    repo = uow.repo
    graph, rows = scheduling.load_graph(repo, task.project_code, task.year)
    reopened = before["status"] in FIXED_STATUSES and task.is_open
    start, due = task.start_date, task.due_date
    if task.scheduling == "auto" and ("scheduling" in changes or reopened):
        # turned automatic, or open again after done/cancelled: it starts when its
        # predecessors allow, like the tasks it holds; its own slip is announced once, with
        # the dates it ends up with
        moves = scheduling.propagate(uow, graph, rows, task.project_code, calendar,
                                     cause=stored_id(task), reason=reason,
                                     only=graph.closure({stored_id(task)}), field=field,
                                     announced={stored_id(task)})
        own = next((m for m in moves if m.id == task.id), None)
        if own is not None:
            start, due = own.start, own.due
    else:
        moves = scheduling.propagate(uow, graph, rows, task.project_code, calendar,
                                     cause=stored_id(task), reason=reason, field=field)
    task.record_slip(old_start=before["start_date"], old_due=before["due_date"], start=start,
                     due=due, reason=reason,
                     responsible=lambda: scheduling.responsible_of(repo, [stored_id(task)]).get(
                         stored_id(task), []),
                     conflicts=graph.reported)
    return moves, graph


class _TaskFacts:
    """What :meth:`Task.revise` asks of the database, each only when a rule needs it."""

    def __init__(self, repo: ProjectsRepository, task: Task) -> None:
        self.repo, self.task = repo, task

    def has_children(self) -> bool:
        return bool(self.repo.children(self.task.id))

    def held(self) -> bool:
        """Whether predecessors fix the start of the task: its own, or those of a phase (or
        parent task) above it, which hold each task under it."""
        ids, parent_id = [self.task.id], self.task.parent_id
        while parent_id is not None:
            ids.append(parent_id)
            parent_id = self.repo.task(parent_id).parent_id
        return bool(self.repo.predecessors(ids))

    def assignments(self) -> list[Assignment]:
        return self.repo.assignments([self.task.id])

    def attachment_count(self) -> int:
        return self.repo.attachment_count(self.task.id)
