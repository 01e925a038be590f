"""Use cases on public structures of the Assembly bound to org units."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, ensure_writable, scope_region
from kelisim.errors import Conflict, Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import listing, load
from services.registry.contract import schemas
from services.registry.domain.model import PublicStructure
from services.registry.service_layer.changes import save_changes, save_new
from services.registry.service_layer.org_units import readable_filters, require_region

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.registry.adapters.repository import RegistryRepository
    from services.registry.domain.model import StructureType

_OUT = schemas.StructureSchema()


def dump(structure: PublicStructure) -> dict[str, Any]:
    return _OUT.dump(structure)


def _structure_type(repo: RegistryRepository, code: str) -> StructureType:
    structure_type = repo.structure_type(code)
    if structure_type is None:
        raise Invalid(_("unknown structure type {code}",
                        code=code), {"type": _("no structure type {code}",
                                                                   code=code)})
    return structure_type


def list_structures(uow: UnitOfWork, query: Any) -> dict[str, Any]:
    query = load(schemas.StructureQuery, query)
    with uow:
        region = scope_region(uow.context.actor, query.pop("region", None))
        require_region(uow.repo, region, "region")
        readable_filters(uow, query)
        items, total = uow.repo.structures(region=region, **query)
        return listing([dump(s) for s in items], total, query)


def get_structure(uow: UnitOfWork, structure_id: int) -> dict[str, Any]:
    with uow:
        structure = uow.repo.structure(structure_id)
        if structure is None:
            raise NotFound(_("structure {structure_id} not found", structure_id=structure_id))
        ensure_readable(uow.context.actor, structure.region_code,
                        _("structure {structure_id} not found", structure_id=structure_id))
        return dump(structure)


def create_structure(uow: UnitOfWork, data: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    data = load(schemas.StructureCreateSchema, data)
    today = today or date.today()
    with uow:
        repo = uow.repo
        structure_type = _structure_type(repo, data["type"])
        unit = repo.org_unit(data["org_unit_id"])
        if unit is None:
            raise Invalid(_("unknown org unit"), {"org_unit_id": _("no org unit {org_unit_id}",
                                                                org_unit_id=data['org_unit_id'])})
        ensure_writable(uow.context.actor, unit.region_code)
        if not unit.is_open_on(today):
            raise Conflict(_("org unit {code} is closed and takes no new structures",
                             code=unit.code),
                           {"org_unit_id": _("closed on {closed_on}", closed_on=unit.closed_on)})
        data["level"] = data["level"] or unit.level
        structure = PublicStructure(region_code=unit.region_code, **data)
        structure.check(structure_type)
        return save_new(uow, structure, kind="structure", dump=dump)


def update_structure(uow: UnitOfWork, structure_id: int, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.StructurePatchSchema, data)
    with uow:
        repo = uow.repo
        structure = repo.structure(structure_id)
        if structure is None:
            raise NotFound(_("structure {structure_id} not found", structure_id=structure_id))
        ensure_readable(uow.context.actor, structure.region_code,
                        _("structure {structure_id} not found", structure_id=structure_id))
        ensure_writable(uow.context.actor, structure.region_code)
        structure_type = _structure_type(repo, structure.type)
        return save_changes(uow, structure, data, kind="structure",
                            label=_("structure {id}", id=structure_id), dump=dump,
                            check=lambda: structure.check(structure_type))
