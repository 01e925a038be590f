"""Rescheduling after a change: load a project-year's task graph, move what depends on the
change, record why in each task's history, and tell each affected KGU (deadline_slipped).

Concurrency: every change of a project-year's tasks, dependencies or assignments first
takes that project-year's lock (:func:`lock_family`), so such changes run one after the
other and each one reschedules from the graph the previous one committed. Why a lock and
not version checks: a slip moves up to thousands of tasks that nobody named in the
request, across every region; checking each moved task's version and retrying the whole
slip on any mismatch would make a busy year's slips fail or retry over and over, and two
slips would still each emit ``deadline_slipped`` from dates the other was changing. One
row lock per project-year (PostgreSQL; SQLite's single writer lock when embedded) costs
one indexed upsert, keeps the other project-years fully concurrent, and makes the stored
schedule equal to what :meth:`Graph.reschedule` computes from the stored graph after any
interleaving, with each event describing dates that were committed. Serialising through
one queue would give the same order but would make the HTTP answer asynchronous.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from kelisim import collection
from kelisim.access import ensure_writable
from kelisim.db.types import utcnow
from kelisim.i18n import _, name
from services.projects.domain.events import DeadlineSlipped
from services.projects.domain.schedule import Conflict, Graph, Node, Pin, chains
from services.projects.service_layer.common import history_row, publish, task_or_404, within_calendar

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.engine.row import Row

    from kelisim.db.uow import UnitOfWork
    from kelisim.i18n import Msg
    from kelisim.workdays.calendar import WorkCalendar
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.domain.model import Task
    from services.projects.domain.schedule import Move


def lock_family(uow: UnitOfWork, project_code: str, year: int) -> None:
    """Serialise this transaction with every other change of the project-year's schedule.

    Call it before loading anything the change depends on; what was loaded into the
    session before it may be stale.
    """
    uow.repo.lock_family(project_code, year)


def lock_family_of(uow: UnitOfWork, task_id: int) -> None:
    """:func:`lock_family` of the project-year of ``task_id`` (nothing if there is no such
    task: the use case answers 404 when it loads it)."""
    family = uow.repo.task_family(task_id)
    if family is not None:
        lock_family(uow, family.project_code, family.year)


def task_to_change(uow: UnitOfWork, task_id: int) -> Task:
    """The task ``task_id`` for the actor to change, its project-year locked first
    (:func:`lock_family_of`): NotFound when the actor may not read it, Forbidden when they
    may not write its region."""
    lock_family_of(uow, task_id)
    task = task_or_404(uow, task_id)
    ensure_writable(uow.context.actor, task.region_code)
    return task


def load_graph(repo: ProjectsRepository, project_code: str, year: int) -> tuple[Graph, dict[int, Row]]:
    """The scheduling graph of every task of a project's year, and each task's row."""
    rows = repo.family_rows(project_code, year)
    nodes = []
    # each row unpacked (FAMILY_COLUMNS' order) rather than read by name: a third less CPU
    # for the 10 001 rows of a slip's graph
    for (task_id, parent_id, _plan, _region, kind, _title, _title_kk, start, due, duration,
         mode, status, expected_finish, pin_kind, pin_start, pin_due, conflict) in rows:
        pin = Pin(pin_kind, pin_start, pin_due) if pin_kind else None
        nodes.append(Node(task_id, start, due, duration, parent_id, kind, mode, status,
                          expected_finish, pin,
                          Conflict.from_dict(pin, conflict) if pin is not None else None))
    graph = Graph(nodes, repo.family_dependencies(project_code, year))
    return graph, {r.id: r for r in rows}


def responsible_of(repo: ProjectsRepository,
                   task_ids: list[int]) -> defaultdict[int, list[dict[str, Any]]]:
    """``{task_id: [assignee]}`` of the Responsible and Accountable of each task, each
    assignee once (an org unit both R and A is listed once, in assignment order). One
    query on PostgreSQL (:meth:`ProjectsRepository.assignment_rows`); its rows are read
    as tuples (reading five attributes of each of a slip's 20 000 rows by name was as
    costly as the query)."""
    found: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    seen = set()
    for task_id, kind, assignee_id, assignee_name, region_code in repo.assignment_rows(task_ids):
        key = (task_id, kind, assignee_id)
        if key in seen:
            continue
        seen.add(key)
        found[task_id].append({"kind": kind, "id": assignee_id, "name": assignee_name,
                               "region_code": region_code})
    return found


def task_name(task: Task) -> dict[str, Any]:
    """The title of a task (row) in Kazakh and Russian, for texts in either language."""
    return name(kk=task.title_kk, ru=task.title)


def propagate(uow: UnitOfWork, graph: Graph, rows: dict[int, Row], project_code: str, calendar: WorkCalendar,
              *, cause: int, reason: Msg | str | None, origins: list[int] | None = None,
              only: set[int] | None = None, field: str = "due_date",
              announced: Collection[int] = ()) -> list[Move]:
    """Reschedule what depends on ``origins`` (or exactly ``only``); write, record, emit.

    Returns the moves. Moves to a later due date are slips: one ``deadline_slipped`` each,
    except for the tasks in ``announced``, whose slip the caller announces itself.
    A move that would leave the working calendar is :class:`Invalid` naming ``field``, the
    input that caused it. Runs with the cyclic garbage collector paused
    (:func:`kelisim.collection.paused`: a third of a 10 000-task slip's CPU was collections).
    """
    with collection.paused():
        return _propagate(uow, graph, rows, project_code, calendar, cause=cause, reason=reason,
                          origins=origins, only=only, field=field, announced=announced)


def _propagate(uow: UnitOfWork, graph: Graph, rows: dict[int, Row], project_code: str,
               calendar: WorkCalendar, *, cause: int, reason: Msg | str | None,
               origins: list[int] | None, only: set[int] | None, field: str,
               announced: Collection[int]) -> list[Move]:
    origins = [cause] if origins is None and only is None else (origins or [])
    with within_calendar(field):
        moves = graph.reschedule(calendar, origins, only=only)
    paths = chains(moves, origins or [cause])
    conflicts = record_conflicts(uow, graph, rows, paths)
    if not moves:
        return moves
    # kept as text (English); the gateway shows it in the reader's language, the typed
    # part of it as typed
    note = str(_("rescheduled after task {task}: {reason}", task=cause, reason=reason)
               if reason else _("rescheduled after task {task}", task=cause))
    now = utcnow()
    with uow.in_flight() as writing:  # the history built while the tasks are written
        writing.start(uow.repo.move_tasks, [(m.id, m.start, m.due) for m in moves])
        for start in range(0, len(moves), 1000):  # two chunks' rows in memory at a time
            chunk = [history_row(
                uow, "task", m.id, "rescheduled", {
                    "start_date": [m.old_start.isoformat(), m.start.isoformat()],
                    "due_date": [m.old_due.isoformat(), m.due.isoformat()]},
                plan_id=rows[m.id].plan_id, reason=note, at=now)
                for m in moves[start:start + 1000]]
            writing.start(uow.repo.add_history, chunk)
    slipped = [m for m in moves if m.slipped and m.id not in announced]

    def slips() -> Iterator[DeadlineSlipped]:
        """One event per slipped task, built a chunk at a time as the outbox takes them
        (a slip of 10 000 tasks keeps one chunk's events and R/A look-ups in memory)."""
        for start in range(0, len(slipped), 1000):
            chunk = slipped[start:start + 1000]
            responsible = responsible_of(uow.repo, [m.id for m in chunk])
            for m in chunk:
                yield DeadlineSlipped(
                    **DeadlineSlipped.task_fields(rows[m.id], project_code=project_code,
                                                  start=m.start, due=m.due),
                    old_start_date=m.old_start, old_due_date=m.old_due, cause_task_id=cause,
                    chain=paths[m.id], reason=reason, responsible=responsible.get(m.id, []),
                    constraint_conflicts=[c for c in conflicts if m.id in c["chain"]])

    publish(uow, slips())
    return moves


def record_conflicts(uow: UnitOfWork, graph: Graph, rows: dict[int, Row],
                     paths: dict[int, list[int]] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Write the constraint conflicts :meth:`Graph.reschedule` found or cleared on their
    tasks (``constraint_conflict``, with a history row each) and return the new ones as
    dicts: the task, its constraint and date, the predecessor, the earliest start it allows,
    the due date that would give, and ``chain``, the tasks that pushed it (as a slip's)."""
    changes = graph.conflict_changes
    if not changes:
        return []
    paths = paths or {}
    found = []
    stored: dict[int, dict[str, Any] | None] = {}  # task id -> its conflict, None when cleared
    for task_id, conflict in sorted(changes.items(), key=lambda pair: str(pair[0])):
        if conflict is None:
            stored[task_id] = None
            continue
        pred = conflict.predecessor
        data = {**conflict.to_dict(),
                "chain": [*paths.get(pred, [pred]), task_id] if pred is not None
                else [task_id]}
        stored[task_id] = data
        row = rows[task_id]
        found.append({"task_id": task_id, "task_title": row.title,
                      "task_title_kk": row.title_kk, "region_code": row.region_code, **data})
    uow.repo.set_conflicts(stored)
    uow.repo.add_history([history_row(
        uow, "task", task_id, "constraint",
        {"constraint_conflict": [rows[task_id].constraint_conflict, data]},
        plan_id=rows[task_id].plan_id,
        reason=str(_("predecessors make the task's date impossible") if data
                   else _("the task's date is possible again")))
        for task_id, data in stored.items()])
    changes.clear()
    graph.reported.extend(found)
    return found


def describe(moves: list[Move]) -> list[dict[str, Any]]:
    return [{"task_id": m.id, "start_date": m.start.isoformat(), "due_date": m.due.isoformat(),
             "old_start_date": m.old_start.isoformat(), "old_due_date": m.old_due.isoformat()}
            for m in moves]
