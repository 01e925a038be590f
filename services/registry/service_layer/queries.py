"""Read-only views: reference data, statistics, a region's KGU and contacts, the audit log."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, scope_region
from kelisim.errors import NotFound
from kelisim.i18n import _
from kelisim.schemas import schema_of
from services.registry.contract import schemas
from services.registry.service_layer import org_units, people
from services.registry.service_layer.org_units import require_region

if TYPE_CHECKING:

    from kelisim.db.uow import UnitOfWork


def list_regions(uow: UnitOfWork) -> list[dict[str, Any]]:
    with uow:
        return schema_of(schemas.RegionSchema).dump(uow.repo.regions(), many=True)


def list_structure_types(uow: UnitOfWork) -> list[dict[str, Any]]:
    with uow:
        return schema_of(schemas.StructureTypeSchema).dump(uow.repo.structure_types(),
                                                             many=True)


def statistics(uow: UnitOfWork, region: str | None = None) -> dict[str, Any]:
    """Open structures and their members by type, nationally and per region, and the baseline."""
    with uow:
        region = scope_region(uow.context.actor, region)
        require_region(uow.repo, region, "region")
        totals: dict[str, Any] = {}
        by_region: dict[str, Any] = {}
        for region_code, type_code, count, members in uow.repo.structure_counts(region):
            members = int(members or 0)
            total = totals.setdefault(type_code, {"structures": 0, "members": 0})
            total["structures"] += count
            total["members"] += members
            key = region_code or "republican"
            by_region.setdefault(key, {})[type_code] = {"structures": count, "members": members}
        baseline = schema_of(schemas.BaselineFigureSchema).dump(uow.repo.baseline(), many=True)
        return {"region": region, "totals": totals, "by_region": by_region, "baseline": baseline}


def kgu_of_region(uow: UnitOfWork, region_code: str) -> dict[str, Any]:
    """The KGU of a region with the people attached to it: who to tell about that region."""
    with uow:
        require_region(uow.repo, region_code)
        ensure_readable(uow.context.actor, region_code,  # the regions are public: no secret
                        _("{what} not found", what=_("the KGU of {id}", id=region_code)))
        unit = uow.repo.kgu_of(region_code)
        if unit is None:
            raise NotFound(_("region {region_code} has no KGU", region_code=region_code))
        contacts = uow.repo.people(org_unit_id=unit.id)
        return {"org_unit": org_units.dump(unit), "contacts": [people.dump(p) for p in contacts]}


def audit_log(uow: UnitOfWork, entity: str | None = None, entity_id: int | None = None, region: str | None = None,
              limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    with uow:
        region = scope_region(uow.context.actor, region)
        return uow.audit_entries(entity=entity, entity_id=entity_id, region=region,
                                 limit=limit, offset=offset)
