"""Use cases on finish-to-start dependencies between tasks of one project, year and region
(or after an RGU task, the designed link across regions)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.db.races import retry_on_unique
from kelisim.db.records import stored_id
from kelisim.errors import Conflict, Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.projects.contract import schemas
from services.projects.domain.model import Dependency
from services.projects.service_layer import scheduling
from services.projects.service_layer.common import record, task_or_404, work_calendar
from services.projects.service_layer.tasks import dump_task

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.projects.domain.model import Task
    from services.projects.domain.schedule import Graph


def _check_regions(pred: Task, task: Task) -> None:
    """A dependency stays within one region's plan, or makes a region's task follow an RGU
    task: the RGU's own milestones are the one designed link across regions."""
    if pred.region_code is None or pred.region_code == task.region_code:
        return
    if task.region_code is None:
        raise Invalid(_("an RGU task cannot follow one region's task"),
                      {"predecessor_id": _(
                          "task {id} is in the plan of {region_code}; an RGU task is followed "
                          "by the regions, not the other way round",
                          id=pred.id, region_code=pred.region_code)})
    raise Invalid(_("a dependency cannot link two regions' plans"),
                  {"predecessor_id": _(
                      "task {id} is in the plan of {region_code}, task {id2} in that of "
                      "{region_code2}; only the RGU's own tasks precede tasks of several regions",
                      id=pred.id, region_code=pred.region_code, id2=task.id,
                      region_code2=task.region_code)})


def constrained(graph: Graph, task_id: int) -> set[int]:
    """What a dependency of ``task_id`` constrains: the task, every task under it (a
    phase's predecessors hold each of its tasks) and all that follows from them."""
    return graph.closure({task_id, *graph.leaves_under(task_id)})


@retry_on_unique(what="the dependency")
def add_dependency(uow: UnitOfWork, task_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Make ``task_id`` wait for a predecessor; reschedule it and what follows if automatic.
    A concurrent identical request is answered as a repeat: 409, it exists already."""
    data = load(schemas.DependencyCreateSchema, data)
    calendar = work_calendar()
    with uow:
        repo = uow.repo
        task = scheduling.task_to_change(uow, task_id)
        # a task the caller cannot read is not found, as on GET: no message describes it
        pred = task_or_404(uow, data["predecessor_id"])
        _check_regions(pred, task)
        if (pred.project_code, pred.year) != (task.project_code, task.year):
            raise Invalid(_("dependencies link tasks of the same project and year"),
                          {"predecessor_id": _("task {id} is in {project_code} {year}",
                                               id=pred.id, project_code=pred.project_code,
                                               year=pred.year)})
        if repo.dependency(pred.id, task.id) is not None:
            raise Conflict(_("the dependency exists already"),
                           {"predecessor_id": _("task {id} already follows {id2}",
                                                id=task.id, id2=pred.id)})
        graph, rows = scheduling.load_graph(repo, task.project_code, task.year)
        graph.check_new_dependency(pred.id, task.id)
        graph.add_dependency(pred.id, task.id, data["lag"])
        repo.add(Dependency(predecessor_id=stored_id(pred), successor_id=stored_id(task), lag=data["lag"]))
        uow.flush()
        record(uow, "task", stored_id(task), "dependency_added",
               {"predecessor_id": [None, pred.id], "lag": [None, data["lag"]]},
               plan_id=task.plan_id)
        moves = scheduling.propagate(uow, graph, rows, task.project_code, calendar,
                                     cause=stored_id(pred), only=constrained(graph, stored_id(task)),
                                     field="lag",
                                     reason=_("«{task}» now follows «{predecessor}»",
                                              task=scheduling.task_name(task),
                                              predecessor=scheduling.task_name(pred)))
        uow.commit()
        uow.session.expire_all()
        return {"task": dump_task(repo, repo.task(task.id)),
                "rescheduled": scheduling.describe(moves),
                "constraint_conflicts": graph.reported}


def remove_dependency(uow: UnitOfWork, task_id: int, predecessor_id: int) -> dict[str, Any]:
    with uow:
        repo = uow.repo
        task = scheduling.task_to_change(uow, task_id)
        dependency = repo.dependency(predecessor_id, task.id)
        if dependency is None:
            raise NotFound(_("task {task_id} does not follow task {predecessor_id}",
                             task_id=task_id, predecessor_id=predecessor_id))
        repo.delete(dependency)
        uow.flush()
        record(uow, "task", stored_id(task), "dependency_removed",
               {"predecessor_id": [predecessor_id, None], "lag": [dependency.lag, None]},
               plan_id=task.plan_id)
        graph, rows = scheduling.load_graph(repo, task.project_code, task.year)
        moves = scheduling.propagate(uow, graph, rows, task.project_code, work_calendar(),
                                     cause=stored_id(task), only=constrained(graph, stored_id(task)),
                                     reason=_("«{task}» no longer follows «{predecessor}»",
                                              task=scheduling.task_name(task),
                                              predecessor=scheduling.task_name(
                                                  repo.task(predecessor_id))))
        uow.commit()
        uow.session.expire_all()
        return {"task": dump_task(repo, repo.task(task.id)),
                "rescheduled": scheduling.describe(moves),
                "constraint_conflicts": graph.reported}
