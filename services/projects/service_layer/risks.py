"""The risk register per plan (and per project, through its RGU plan); escalation to the RGU."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, ensure_writable, scope_region
from kelisim.db.records import stored_id
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.errors import NotFound
from kelisim.i18n import _
from kelisim.schemas import listing, load
from services.projects.contract import schemas
from services.projects.domain.risks import ESCALATION_SCORE, Risk
from services.projects.service_layer.common import changes_of, plan_or_404, record, regions_of

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

_RISK = schemas.RiskSchema()


def dump_risk(risk: Risk) -> dict[str, Any]:
    data = _RISK.dump(risk)
    data["score"], data["residual_score"] = risk.score, risk.residual_score
    return data


def list_risks(uow: UnitOfWork, plan_id: int) -> list[Any]:
    with uow:
        plan = plan_or_404(uow, plan_id)
        return [dump_risk(r) for r in uow.repo.risks(plan_id=plan.id)]


def list_all_risks(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    """One page of the risks of every plan the reader may read: ``{items: [risk], total,
    limit, offset}`` (``query``: schemas.RiskQuery, strings as a query string has them).
    A KGU coordinator sees their region's only (Forbidden, 403, for another region
    asked); Invalid (422) for a malformed filter."""
    query = load(schemas.RiskQuery, query)
    with uow:
        region = scope_region(uow.context.actor, query.pop("region", None))
        items, total = uow.repo.risk_page(region=region, **query)
        return listing([dump_risk(r) for r in items], total, query)


def create_risk(uow: UnitOfWork, plan_id: int, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.RiskCreateSchema, data)
    with uow:
        plan = plan_or_404(uow, plan_id)
        ensure_writable(uow.context.actor, plan.region_code)
        risk = Risk(plan_id=plan.id, project_code=plan.project_code,
                    region_code=plan.region_code, **data)
        risk.check()
        escalate = risk.needs_escalation()
        uow.repo.insert(risk)
        record(uow, "risk", stored_id(risk), "create", changes_of({}, _plain(risk)), plan_id=plan.id)
        if escalate:
            _escalate(uow, risk)
        uow.commit()
        return dump_risk(risk)


def update_risk(uow: UnitOfWork, risk_id: int, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.RiskPatchSchema, data)
    with uow:
        risk = uow.repo.risk(risk_id)
        if risk is None:
            raise NotFound(_("risk {risk_id} not found", risk_id=risk_id))
        ensure_readable(uow.context.actor, risk.region_code,
                        _("risk {risk_id} not found", risk_id=risk_id))
        ensure_writable(uow.context.actor, risk.region_code)
        check_version(risk, data.pop("version"), _("risk {id}", id=risk_id))
        before = _plain(risk)
        for name, value in data.items():
            setattr(risk, name, value)
        risk.check()
        escalate = risk.needs_escalation()
        changes = changes_of(before, _plain(risk))
        if not changes:
            return dump_risk(risk)
        with concurrent_update_guard(_("risk {id}", id=risk_id)):
            uow.flush()
        record(uow, "risk", stored_id(risk), "update", changes, plan_id=risk.plan_id)
        if escalate:
            _escalate(uow, risk)
        uow.commit()
        return dump_risk(risk)


def _plain(risk: Risk) -> dict[str, Any]:
    data = dump_risk(risk)
    for name in ("id", "version", "escalated"):
        data.pop(name, None)
    return data


def _escalate(uow: UnitOfWork, risk: Risk) -> None:
    """To the RGU; ``regions`` names the region the risk concerns (none for project risks)."""
    uow.emit("risk_escalated", {
        "risk_id": risk.id, "plan_id": risk.plan_id, "project_code": risk.project_code,
        "region_code": risk.region_code, "title": risk.title, "score": risk.score,
        "threshold": ESCALATION_SCORE, "owner": risk.owner},
        regions=regions_of(risk.region_code))
