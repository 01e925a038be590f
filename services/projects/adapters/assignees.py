"""Who may be assigned to a task, as the registry knows them: asked as the system and
kept between the registry's events (services/registry/contract/cached.py), so an
assignment to someone assigned before makes no RPC call. The registry's read rule is
applied here, to the actor's region (:func:`services.registry.contract.client.readable`).
"""
from typing import Any

from services.registry.contract.cached import MISSING, CachedRegistry, TtlCache
from services.registry.contract.client import RegistryClient, readable


class AssigneeDirectory:
    """``assignee(actor, kind, id)`` of :meth:`RegistryClient.assignee`, cached."""

    def __init__(self, registry: RegistryClient, cache: TtlCache) -> None:
        self.registry = registry
        self.cache = cache

    def assignee(self, actor: dict[str, Any], kind: str, assignee_id: int) -> dict[str, Any] | None:
        """``{kind, id, name, region_code}`` (an organisation's with ``closed_on``, an ISO
        date or None) of an org unit, structure, person or organisation outside the
        Assembly, or None when the registry has none or ``actor`` may not read it (as
        the registry's own ``get_*`` answer 404). What is found is kept (until the next
        registry event, or the TTL); an unknown id is asked again next time, so a record
        made a moment ago is found. Raises ``RpcTimeout`` when the registry is silent."""
        key = ("assignee", kind, assignee_id)
        found = self.cache.get(key)
        if found is MISSING:
            found = self.registry.assignee(kind, assignee_id)
            if found is None:
                return None
            self.cache.put(key, found)
        return found if readable(actor, kind, found["region_code"]) else None


class Assignees(CachedRegistry):
    """``assignees = Assignees()``: an :class:`AssigneeDirectory` per worker, one cache per
    container, forgotten on every registry event (``ChangeFeed``) and after
    KELISIM_DIRECTORY_TTL seconds."""

    def view(self, registry: RegistryClient, cache: TtlCache) -> AssigneeDirectory:
        return AssigneeDirectory(registry, cache)
