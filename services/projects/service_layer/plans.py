"""Use cases on implementation plans: list, read, approve and move through their statuses."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_writable, scope_region
from kelisim.db.records import stored_id
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.i18n import _
from kelisim.schemas import listing, load
from services.projects.contract import schemas
from services.projects.domain.money import kzt
from services.projects.service_layer import approval, baselines, scheduling
from services.projects.service_layer.common import changes_of, plan_or_404, record, regions_of

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.domain.model import Plan

_PLAN = schemas.PlanSchema()
_HISTORY = schemas.HistorySchema()


def dump_plans(repo: ProjectsRepository, plans: list[Plan]) -> list[dict[str, Any]]:
    ids = [p.id for p in plans]
    counts = repo.task_counts(ids)
    budgets: dict[int, Any] = {}
    for line in repo.budget_lines(ids) if ids else ():
        total = budgets.setdefault(line.plan_id, [Decimal(0)] * 3)
        total[0] += line.planned
        total[1] += line.committed
        total[2] += line.actual
    dumped = []
    for plan in plans:
        data = _PLAN.dump(plan)
        planned, committed, actual = budgets.get(stored_id(plan), [Decimal(0)] * 3)
        data["budget"] = {"planned": str(kzt(planned)), "committed": str(kzt(committed)),
                          "actual": str(kzt(actual))}
        data["task_count"] = counts.get(plan.id, 0)
        dumped.append(data)
    return dumped


def list_plans(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    query = load(schemas.PlanQuery, query)
    with uow:
        region = scope_region(uow.context.actor, query.pop("region", None))
        items, total = uow.repo.plans(region=region, **query)
        return listing(dump_plans(uow.repo, items), total, query)


def get_plan(uow: UnitOfWork, plan_id: int) -> dict[str, Any]:
    with uow:
        return dump_plans(uow.repo, [plan_or_404(uow, plan_id)])[0]


def update_plan(uow: UnitOfWork, plan_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Change expected results or status; the RGU approves, reopens and closes."""
    data = load(schemas.PlanPatchSchema, data)
    with uow:
        plan = plan_or_404(uow, plan_id)
        actor = uow.context.actor
        ensure_writable(actor, plan.region_code)
        # approving completes a milestone and reschedules: under the project-year's lock
        scheduling.lock_family(uow, plan.project_code, plan.year)
        uow.session.refresh(plan)
        check_version(plan, data.pop("version"), _("plan {id}", id=plan_id))
        before = {"status": plan.status, "expected_results": plan.expected_results}
        old_status = plan.status
        if "status" in data:
            plan.move_to(data["status"], actor.get("role"))
        if "expected_results" in data:
            plan.expected_results = data["expected_results"]
        changes = changes_of(before, {"status": plan.status,
                                      "expected_results": plan.expected_results})
        if not changes:
            return dump_plans(uow.repo, [plan])[0]
        with concurrent_update_guard(_("plan {id}", id=plan_id)):
            uow.flush()
        record(uow, "plan", stored_id(plan), "update", changes, plan_id=plan.id, reason=data["reason"])
        if plan.status != old_status and (plan.status == "approved" or old_status == "approved"):
            approval.follow_plan_status(uow, plan, old_status)
        if plan.status == "approved":
            baselines.capture_if_missing(uow, plan, data["reason"] or str(baselines.APPROVED_BY_RGU))
        if plan.status != old_status and plan.region_code:
            uow.emit("plan_status_changed", {
                "plan_id": plan.id, "project_code": plan.project_code,
                "region_code": plan.region_code, "year": plan.year,
                "old_status": old_status, "new_status": plan.status},
                regions=regions_of(plan.region_code))
        uow.commit()
        return dump_plans(uow.repo, [plan])[0]


def plan_history(uow: UnitOfWork, plan_id: int, query: dict[str, Any] | None = None) -> dict[str, Any]:
    """Changes to the plan itself and to everything in it, newest first."""
    query = load(schemas.HistoryQuery, query or {})
    with uow:
        plan_or_404(uow, plan_id)
        rows, total = uow.repo.plan_history(plan_id, query["limit"], query["offset"])
        return listing(_HISTORY.dump(rows, many=True), total, query)
