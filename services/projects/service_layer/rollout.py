"""Rolling a base project out to the regions: one transaction creates each KGU's plan with
its tasks, dependencies, assignments and dates, and queues a task_assigned per assignment.

Idempotent per project x year x region (a region rolled out before is skipped), also when
rollouts run at once: each takes the project-year's schedule lock (scheduling.lock_family)
before deciding which regions are still to do, so a concurrent identical rollout answers
``skipped`` and rollouts to different regions share one RGU plan. The
template is only read. Template items of level ``rgu`` are created once, in the project's
RGU plan for the year, and precede the regional tasks that name them in every region.

Dated template items (``on``, ``not_before``, ``within``; see domain/template.py) become
tasks that carry their constraint; a recurring item (``repeat``) becomes one task per
date its rule gives in the year. The scheduler keeps each constraint while honouring the
dependencies; one the dependencies make impossible keeps its date and is answered in
``constraint_conflicts`` (and stored on the task as ``constraint_conflict``).
"""
from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from typing import TYPE_CHECKING, Any

from eventlet.semaphore import Semaphore

from kelisim.db.races import retry_on_unique
from kelisim.db.records import stored_id
from kelisim.errors import Invalid
from kelisim.i18n import _
from kelisim.schemas import load
from services.projects.contract import schemas
from services.projects.domain import template as templates
from services.projects.domain.events import TaskAssigned
from services.projects.domain.model import ORGANISATION, RGU_SCOPE, Plan, Task
from services.projects.domain.schedule import Graph, Node, Pin
from services.projects.service_layer import baselines
from services.projects.service_layer.common import history_row, project_or_404, publish, within_calendar, work_calendar
from services.projects.service_layer.projects import require_rgu
from services.projects.service_layer.scheduling import lock_family

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from kelisim.workdays.calendar import WorkCalendar
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.domain.schedule import Conflict
    from services.registry.contract.client import RegistryClient

Slot = tuple[str, str]  # (scope: a region or RGU_SCOPE, template item key)

# One rollout builds and commits at a time in a process (its green threads queue on the
# semaphore, first come first served): a rollout's transaction is CPU-bound, so rollouts
# side by side shared one core and each committed only when all were nearly done; one
# after another, the first commits after its own share of the time and its events are on
# their way to the KGUs while the next one runs (four projects to 20 regions at once:
# bench/README.md). Replicas still run theirs side by side. Taken after the registry's
# answers and before the schedule lock.
_BUILDING = Semaphore(1)


@retry_on_unique(what="the rollout")
def rollout(uow: UnitOfWork, registry: RegistryClient, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Create the plans of ``data["regions"]`` for ``data["year"]``; regions with a plan are
    ``skipped``. Returns what was created, with counts of tasks and assignments."""
    data = load(schemas.RolloutSchema, data)
    year = data["year"]
    calendar = work_calendar()
    with uow, ExitStack() as building:
        repo = uow.repo
        require_rgu(uow.context.actor, _("only the RGU may roll out a project"))
        project_or_404(repo, code)
        items = repo.template(code).items
        kgus = registry.kgus()
        wanted = sorted(kgus) if data["regions"] == "all" else sorted(set(data["regions"]))
        unknown = [r for r in wanted if r not in kgus]
        if unknown:
            raise Invalid(_("no KGU in some regions"), {"regions": ", ".join(unknown)})
        todo = _todo(repo, code, year, wanted)
        if todo:  # the registry is asked before the lock: it is not held over RPC
            rgu_unit = registry.rgu()
            structures = registry.structures(templates.structure_types(items),
                                             set(todo) | {None})
            structures.update(registry.organisations(templates.organisation_codes(items),
                                                     akimats=templates.names_akimats(items)))
            building.enter_context(_BUILDING)
            lock_family(uow, code, year)
            todo = _todo(repo, code, year, todo)
        result = {"project_code": code, "year": year, "created": [],
                  "skipped": [r for r in wanted if r not in todo], "tasks": 0,
                  "assignments": 0, "constraint_conflicts": []}
        if not todo:
            return result
        with within_calendar("start_date" if data["start_date"] else "year"):
            start = calendar.on_or_after(data["start_date"] or date(year, 1, 15))
            builder = _Builder(uow, code, year, start, calendar, items)
            builder.rgu_plan(rgu_unit)
            for region in todo:
                builder.regional_plan(region, kgus[region])
            builder.schedule()
        builder.insert()
        for plan in builder.new_plans:  # the RGU's own plan is approved as it is made
            if plan.status == "approved":
                baselines.capture(uow, plan, str(baselines.APPROVED_AT_ROLLOUT))
        assigned = builder.assign(kgus, rgu_unit, structures)
        uow.commit()
        result["created"] = [{"plan_id": p.id, "region_code": p.region_code}
                             for p in builder.new_plans if p.region_code]
        result["tasks"] = len(builder.new_tasks)
        result["assignments"] = assigned
        result["constraint_conflicts"] = builder.conflicts
        return result


def _todo(repo: ProjectsRepository, code: str, year: int, regions: list[str]) -> list[str]:
    """Those of ``regions`` without a plan of the project's year yet."""
    done = repo.plan_scopes(code, year)
    return [r for r in regions if r not in done]


class _Builder:
    """Builds the plans and tasks of one rollout in memory, then writes them in bulk."""

    def __init__(self, uow: UnitOfWork, code: str, year: int, start: date, calendar: WorkCalendar,
                 items: list[dict[str, Any]]) -> None:
        self.uow, self.repo = uow, uow.repo
        self.code, self.year, self.start, self.calendar = code, year, start, calendar
        items = templates.expand(items, year)  # recurring items: one per occurrence
        self.items = templates.parents_first(items)
        self.by_key = {item["key"]: item for item in items}
        self.conflicts: list[dict[str, Any]] = []  # answered: dated tasks the dependencies make impossible
        self._conflicts: dict[Slot, Conflict] = {}
        self.tasks: dict[Slot, Task] = {}  # new or existing
        self.plan_of: dict[Slot, Plan] = {}  # the plan of each new task (its id comes at insert)
        self.new_tasks: list[Task] = []
        self.new_plans: list[Plan] = []
        self.deps: list[tuple[Slot, Slot, int]] = []  # (predecessor, successor, lag)
        self.slots: list[Slot] = []  # the graph's node ids are places in this list

    def _task(self, plan: Plan, scope: str, item: dict[str, Any]) -> None:
        start = self.calendar.add(self.start, item.get("start_offset", 0))
        duration = 0 if item["kind"] != "task" else item["duration"]
        due = start if duration == 0 else self.calendar.finish(start, duration)
        task = Task(plan_id=plan.id, project_code=self.code, year=self.year,
                    region_code=plan.region_code, template_key=item["key"], kind=item["kind"],
                    title=item["title_ru"], title_kk=item["title_kk"], start_date=start,
                    due_date=due, duration=duration, scheduling=item.get("scheduling", "auto"),
                    deliverable=bool(item.get("deliverable", False)))
        pin = templates.pin_of(item, self.year, self.calendar)
        if pin is not None:
            task.constraint_kind = pin.kind
            task.constraint_start, task.constraint_due = pin.earliest, pin.latest
        self.plan_of[(scope, item["key"])] = plan
        self.tasks[(scope, item["key"])] = task
        self.new_tasks.append(task)

    def rgu_plan(self, rgu_unit: dict[str, Any]) -> None:
        rgu_items = [i for i in self.items if i.get("level") == "rgu"]
        if not rgu_items:
            return
        plan = self.repo.plan_by_scope(self.code, self.year, RGU_SCOPE)
        if plan is None:
            plan = Plan(project_code=self.code, year=self.year, scope=RGU_SCOPE,
                        org_unit_id=rgu_unit["id"] if rgu_unit else None,
                        org_unit_name=rgu_unit["name_ru"] if rgu_unit else None, status="approved",
                        start_date=self.start)
            self.new_plans.append(plan)
            existing = {}
        else:
            existing = {t.template_key: t for t in self.repo.tasks_of_plan(plan.id)}
        for item in rgu_items:
            if item["key"] in existing:
                self.tasks[(RGU_SCOPE, item["key"])] = existing[item["key"]]
            else:
                self._task(plan, RGU_SCOPE, item)

    def regional_plan(self, region: str, kgu: dict[str, Any]) -> None:
        plan = Plan(project_code=self.code, year=self.year, scope=region, region_code=region,
                    org_unit_id=kgu["id"], org_unit_name=kgu["name_ru"], start_date=self.start)
        self.new_plans.append(plan)
        for item in self.items:
            if item.get("level") != "rgu":
                self._task(plan, region, item)

    def _scope_of(self, scope: str, key: str) -> str:
        return RGU_SCOPE if self.by_key[key].get("level") == "rgu" else scope

    def schedule(self) -> None:
        """Dates from the template: offsets for free tasks, then finish-to-start and spans.
        The graph's node ids are the slots' places in ``self.tasks`` (new tasks have no id)."""
        self.slots = slots = list(self.tasks)
        place = {slot: number for number, slot in enumerate(slots)}
        nodes, deps = [], []
        for (scope, key), task in self.tasks.items():
            item = self.by_key[key]
            parent = item.get("parent")
            pin = Pin(task.constraint_kind, task.constraint_start, task.constraint_due) \
                if task.constraint_kind else None
            nodes.append(Node(place[(scope, key)], task.start_date, task.due_date, task.duration,
                              place[(scope, parent)] if parent else None, task.kind,
                              task.scheduling, task.status, task.expected_finish, pin))
            for dep in item.get("after", ()):
                deps.append(((self._scope_of(scope, dep["key"]), dep["key"]), (scope, key),
                             dep.get("lag", 0)))
        self.deps = deps
        graph = Graph(nodes, [(place[pred], place[succ], lag) for pred, succ, lag in deps])
        new = {place[slot] for slot, t in self.tasks.items() if t.id is None}
        for move in graph.reschedule(self.calendar, only=new):
            task = self.tasks[slots[move.id]]
            task.start_date, task.due_date = move.start, move.due
        # a conflict names its predecessor by place too (self.slots[c.predecessor])
        self._conflicts = {slots[number]: c for number, c in graph.conflict_changes.items()
                           if c is not None}

    def _record_conflicts(self) -> None:
        """Each conflict on its task and in the answer, by task ids (known after insert)."""
        for (scope, key), conflict in sorted(self._conflicts.items(), key=lambda pair: pair[0]):
            task = self.tasks[(scope, key)]
            pred = self.tasks[self.slots[conflict.predecessor]]
            stored = {**conflict.to_dict(), "predecessor_id": pred.id,
                      "chain": [pred.id, task.id]}
            task.constraint_conflict = stored
            self.conflicts.append({"task_id": task.id, "template_key": key,
                                   "plan_id": task.plan_id, "region_code": task.region_code,
                                   "task_title": task.title, "task_title_kk": task.title_kk,
                                   **stored})

    def insert(self) -> None:
        """Plans, then tasks level by level (parents get ids first), then dependencies."""
        self.repo.add_all(self.new_plans)
        self.uow.flush()
        by_depth: dict[int, list[tuple[str, str, Task]]] = {}
        for (scope, key), task in self.tasks.items():
            if task.id is None:
                by_depth.setdefault(self._depth(key), []).append((scope, key, task))
        for depth in sorted(by_depth):
            for scope, key, task in by_depth[depth]:
                task.plan_id = stored_id(self.plan_of[(scope, key)])
                parent = self.by_key[key].get("parent")
                if parent:
                    task.parent_id = self.tasks[(scope, parent)].id
            self.repo.add_all([task for _, _, task in by_depth[depth]])
            self.uow.flush()
        new = {id(task) for task in self.new_tasks}
        self.repo.add_dependencies([
            {"predecessor_id": self.tasks[pred].id, "successor_id": self.tasks[succ].id,
             "lag": lag}
            for pred, succ, lag in self.deps if id(self.tasks[succ]) in new])
        self._record_conflicts()
        rows = [history_row(self.uow, "plan", stored_id(plan), "rollout",
                            {"status": [None, plan.status]}, plan_id=plan.id,
                            reason=str(_("rollout of {template} for {year}",
                                             template=self.code, year=self.year)))
                for plan in self.new_plans]
        rows += [history_row(self.uow, "task", stored_id(task), "create",
                             {"start_date": [None, task.start_date.isoformat()],
                              "due_date": [None, task.due_date.isoformat()]},
                             plan_id=task.plan_id, reason=str(_("created from the template")))
                 for task in self.new_tasks]
        self.repo.add_history(rows)

    def _depth(self, key: str) -> int:
        depth, parent = 0, self.by_key[key].get("parent")
        while parent:
            depth, parent = depth + 1, self.by_key[parent].get("parent")
        return depth

    def assign(self, kgus: dict[str, Any], rgu_unit: dict[str, Any],
               structures: dict[Any, dict[str, Any]]) -> int:
        """Default responsibility from the template; a structure type missing in a region
        falls back to its KGU (the RGU for RGU items); an organisation outside the
        Assembly (``org:CODE``, ``org:akimat``) missing in the registry is left out (it
        does no work the region must answer for). Returns how many were made."""
        made = []
        for task in self.new_tasks:
            region = task.region_code
            home = kgus[region] if region else rgu_unit
            seen = set()
            for role, source in templates.responsibility(self.by_key[task.template_key]):
                unit = {"kgu": kgus.get(region) if region else None, "rgu": rgu_unit}.get(source, home) \
                    if source in templates.SOURCES else None
                kind = "org_unit"
                structure = structures.get((region, source))
                if templates.is_organisation(source):
                    unit = structures.get(("akimat", region) if source == templates.REGION_AKIMAT
                                          else source[len(templates.ORG_PREFIX):])
                    if unit is None or unit.get("closed_on") or \
                            unit.get("region_code") not in (None, region):
                        continue
                    kind, structure = ORGANISATION, None
                if structure is not None:
                    unit, kind = structure, "structure"
                elif unit is None:
                    unit = home
                if unit is None:
                    continue
                key = (role, kind, unit["id"])
                if key in seen:
                    continue
                seen.add(key)
                made.append((task, {  # rows, not ORM objects: thousands at once
                    "task_id": stored_id(task), "role": role, "assignee_kind": kind,
                    "assignee_id": unit["id"],
                    "assignee_name": unit.get("name_ru") or unit.get("name"),
                    "region_code": unit.get("region_code")}))
        ids = self.repo.add_assignment_rows([row for _, row in made])
        publish(self.uow, [TaskAssigned.of_row(task, row, number)
                           for (task, row), number in zip(made, ids, strict=True)])
        return len(made)
