"""Use cases on preferences: channels and frequency per event type, per org unit or person."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, ensure_writable
from kelisim.db.races import retry_on_unique
from kelisim.db.types import utcnow
from kelisim.errors import NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.notifications.contract import NOTIFIED_TYPES, is_critical, schemas
from services.notifications.domain.model import LanguagePreference, Preference
from services.notifications.domain.planning import effective_preference, language_of
from services.notifications.service_layer.mailbox import mailbox_of

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.notifications.adapters.directory import RegistryDirectory


def _owner(actor: dict[str, Any], directory: RegistryDirectory, org_unit_id: int | None = None,
           person_id: int | None = None) -> tuple[str, int, int, None] | tuple[str, int, int, str]:
    """(owner kind, owner id, the org unit whose preferences apply next, region)."""
    if person_id is None:
        unit = mailbox_of(actor, directory, org_unit_id)
        return "org_unit", unit["id"], unit["id"], unit.get("region_code")
    person = directory.person(person_id)
    if person is None:
        raise NotFound(_("person {person_id} not found", person_id=person_id))
    ensure_readable(actor, person.get("region_code"),
                    _("person {person_id} not found", person_id=person_id))
    unit_id = person.get("org_unit_id")
    if unit_id is None and person.get("structure_id") is not None:
        structure = directory.structure(person["structure_id"])
        unit_id = structure["org_unit_id"] if structure else None
    return "person", person_id, unit_id, person.get("region_code")


def _chain(kind: str, owner_id: int, unit_id: int) -> list[tuple[str, int]]:
    owners = [(kind, owner_id)]
    if kind == "person" and unit_id is not None:
        owners.append(("org_unit", unit_id))
    return owners


def _row(preferences: dict[str, Any] | dict[tuple[str, int, str], Preference], event_type: str,
         owners: list[tuple[str, int]]) -> dict[str, Any]:
    channels, frequency, source = effective_preference(preferences, event_type, owners)
    return {"event_type": event_type, "channels": channels, "frequency": frequency,
            "critical": is_critical(event_type), "source": source}


def _require_type(event_type: str) -> None:
    if event_type not in NOTIFIED_TYPES:
        raise NotFound(_("no notified event type {event_type}", event_type=event_type))


def get_preferences(uow: UnitOfWork, directory: RegistryDirectory, query: dict[str, Any]) -> dict[str, Any]:
    query = load(schemas.PreferenceQuery, query)
    kind, owner_id, unit_id, _person = _owner(uow.context.actor, directory,
                                        query.get("org_unit_id"), query.get("person_id"))
    owners = _chain(kind, owner_id, unit_id)
    with uow:
        stored = uow.repo.preferences_of(owners)
        return {"owner_kind": kind, "owner_id": owner_id, "org_unit_id": unit_id,
                "items": [_row(stored, t, owners) for t in NOTIFIED_TYPES]}


@retry_on_unique(what="the preference")
def set_preference(uow: UnitOfWork, directory: RegistryDirectory, event_type: str,
                   data: dict[str, Any]) -> dict[str, Any]:
    """Choose channels and frequency for one event type; critical types cannot be muted (422).
    Two first settings at once: the later updates the row the earlier inserted."""
    _require_type(event_type)
    data = load(schemas.PreferenceSetSchema, data)
    actor = uow.context.actor
    kind, owner_id, unit_id, region = _owner(actor, directory, data["org_unit_id"],
                                             data["person_id"])
    ensure_writable(actor, region)
    wanted = Preference(kind, owner_id, event_type, sorted(set(data["channels"])),
                        data["frequency"], utcnow())
    wanted.check()
    with uow:
        stored = uow.repo.preference(kind, owner_id, event_type)
        before = None
        if stored is None:
            uow.repo.add(wanted)
            stored = wanted
        else:
            before = {"channels": stored.channels, "frequency": stored.frequency}
            stored.channels, stored.frequency = wanted.channels, wanted.frequency
            stored.updated_at = wanted.updated_at
        uow.flush()
        uow.audit("set", "preference", f"{kind}:{owner_id}:{event_type}", before=before,
                  after={"channels": stored.channels, "frequency": stored.frequency},
                  region=region)
        uow.commit()
        owners = _chain(kind, owner_id, unit_id)
        return _row(uow.repo.preferences_of(owners, event_type), event_type, owners)


def reset_preference(uow: UnitOfWork, directory: RegistryDirectory, event_type: str,
                     query: dict[str, Any]) -> dict[str, Any]:
    """Forget one preference: the org unit's (for a person) or the default applies again."""
    _require_type(event_type)
    query = load(schemas.PreferenceQuery, query)
    actor = uow.context.actor
    kind, owner_id, unit_id, region = _owner(actor, directory, query.get("org_unit_id"),
                                             query.get("person_id"))
    ensure_writable(actor, region)
    with uow:
        stored = uow.repo.preference(kind, owner_id, event_type)
        if stored is not None:
            uow.audit("reset", "preference", f"{kind}:{owner_id}:{event_type}",
                      before={"channels": stored.channels, "frequency": stored.frequency},
                      region=region)
            uow.repo.delete(stored)
            uow.commit()
        owners = _chain(kind, owner_id, unit_id)
        return _row(uow.repo.preferences_of(owners, event_type), event_type, owners)


def _language_row(uow: UnitOfWork, kind: str, owner_id: int, unit_id: int) -> dict[str, Any]:
    owners = _chain(kind, owner_id, unit_id)
    chosen = uow.repo.languages_of(owners)
    source = next((k for k, i in owners if (k, i) in chosen), "default")
    return {"owner_kind": kind, "owner_id": owner_id, "language": language_of(chosen, owners),
            "source": source}


def get_language(uow: UnitOfWork, directory: RegistryDirectory, query: dict[str, Any]) -> dict[str, Any]:
    """The language an org unit or a person reads e-mails in: its own choice, else its org
    unit's (for a person), else Kazakh."""
    query = load(schemas.PreferenceQuery, query)
    kind, owner_id, unit_id, _region = _owner(uow.context.actor, directory,
                                              query.get("org_unit_id"), query.get("person_id"))
    with uow:
        return _language_row(uow, kind, owner_id, unit_id)


def set_language(uow: UnitOfWork, directory: RegistryDirectory, data: dict[str, Any]) -> dict[str, Any]:
    """Choose kk, ru or en for an org unit's or a person's e-mails."""
    data = load(schemas.LanguageSetSchema, data)
    actor = uow.context.actor
    kind, owner_id, unit_id, region = _owner(actor, directory, data["org_unit_id"],
                                             data["person_id"])
    ensure_writable(actor, region)
    with uow:
        stored = uow.repo.language_preference(kind, owner_id)
        before = stored.language if stored is not None else None
        if stored is None:
            uow.repo.add(LanguagePreference(kind, owner_id, data["language"], utcnow()))
        else:
            stored.language, stored.updated_at = data["language"], utcnow()
        uow.flush()
        uow.audit("set", "language", f"{kind}:{owner_id}", before={"language": before},
                  after={"language": data["language"]}, region=region)
        uow.commit()
        return _language_row(uow, kind, owner_id, unit_id)
