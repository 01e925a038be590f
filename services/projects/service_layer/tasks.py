"""Use cases on tasks: read, create in a plan, change (dates, status, progress), history."""
from kelisim.access import ensure_writable, scope_region
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.errors import Conflict, Invalid
from kelisim.i18n import _
from kelisim.schemas import listing, load
from services.projects import schemas
from services.projects.domain.events import DeadlineSlipped, TaskAssigned, TaskReassigned
from services.projects.domain.model import APPROVAL_MILESTONE, OPEN_STATUSES, Assignment, Task, check_raci
from services.projects.domain.schedule import FIXED_STATUSES, place
from services.projects.service_layer import scheduling
from services.projects.service_layer.common import (
    changes_of,
    plan_or_404,
    publish,
    record,
    task_or_404,
    today,
    within_calendar,
    work_calendar,
)

_TASK = schemas.TaskSchema()
_ASSIGNMENT = schemas.AssignmentSchema()
_HISTORY = schemas.HistorySchema()
_TASK_QUERY = schemas.TaskQuery()  # built once: building it cost more than a load
FIELDS = ("title", "title_kk", "description", "start_date", "due_date", "duration",
          "scheduling", "status", "progress", "deliverable")


def dump_assignment(assignment):
    return _ASSIGNMENT.dump({"id": assignment.id, "task_id": assignment.task_id,
                             "role": assignment.role, "assignee": assignment.assignee()})


def listed_assignment(row):
    """What dump_assignment gives, from a plain row (listings load no ORM objects)."""
    return {"id": row.id, "task_id": row.task_id, "role": row.role,
            "assignee": {"kind": row.assignee_kind, "id": row.assignee_id,
                         "name": row.assignee_name, "region_code": row.region_code}}


def _iso(day):
    return day.isoformat() if day is not None else None


def listed_task(task):
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


def dump_tasks(repo, tasks, day=None):
    """Tasks (ORM objects or rows of the tasks table) with their predecessors and
    assignments, loaded in two queries."""
    day = day or today()
    ids = [t.id for t in tasks]
    preds, people = {}, {}
    if ids:
        for pred, succ, lag in repo.predecessors(ids):
            preds.setdefault(succ, []).append(
                {"predecessor_id": pred, "successor_id": succ, "lag": lag})
        for row in repo.assignment_listing(ids):
            people.setdefault(row.task_id, []).append(listed_assignment(row))
    dumped = []
    for task in tasks:
        data = listed_task(task)
        data["overdue"] = (task.status in OPEN_STATUSES and task.kind != "phase"
                           and task.due_date < day)
        data["predecessors"] = preds.get(task.id, [])
        data["assignments"] = people.get(task.id, [])
        dumped.append(data)
    return dumped


def dump_task(repo, task):
    return dump_tasks(repo, [task])[0]


def snapshot(task):
    return {name: getattr(task, name) for name in FIELDS}


def list_tasks(uow, query):
    query = load(_TASK_QUERY, query)
    with uow:
        region = scope_region(uow.context.actor, query.pop("region", None))
        if query.get("plan_id") is not None:  # another region's plan: 404, as when read
            plan_or_404(uow, query["plan_id"])
        items, total = uow.repo.tasks(region=region, today=today(), **query)
        return listing(dump_tasks(uow.repo, items), total, query)


def list_plan_tasks(uow, plan_id):
    with uow:
        plan = plan_or_404(uow, plan_id)
        return dump_tasks(uow.repo, uow.repo.tasks_of_plan(plan.id))


def get_task(uow, task_id):
    with uow:
        return dump_task(uow.repo, task_or_404(uow, task_id))


def task_history(uow, task_id, query=None):
    query = load(schemas.HistoryQuery(), query or {})
    with uow:
        task_or_404(uow, task_id)
        rows, total = uow.repo.history("task", task_id, query["limit"], query["offset"])
        return listing(_HISTORY.dump(rows, many=True), total, query)


def create_task(uow, plan_id, data):
    """A task or milestone added to a plan by hand; the plan's KGU is its Accountable."""
    data = load(schemas.TaskCreateSchema(), data)
    calendar = work_calendar()
    with uow:
        repo = uow.repo
        plan = plan_or_404(uow, plan_id)
        ensure_writable(uow.context.actor, plan.region_code)
        scheduling.lock_family(uow, plan.project_code, plan.year)
        if plan.status == "closed":
            raise Invalid(_("a closed plan takes no new tasks"), {"plan_id": _("closed")})
        parent = None
        if data["parent_id"] is not None:
            parent = repo.task(data["parent_id"])
            if parent is None or parent.plan_id != plan.id:
                raise Invalid(_("unknown parent"), {"parent_id": _("no such task in this plan")})
            if parent.kind == "milestone":
                raise Invalid(_("a milestone has no children"), {"parent_id": _("a milestone")})
        with within_calendar("duration" if data["due_date"] is None else "due_date"):
            start, due, duration = place(
                calendar, kind=data["kind"], scheduling=data["scheduling"],
                start=data["start_date"], due=data["due_date"], duration=data["duration"])
        if parent is not None and data["scheduling"] == "auto":
            # a phase's predecessors hold each of its tasks, a new one included
            graph, _rows = scheduling.load_graph(repo, plan.project_code, plan.year)
            with within_calendar("parent_id"):
                earliest = graph.earliest_start(parent.id, calendar)
                if earliest is not None:
                    start = earliest
                    due = start if data["kind"] == "milestone" \
                        else calendar.finish(start, duration)
        task = Task(plan_id=plan.id, project_code=plan.project_code, year=plan.year,
                    region_code=plan.region_code, parent_id=data["parent_id"],
                    kind=data["kind"], title=data["title"], title_kk=data["title_kk"],
                    description=data["description"], start_date=start, due_date=due,
                    duration=duration, scheduling=data["scheduling"],
                    deliverable=data["deliverable"])
        task.check()
        repo.add(task)
        if parent is not None and parent.kind == "task":
            parent.kind = "phase"  # a task with subtasks spans them, like a phase
        uow.flush()
        accountable = Assignment(task_id=task.id, role="A", assignee_kind="org_unit",
                                 assignee_id=plan.org_unit_id, assignee_name=plan.org_unit_name,
                                 region_code=plan.region_code)
        repo.add(accountable)
        uow.flush()
        record(uow, "task", task.id, "create", changes_of({}, snapshot(task)), plan_id=plan.id)
        emit_assigned(uow, task, accountable)
        if parent is not None:
            graph, rows = scheduling.load_graph(repo, plan.project_code, plan.year)
            scheduling.propagate(uow, graph, rows, plan.project_code, calendar,
                                 cause=task.id, reason=_("the subtask «{task}» was added",
                                                         task=scheduling.task_name(task)))
        uow.commit()
        uow.session.expire_all()
        return dump_task(repo, repo.task(task.id))


def assigned_event(task, assignment, previous=None):
    """The typed event of ``assignment`` on ``task``: :class:`TaskReassigned` when it
    took the role from ``previous`` (an assignee dict), else :class:`TaskAssigned`."""
    if previous is not None:
        return TaskReassigned.of(task, assignment, previous_assignee=previous)
    return TaskAssigned.of(task, assignment)


def emit_assigned(uow, task, assignment, previous=None):
    publish(uow, [assigned_event(task, assignment, previous)])


def update_task(uow, task_id, data):
    """Change a task. A due date moved later needs a reason; what depends on the task in
    automatic mode is rescheduled, and every slipped task is announced."""
    data = load(schemas.TaskPatchSchema(), data)
    reason = data.pop("reason")
    calendar = work_calendar()
    with uow:
        repo = uow.repo
        scheduling.lock_family_of(uow, task_id)
        task = task_or_404(uow, task_id)
        ensure_writable(uow.context.actor, task.region_code)
        check_version(task, data.pop("version"), _("task {id}", id=task_id))
        before = snapshot(task)
        dated = "start_date" in data or "due_date" in data
        parent = bool(repo.children(task.id))
        if dated and parent:
            raise Invalid(_("a parent's dates follow its children"),
                          {"due_date": _("change the dates of its tasks instead")})
        start, due, duration = (task.start_date, task.due_date, task.duration) if parent \
            else _new_dates(task, data, calendar)
        by_hand = "start_date" in data or (dated and task.kind == "milestone")
        if by_hand and start != task.start_date and task.scheduling == "auto" \
                and data.get("scheduling", "auto") == "auto" and _held(repo, task):
            # a milestone's one date is its start too: moving it by hand is the same case
            raise Invalid(_("an automatically scheduled task starts when its predecessors allow"),
                          {"start_date" if "start_date" in data else "due_date": _(
                              "set scheduling to manual to fix the start date")})
        slipped = due > task.due_date
        if slipped and not (reason or "").strip():
            raise Invalid(_("moving a due date later needs a reason"),
                          {"reason": _("required when the due date moves later")})
        status = data.get("status", task.status)
        if status != task.status and task.template_key == APPROVAL_MILESTONE:
            raise Invalid(_("this milestone follows the plan's approval"),
                          {"status": _("completed when the RGU approves the plan")})
        if status != task.status and status in ("in_progress", "done"):
            check_raci(repo.assignments([task.id]), status)
        deliverable = data.get("deliverable", task.deliverable)
        if status == "done" and deliverable and (task.status != "done" or not task.deliverable) \
                and not repo.attachment_count(task.id):
            raise Conflict(_("a deliverable task is done only with at least one attachment: "
                             "attach its document first"),
                           {"status": _("attach the document (protocol, report, publication, "
                                        "photo) before marking the task done")})
        if status == "done" and "progress" not in data:
            data["progress"] = 100
        for name in ("title", "title_kk", "description", "scheduling", "status", "progress",
                     "deliverable"):
            if name in data:
                setattr(task, name, data[name])
        unpinned = None
        if dated and task.constraint_kind and (start, due) != (task.start_date,
                                                               task.due_date):
            # dates set by hand are the person's decision: the template's constraint gives
            # way (recorded), so no later reschedule moves them back to it in silence
            unpinned = {"constraint_kind": [task.constraint_kind, None],
                        "constraint_conflict": [task.constraint_conflict, None]}
            task.constraint_kind = task.constraint_start = task.constraint_due = None
            task.constraint_conflict = None
        task.start_date, task.due_date, task.duration = start, due, duration
        task.check()
        changes = changes_of(before, snapshot(task))
        if not changes:
            return {"task": dump_task(repo, task), "rescheduled": [], "constraint_conflicts": []}
        with concurrent_update_guard(_("task {id}", id=task_id)):
            uow.flush()
        record(uow, "task", task.id, "update", changes, plan_id=task.plan_id, reason=reason)
        if unpinned:
            record(uow, "task", task.id, "constraint", unpinned, plan_id=task.plan_id,
                   reason=str(_("dated by hand: the template's date constraint no longer "
                                "applies")))
        moves, graph = [], None
        if dated or "scheduling" in changes or "status" in changes:
            field = "due_date" if dated else "scheduling" if "scheduling" in changes else "status"
            graph, rows = scheduling.load_graph(repo, task.project_code, task.year)
            reopened = before["status"] in FIXED_STATUSES and task.is_open
            placed_again = task.scheduling == "auto" and ("scheduling" in changes or reopened)
            if placed_again:
                # turned automatic, or open again after done/cancelled: it starts when its
                # predecessors allow, like the tasks it holds; its own slip is announced
                # once, below, with the dates it ends up with
                moves = scheduling.propagate(uow, graph, rows, task.project_code, calendar,
                                             cause=task.id, reason=reason,
                                             only=graph.closure({task.id}), field=field,
                                             announced={task.id})
                own = next((m for m in moves if m.id == task.id), None)
                if own is not None:
                    start, due = own.start, own.due
                slipped = due > before["due_date"]
            if not placed_again:
                moves = scheduling.propagate(uow, graph, rows, task.project_code, calendar,
                                             cause=task.id, reason=reason, field=field)
            if slipped:  # after its successors': it carries the dated tasks it blocks
                publish(uow, [DeadlineSlipped(
                    **DeadlineSlipped.task_fields(rows[task.id], project_code=task.project_code,
                                                  start=start, due=due),
                    old_start_date=before["start_date"], old_due_date=before["due_date"],
                    cause_task_id=task.id, chain=[task.id], reason=reason,
                    responsible=scheduling.responsible_of(repo, [task.id]).get(task.id, []),
                    constraint_conflicts=[c for c in graph.reported
                                          if task.id in c["chain"]])])
        uow.commit()
        uow.session.expire_all()
        return {"task": dump_task(repo, repo.task(task.id)),
                "rescheduled": scheduling.describe(moves),
                "constraint_conflicts": graph.reported if graph is not None else []}


def _held(repo, task):
    """Whether predecessors fix the start of ``task``: its own, or those of a phase (or
    parent task) above it, which hold each task under it."""
    ids, parent_id = [task.id], task.parent_id
    while parent_id is not None:
        ids.append(parent_id)
        parent_id = repo.task(parent_id).parent_id
    return bool(repo.predecessors(ids))


def _new_dates(task, data, calendar):
    """``(start, due, duration)`` after ``data``: placed on working days when dated anew (or
    turned automatic), else as they are."""
    scheduling = data.get("scheduling", task.scheduling)
    dated = "start_date" in data or "due_date" in data
    if not dated and not (scheduling == "auto" != task.scheduling):
        return task.start_date, task.due_date, task.duration
    start = data.get("start_date", task.start_date)
    due = data.get("due_date")
    field = "due_date" if due is not None else "start_date" if dated else "scheduling"
    with within_calendar(field):
        return place(calendar, kind=task.kind, scheduling=scheduling, start=start, due=due,
                     duration=None if due is not None else task.duration)
