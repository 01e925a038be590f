"""Use cases on a plan's baseline: captured when the RGU approves the plan, re-captured
only when the RGU re-baselines it with a reason; every capture is kept (history)."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_writable
from kelisim.db.races import retry_on_unique
from kelisim.db.records import stored_id
from kelisim.db.types import utcnow
from kelisim.errors import Conflict
from kelisim.i18n import _
from kelisim.labels import label
from kelisim.schemas import load
from services.projects.contract import schemas
from services.projects.domain import baseline as baselines
from services.projects.domain.baseline import NO_BASELINE
from services.projects.domain.money import kzt
from services.projects.service_layer.common import plan_or_404, record
from services.projects.service_layer.projects import require_rgu
from services.projects.service_layer.scheduling import lock_family

if TYPE_CHECKING:
    from sqlalchemy.engine.row import Row

    from kelisim.db.uow import UnitOfWork
    from services.projects.domain.baseline import Baseline
    from services.projects.domain.model import Plan

APPROVED_BY_RGU = _("approved by the RGU")
APPROVED_AT_ROLLOUT = _("the RGU's plan, approved at its rollout")


def capture(uow: UnitOfWork, plan: Plan, reason: str) -> Baseline:
    """Capture the plan's next baseline from its tasks and budget as they stand (inside the
    caller's transaction); returns the :class:`Baseline`."""
    repo = uow.repo
    uow.flush()
    existing = repo.baselines([plan.id]).get(plan.id, [])
    number = existing[0].number + 1 if existing else 1
    budget = sum((line.planned for line in repo.budget_lines([plan.id])), Decimal(0))
    captured = baselines.capture(plan.id, number, budget, repo.leaf_rows([plan.id]), utcnow())
    captured.actor_id = uow.context.actor.get("id", "system")
    captured.reason = reason
    repo.add_baseline(captured)
    record(uow, "plan", stored_id(plan), "baseline", {"baseline": [number - 1 or None, number]},
           plan_id=plan.id, reason=reason)
    return captured


def capture_if_missing(uow: UnitOfWork, plan: Plan, reason: str) -> Baseline | None:
    """The first approval captures the baseline; later approvals (after a reopening) keep
    it: only an explicit re-baseline moves it, so a slip cannot hide by a reapproval."""
    if uow.repo.baselines([plan.id]).get(plan.id):
        return None
    return capture(uow, plan, reason)


def dump_baseline(item: Baseline, rows: list[Row] | None = None) -> dict[str, Any]:
    """A baseline as JSON, with each task's current dates beside the baselined ones."""
    current = {row.id: row for row in rows or ()}
    tasks = []
    for work in item.tasks:
        now = current.get(work.task_id)
        tasks.append({
            "task_id": work.task_id, "start_date": work.start_date.isoformat(),
            "due_date": work.due_date.isoformat(), "duration": work.duration,
            "current_start_date": now.start_date.isoformat() if now else None,
            "current_due_date": now.due_date.isoformat() if now else None,
            "slipped": bool(now and now.due_date > work.due_date)})
    return {"number": item.number, "captured_at": item.captured_at.isoformat(),
            "actor_id": item.actor_id, "reason": item.reason, "budget": str(kzt(item.budget)),
            "task_count": len(item.tasks), "tasks": tasks}


def get_baseline(uow: UnitOfWork, plan_id: int) -> dict[str, Any]:
    """The plan's current baseline beside its current dates, and every earlier capture."""
    with uow:
        plan = plan_or_404(uow, plan_id)
        history = uow.repo.baselines([plan.id], latest_only=False).get(plan.id, [])
        budget = sum((line.planned for line in uow.repo.budget_lines([plan.id])), Decimal(0))
        answer: dict[str, Any] = {"plan_id": plan.id, "status": plan.status,
                  "current_budget": str(kzt(budget)), "baseline": None, "history": [],
                  "note": None if history else NO_BASELINE}
        if history:
            answer["baseline"] = dump_baseline(history[0], uow.repo.leaf_rows([plan.id]))
            answer["history"] = [{key: value for key, value in dump_baseline(item).items()
                                  if key != "tasks"} for item in history]
        return answer


@retry_on_unique(what="the plan's baselines")
def rebaseline(uow: UnitOfWork, plan_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """The RGU re-baselines an approved plan, with a reason kept in the history. Captures
    of one project-year are numbered under its schedule lock: two at once both succeed."""
    data = load(schemas.RebaselineSchema, data)
    with uow:
        require_rgu(uow.context.actor, _("only the RGU may re-baseline a plan"))
        plan = plan_or_404(uow, plan_id)
        ensure_writable(uow.context.actor, plan.region_code)
        lock_family(uow, plan.project_code, plan.year)
        uow.session.refresh(plan)
        if plan.status not in ("approved", "in_progress"):
            raise Conflict(_("a plan that is {status} cannot be re-baselined",
                             status=label("plan_status", plan.status)),
                           {"status": _("approve the plan first (approval captures a baseline)")})
        capture(uow, plan, data["reason"])
        uow.commit()
    return get_baseline(uow, plan_id)
