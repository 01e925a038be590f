"""Who did it, by name: the people behind the actor ids in audit entries, histories and
report decisions.

The services record the acting principal's id (``account:N``, or ``token:N`` for an API
token that is nobody's, ``system``); the gateway, which keeps the accounts, adds each
person's display name and org unit beside the id on the way out, as they are now.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

# field holding an actor id -> prefix of the fields added beside it
ACTOR_FIELDS = {"actor_id": "actor", "decided_by": "decided_by"}


def _actor_fields(value: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """Every ``(record, key)`` in ``value`` (JSON-like, walked depth first) whose key names
    an actor and holds an id or None; a record may gain keys while this is walked."""
    if isinstance(value, dict):
        for key in list(value):
            item = value[key]
            if key in ACTOR_FIELDS and (isinstance(item, str) or item is None):
                yield value, key
            else:
                yield from _actor_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from _actor_fields(item)


def attach_names(uow: UnitOfWork, result: dict[str, Any]) -> dict[str, Any]:
    """``result`` (JSON-like) with ``actor_name`` / ``actor_org_unit`` beside every
    ``actor_id`` and ``decided_by_name`` / ``decided_by_org_unit`` beside every
    ``decided_by`` (None for ``system`` or an id that names nobody). Changed in place."""
    ids = {record[key] for record, key in _actor_fields(result) if record[key] is not None}
    names = {}
    if ids:
        with uow:
            names = uow.repo.names(ids)
    for record, key in _actor_fields(result):
        record[f"{ACTOR_FIELDS[key]}_name"], record[f"{ACTOR_FIELDS[key]}_org_unit"] = \
            names.get(record[key], (None, None))
    return result
