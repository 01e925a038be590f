"""Who did it, by name: the people behind the actor ids in audit entries, histories and
report decisions.

The services record the acting principal's id (``account:N``, or ``token:N`` for an API
token that is nobody's, ``system``); the gateway, which keeps the accounts, adds each
person's display name and org unit beside the id on the way out, as they are now.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

# field holding an actor id -> prefix of the fields added beside it
ACTOR_FIELDS = {"actor_id": "actor", "decided_by": "decided_by"}


def _ids(value: Any, found: set[Any] | set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ACTOR_FIELDS and isinstance(item, str):
                found.add(item)
            else:
                _ids(item, found)
    elif isinstance(value, list):
        for item in value:
            _ids(item, found)
    return found


def _attach(value: Any, names: dict[Any, Any]) -> Any:
    if isinstance(value, dict):
        for key in list(value):
            item = value[key]
            if key in ACTOR_FIELDS and (isinstance(item, str) or item is None):
                name, unit = names.get(item, (None, None))
                value[f"{ACTOR_FIELDS[key]}_name"] = name
                value[f"{ACTOR_FIELDS[key]}_org_unit"] = unit
            else:
                _attach(item, names)
    elif isinstance(value, list):
        for item in value:
            _attach(item, names)
    return value


def attach_names(uow: UnitOfWork, result: dict[str, Any]) -> dict[str, Any]:
    """``result`` (JSON-like) with ``actor_name`` / ``actor_org_unit`` beside every
    ``actor_id`` and ``decided_by_name`` / ``decided_by_org_unit`` beside every
    ``decided_by`` (None for ``system`` or an id that names nobody). Changed in place."""
    ids = _ids(result, set())
    names = {}
    if ids:
        with uow:
            names = uow.repo.names(ids)
    return _attach(result, names)
