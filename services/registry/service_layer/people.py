"""Use cases on responsible people attached to org units and structures."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, ensure_writable, scope_region
from kelisim.errors import Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.registry.contract import schemas
from services.registry.domain.model import Person
from services.registry.service_layer.changes import save_changes, save_new
from services.registry.service_layer.org_units import readable_filters, require_region

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

_OUT = schemas.PersonSchema()


def dump(person: Person) -> dict[str, Any]:
    return _OUT.dump(person)


def list_people(uow: UnitOfWork, query: dict[str, Any]) -> list[dict[str, Any]]:
    query = load(schemas.PersonQuery, query)
    with uow:
        region = scope_region(uow.context.actor, query.pop("region", None))
        require_region(uow.repo, region, "region")
        readable_filters(uow, query)
        return [dump(p) for p in uow.repo.people(region=region, **query)]


def create_person(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.PersonCreateSchema, data)
    with uow:
        repo = uow.repo
        person = Person(**data)
        person.check()
        if person.org_unit_id is not None:
            attached = repo.region_of("org_unit", person.org_unit_id)
            if attached is None:
                raise Invalid(_("unknown org unit"), {"org_unit_id": _(
                    "no org unit {org_unit_id}", org_unit_id=person.org_unit_id)})
        else:
            attached = repo.region_of("structure", person.structure_id)
            if attached is None:
                raise Invalid(_("unknown structure"),
                              {"structure_id": _("no structure {structure_id}",
                                                 structure_id=person.structure_id)})
        person.region_code = attached.region_code
        ensure_writable(uow.context.actor, person.region_code)
        return save_new(uow, person, kind="person", dump=dump)


def _readable_person(uow: UnitOfWork, person_id: int) -> Person:
    person = uow.repo.person(person_id)
    if person is None:
        raise NotFound(_("person {person_id} not found", person_id=person_id))
    ensure_readable(uow.context.actor, person.region_code,
                    _("person {person_id} not found", person_id=person_id))
    return person


def get_person(uow: UnitOfWork, person_id: int) -> dict[str, Any]:
    with uow:
        return dump(_readable_person(uow, person_id))


def update_person(uow: UnitOfWork, person_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Change a person's name, position or contacts (their attachment stays)."""
    data = load(schemas.PersonPatchSchema, data)
    with uow:
        person = _readable_person(uow, person_id)
        ensure_writable(uow.context.actor, person.region_code)
        return save_changes(uow, person, data, kind="person", label=_("person {id}", id=person_id),
                            dump=dump, check=person.check)
