"""The milestone "implementation plan approved by the RGU" follows the plan's approval:
approving the plan completes it, reopening the plan to draft reopens it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from kelisim.db.records import stored_id
from kelisim.i18n import _
from services.projects.domain.model import APPROVAL_MILESTONE
from services.projects.service_layer import scheduling
from services.projects.service_layer.common import changes_of, record, work_calendar

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.projects.domain.model import Plan, Task

# kept as text (English); the gateway shows it in the reader's language
REASON = {"approved": str(_("the RGU approved the implementation plan")),
          "draft": str(_("the RGU reopened the implementation plan"))}


def follow_plan_status(uow: UnitOfWork, plan: Plan, old_status: str) -> list[Task]:
    """Complete (plan approved) or reopen (plan back to draft) the plan's approval
    milestone in the caller's transaction, and reschedule what follows it."""
    if plan.status == "approved":
        status, progress = "done", 100
    elif plan.status == "draft" and old_status == "approved":
        status, progress = "planned", 0
    else:
        return []
    changed = []
    for task in uow.repo.tasks_of_plan(plan.id):
        if task.template_key != APPROVAL_MILESTONE or task.status in (status, "cancelled"):
            continue
        before = {"status": task.status, "progress": task.progress}
        task.status, task.progress = status, progress
        changed.append(task)
        record(uow, "task", task.id, "update",
               changes_of(before, {"status": task.status, "progress": task.progress}),
               plan_id=plan.id, reason=REASON[plan.status])
    if changed:
        uow.flush()
        graph, rows = scheduling.load_graph(uow.repo, plan.project_code, plan.year)
        ids = [t.id for t in changed]
        # reopened, the milestone is automatic again: placed after its predecessors, which
        # may have moved while it was done; completed, it only releases what follows it
        where = {"only": graph.closure(set(ids))} if status == "planned" else {"origins": ids}
        scheduling.propagate(uow, graph, rows, plan.project_code, work_calendar(),
                             cause=stored_id(changed[0]), reason=REASON[plan.status], field="status",
                             **where)
    return changed
