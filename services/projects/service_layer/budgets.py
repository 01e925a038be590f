"""Budget lines of a plan in exact KZT; amendments need a reason; overruns are announced."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, ensure_writable
from kelisim.db.records import stored_id
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.errors import Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.projects.contract import schemas
from services.projects.domain.money import BudgetLine, kzt
from services.projects.service_layer.common import changes_of, plan_or_404, record, regions_of

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.projects.domain.model import Plan

_LINE = schemas.BudgetLineSchema()
MONEY_FIELDS = ("planned", "committed", "actual")


def dump_line(line: BudgetLine) -> dict[str, Any]:
    data = _LINE.dump(line)
    data["variance"] = {k: str(v) for k, v in line.variances().items()}
    data["overrun"] = line.overrun
    return data


def totals(lines: list[BudgetLine]) -> dict[str, Any]:
    sums = {name: sum((getattr(line, name) for line in lines), Decimal(0))
            for name in MONEY_FIELDS}
    sums["variance"] = sums["planned"] - sums["actual"]
    return {k: str(kzt(v)) for k, v in sums.items()}


def list_budget_lines(uow: UnitOfWork, plan_id: int) -> dict[str, Any]:
    with uow:
        plan = plan_or_404(uow, plan_id)
        lines = uow.repo.budget_lines([plan.id])
        return {"items": [dump_line(line) for line in lines], "totals": totals(lines)}


def create_budget_line(uow: UnitOfWork, plan_id: int, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.BudgetLineCreateSchema, data)
    with uow:
        plan = plan_or_404(uow, plan_id)
        ensure_writable(uow.context.actor, plan.region_code)
        if plan.status == "closed":
            raise Invalid(_("a closed plan's budget is frozen"), {"plan_id": _("closed")})
        line = BudgetLine(plan_id=stored_id(plan), **{k: kzt(v) if k in MONEY_FIELDS else v
                                               for k, v in data.items()})
        line.check()
        uow.repo.add(line)
        uow.flush()
        record(uow, "budget_line", stored_id(line), "create",
               changes_of({}, {k: str(getattr(line, k)) for k in MONEY_FIELDS}),
               plan_id=plan.id)
        _announce_overrun(uow, plan, line, was_over=False)
        uow.commit()
        return dump_line(line)


def update_budget_line(uow: UnitOfWork, line_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Change amounts; a change of the planned amount is an amendment and needs a reason."""
    data = load(schemas.BudgetLinePatchSchema, data)
    reason = data.pop("reason")
    with uow:
        line = uow.repo.budget_line(line_id)
        if line is None:
            raise NotFound(_("budget line {line_id} not found", line_id=line_id))
        plan = uow.repo.plan(line.plan_id)
        ensure_readable(uow.context.actor, plan.region_code,
                        _("budget line {line_id} not found", line_id=line_id))
        ensure_writable(uow.context.actor, plan.region_code)
        check_version(line, data.pop("version"), _("budget line {id}", id=line_id))
        before = {k: str(getattr(line, k)) for k in MONEY_FIELDS}
        before["description"] = line.description
        was_over = line.overrun
        if "planned" in data and kzt(data["planned"]) != line.planned \
                and not (reason or "").strip():
            raise Invalid(_("amending the planned amount needs a reason"),
                          {"reason": _("required when the planned amount changes")})
        for name, value in data.items():
            setattr(line, name, kzt(value) if name in MONEY_FIELDS else value)
        line.check()
        after = {k: str(getattr(line, k)) for k in MONEY_FIELDS}
        after["description"] = line.description
        changes = changes_of(before, after)
        if not changes:
            return dump_line(line)
        with concurrent_update_guard(_("budget line {id}", id=line_id)):
            uow.flush()
        action = "amendment" if "planned" in changes else "update"
        record(uow, "budget_line", stored_id(line), action, changes, plan_id=plan.id, reason=reason)
        _announce_overrun(uow, plan, line, was_over)
        uow.commit()
        return dump_line(line)


def _announce_overrun(uow: UnitOfWork, plan: Plan, line: BudgetLine, was_over: bool) -> None:
    if line.overrun and not was_over:
        uow.emit("budget_overrun", {
            "plan_id": plan.id, "project_code": plan.project_code,
            "region_code": plan.region_code, "budget_line_id": line.id,
            "category": line.category, "planned": line.planned, "committed": line.committed,
            "actual": line.actual}, regions=regions_of(plan.region_code))
