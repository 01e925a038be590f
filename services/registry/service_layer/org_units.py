"""Use cases on org units: the RGU, KGUs, their branches, houses of friendship."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, ensure_writable, found_or_404, scope_region
from kelisim.errors import Conflict, Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.registry.contract import schemas
from services.registry.domain.model import OrgUnit
from services.registry.service_layer.changes import save_changes, save_new

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.registry.adapters.repository import RegistryRepository

_OUT = schemas.OrgUnitSchema()


def dump(unit: OrgUnit) -> dict[str, Any]:
    return _OUT.dump(unit)


def require_region(repo: RegistryRepository, code: str | None, field: str = "region_code") -> None:
    if code is not None and repo.region(code) is None:
        raise Invalid(_("unknown region {code}",
                        code=code), {field: _("no region with code {code}",
                                                          code=code)})


def get_or_404(repo: RegistryRepository, unit_id: int) -> OrgUnit:
    return found_or_404(repo.org_unit(unit_id), _("org unit {unit_id} not found", unit_id=unit_id))


def readable_filters(uow: UnitOfWork, query: dict[str, Any]) -> None:
    """404 (NotFound) for an ``org_unit_id`` or ``structure_id`` filter naming a record the
    actor may not read (another region's) or that does not exist: a listing filtered by
    another region's record answers as reading that record would, never 200 empty."""
    if query.get("org_unit_id") is not None:
        unit = get_or_404(uow.repo, query["org_unit_id"])
        ensure_readable(uow.context.actor, unit.region_code,
                        _("org unit {unit_id} not found", unit_id=query["org_unit_id"]))
    if query.get("structure_id") is not None:
        structure = uow.repo.structure(query["structure_id"])
        if structure is None:
            raise NotFound(_("structure {structure_id} not found",
                             structure_id=query["structure_id"]))
        ensure_readable(uow.context.actor, structure.region_code,
                        _("structure {structure_id} not found", structure_id=query["structure_id"]))


def list_org_units(uow: UnitOfWork, query: dict[str, Any]) -> list[dict[str, Any]]:
    query = load(schemas.OrgUnitQuery, query)
    with uow:
        region = scope_region(uow.context.actor, query.get("region"))
        require_region(uow.repo, region, "region")
        units = uow.repo.org_units(region=region, kind=query.get("kind"), level=query.get("level"))
        return [dump(u) for u in units]


def get_org_unit(uow: UnitOfWork, unit_id: int) -> dict[str, Any]:
    with uow:
        unit = get_or_404(uow.repo, unit_id)
        ensure_readable(uow.context.actor, unit.region_code,
                        _("org unit {unit_id} not found", unit_id=unit_id))
        return dump(unit)


def create_org_unit(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.OrgUnitCreateSchema, data)
    with uow:
        repo = uow.repo
        ensure_writable(uow.context.actor, data["region_code"])
        require_region(repo, data["region_code"])
        taken = Conflict(_("org unit code {code} is taken", code=data["code"]),
                         {"code": _("already exists")})
        if repo.org_unit_by_code(data["code"]) is not None:
            raise taken
        parent = None
        if data["parent_id"] is not None:
            parent = repo.org_unit(data["parent_id"])
            if parent is None:
                raise Invalid(_("unknown parent"), {"parent_id": _("no org unit {parent_id}",
                                                                parent_id=data['parent_id'])})
        unit = OrgUnit(**data)
        unit.check(parent)
        return save_new(uow, unit, kind="org_unit", dump=dump, taken=taken)


def update_org_unit(uow: UnitOfWork, unit_id: int, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.OrgUnitPatchSchema, data)
    with uow:
        repo = uow.repo
        unit = get_or_404(repo, unit_id)
        ensure_readable(uow.context.actor, unit.region_code,
                        _("org unit {unit_id} not found", unit_id=unit_id))
        ensure_writable(uow.context.actor, unit.region_code)
        parent = repo.org_unit(unit.parent_id) if unit.parent_id else None
        return save_changes(uow, unit, data, kind="org_unit", label=_("org unit {id}", id=unit_id),
                            dump=dump, check=lambda: unit.check(parent))
