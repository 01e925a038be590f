"""The one way a registry record is added or changed: version check, rules, audit row, event."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from kelisim.db.versioning import apply_changes, check_version, concurrent_update_guard

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from kelisim.errors import Conflict
    from services.registry.domain.model import Organisation, OrgUnit, Person, PublicStructure

    Record = OrgUnit | PublicStructure | Person | Organisation


def regions_of(entity: Record) -> list[str]:
    return [entity.region_code] if entity.region_code else []


def save_new(uow: UnitOfWork, entity: Record, *, kind: str, dump: Callable[[Any], dict[str, Any]],
             taken: Conflict | None = None) -> dict[str, Any]:
    """Add a new, checked, access-checked ``entity``: its row, audit row ``create``, event
    ``<kind>_created`` with the record (to its region), commit; the record as ``dump`` gives it.

    ``taken``: the Conflict to raise when the database refuses the row because a concurrent
    create took its code (a unique constraint); without it the IntegrityError goes up.
    """
    try:
        uow.repo.insert(entity)
    except IntegrityError:
        if taken is None:
            raise
        raise taken from None
    after = dump(entity)
    uow.audit("create", kind, entity.id, after=after, region=entity.region_code)
    uow.emit(f"{kind}_created", after, regions=regions_of(entity))
    uow.commit()
    return after


def save_changes(uow: UnitOfWork, entity: Record, changes: dict[str, Any], *,
                 kind: str, label: Any, dump: Callable[[Any], dict[str, Any]],
                 check: Callable[[], object]) -> dict[str, Any]:
    """Apply a PATCH (with its ``version``) to a loaded, access-checked ``entity``.

    ``check`` validates the changed entity; anything it needs from the database must be
    looked up before this call, so no autoflush writes the changes outside the guard.
    Emits ``<kind>_updated`` with the changed field names; no change, no event.
    """
    check_version(entity, changes.pop("version"), label)
    before = dump(entity)
    changed = apply_changes(entity, changes)
    if not changed:
        return before
    check()
    with concurrent_update_guard(label):
        uow.flush()
    after = dump(entity)
    uow.audit("update", kind, entity.id, before=before, after=after, region=entity.region_code)
    uow.emit(f"{kind}_updated", {"changed": changed, "current": after}, regions=regions_of(entity))
    uow.commit()
    return after
