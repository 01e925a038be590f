"""Use cases on the base projects, their templates and the concept's target indicators."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kelisim.access import found_or_404
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.errors import Forbidden, Invalid
from kelisim.i18n import _
from kelisim.schemas import listing, load, schema_of
from services.projects.contract import schemas
from services.projects.domain import template as templates
from services.projects.service_layer.common import project_or_404, record, work_calendar

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from kelisim.i18n import Msg
    from services.projects.domain.model import BaseProject, Indicator
    from services.registry.contract.client import RegistryClient

_PROJECT = schemas.ProjectSchema()
_INDICATOR = schemas.IndicatorSchema()
_TEMPLATE = schemas.ProjectTemplateSchema()


def dump_indicator(indicator: Indicator) -> dict[str, Any]:
    data = _INDICATOR.dump(indicator)
    data["gaps"] = indicator.gap_by_year()
    return data


def dump_project(project: BaseProject, indicators: list[Indicator]) -> dict[str, Any]:
    data = _PROJECT.dump(project)
    data["indicators"] = [dump_indicator(i) for i in indicators if project.code in i.projects]
    return data


def require_rgu(actor: dict[str, Any], detail: Msg) -> None:
    """Forbidden (with ``detail``, a Msg saying what only the RGU may do) unless the RGU."""
    if actor.get("role") not in ("rgu_admin", "system"):
        raise Forbidden(detail)


def list_projects(uow: UnitOfWork) -> list[dict[str, Any]]:
    with uow:
        indicators = uow.repo.indicators()
        return [dump_project(p, indicators) for p in uow.repo.projects()]


def get_project(uow: UnitOfWork, code: str) -> dict[str, Any]:
    with uow:
        return dump_project(project_or_404(uow.repo, code), uow.repo.indicators())


def get_template(uow: UnitOfWork, code: str) -> dict[str, Any]:
    with uow:
        project_or_404(uow.repo, code)
        return _TEMPLATE.dump(uow.repo.template(code))


def put_template(uow: UnitOfWork, registry: RegistryClient, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a project's template (plans already rolled out are not touched). ``data``:
    ``{version, items, project_code?}`` -- what GET answers may be sent back as it is; a
    ``project_code`` other than ``code`` is Invalid (422), as are the items' errors."""
    data = load(schemas.ProjectTemplatePutSchema, data)
    if data.get("project_code") not in (None, code):
        raise Invalid(_("the request has invalid fields"), {"project_code": _(
            "must be {code}, the project of the address", code=code)})
    with uow:
        require_rgu(uow.context.actor, _("only the RGU may change a project's template"))
        project_or_404(uow.repo, code)
        template = uow.repo.template(code)
        check_version(template, data["version"], _("the template of {id}", id=code))
        templates.validate(data["items"], work_calendar())
        templates.check_indicators(data["items"], {i.code for i in uow.repo.indicators()})
        if registry is not None:
            templates.check_structure_types(data["items"], registry.structure_types())
            templates.check_organisations(data["items"], registry.organisations(
                templates.organisation_codes(data["items"])))
        before = len(template.items)
        template.items = data["items"]
        with concurrent_update_guard(_("the template of {id}", id=code)):
            uow.flush()
        record(uow, "template", template.id, "replace",
               {"items": [before, len(template.items)]})
        uow.commit()
        return _TEMPLATE.dump(template)


def list_indicators(uow: UnitOfWork) -> list[dict[str, Any]]:
    with uow:
        return [dump_indicator(i) for i in uow.repo.indicators()]


def _indicator_or_404(uow: UnitOfWork, code: str) -> Any:
    return found_or_404(uow.repo.indicator(code), _("indicator {code} not found", code=code))


def _indicator_to_change(uow: UnitOfWork, code: str, version: int, refusal: Any) -> Any:
    """The indicator ``code`` for the RGU to change (Forbidden saying ``refusal`` to anyone
    else), at ``version`` (NotFound: no such indicator; Conflict: a stale version)."""
    require_rgu(uow.context.actor, refusal)
    indicator = _indicator_or_404(uow, code)
    check_version(indicator, version, _("indicator {id}", id=code))
    return indicator


def set_indicator_actual(uow: UnitOfWork, code: str, year: int, data: dict[str, Any]) -> dict[str, Any]:
    """Record the measured value of an indicator for a year."""
    data = load(schemas.IndicatorActualSchema, data)
    with uow:
        indicator = _indicator_to_change(uow, code, data["version"],
                                         _("only the RGU may record indicator values"))
        old = indicator.actuals.get(str(year))
        indicator.actuals = {**indicator.actuals, str(year): str(Decimal(data["value"]))}
        with concurrent_update_guard(_("indicator {id}", id=code)):
            uow.flush()
        record(uow, "indicator", indicator.id, "actual", {str(year): [old, str(data["value"])]})
        uow.commit()
        return dump_indicator(indicator)


def set_indicator_target(uow: UnitOfWork, code: str, year: int, data: dict[str, Any]) -> dict[str, Any]:
    """Set an indicator's target for a year of the platform's span (2020–2040), beyond the
    concept's 2026; changing a target already set needs a reason. Both kept in history."""
    data = load(schemas.IndicatorTargetSchema, data)
    if not schemas.YEAR_RANGE[0] <= year <= schemas.YEAR_RANGE[1]:
        raise Invalid(_("no such year"), {"year": _("from {low} to {high}", low=schemas.YEAR_RANGE[0],
                                                    high=schemas.YEAR_RANGE[1])})
    with uow:
        indicator = _indicator_to_change(uow, code, data["version"],
                                         _("only the RGU may set indicator targets"))
        old = indicator.targets.get(str(year))
        new = f"{Decimal(data['value']).normalize():f}"  # as the concept writes it: 80.2
        if old is not None and Decimal(old) != Decimal(new) and not (data["reason"] or "").strip():
            raise Invalid(_("changing a target needs a reason"),
                          {"reason": _("required: the {year} target is already {old}",
                                       year=year, old=old)})
        indicator.targets = dict(sorted({**indicator.targets, str(year): new}.items()))
        with concurrent_update_guard(_("indicator {id}", id=code)):
            uow.flush()
        record(uow, "indicator", indicator.id, "target", {str(year): [old, new]},
               reason=data["reason"])
        uow.commit()
        return dump_indicator(indicator)


def indicator_history(uow: UnitOfWork, code: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every change to an indicator's targets and actuals, newest first."""
    query = load(schemas.HistoryQuery, query or {})
    with uow:
        indicator = _indicator_or_404(uow, code)
        rows, total = uow.repo.history("indicator", indicator.id, query["limit"],
                                       query["offset"])
        return listing(schema_of(schemas.HistorySchema).dump(rows, many=True), total, query)
