"""Who may be assigned to a task, as the registry knows them: asked as the system and
kept between the registry's events (services/registry/contract/cached.py), so an
assignment to someone assigned before makes no RPC call. The registry's read rule is
applied here, to the actor's region (:func:`services.registry.contract.client.readable`).
"""
from typing import Any

from kelisim.access import scope_region
from services.projects.domain.model import ORGANISATION
from services.registry.contract.cached import CachedRegistry, TtlCache
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
        the registry's own ``get_*`` answer 404). Raises ``RpcTimeout`` when the registry
        is silent.

        Kept per reader's scope (a coordinator's region, or everyone's) until the next
        registry event or the TTL, an unknown id as well as a found one: a coordinator's
        first question about a record is asked of the registry whatever others asked, so
        how long the answer takes does not tell another region's record from none (a
        found one kept, an unknown one asked every time, would). An organisation is asked
        every time: whether it is closed is a rule, not a label. A name changed a moment
        ago may still be the old one until the registry's event arrives (tens of ms)."""
        if kind == ORGANISATION:
            found = self.registry.assignee(kind, assignee_id)
        else:
            # a coordinator's region, or None: everyone's
            found = self.cache.get_or_load(("assignee", scope_region(actor), kind, assignee_id),
                                           lambda: self.registry.assignee(kind, assignee_id))
        if found is None or not readable(actor, kind, found["region_code"]):
            return None
        return found


class Assignees(CachedRegistry):
    """``assignees = Assignees()``: an :class:`AssigneeDirectory` per worker, one cache per
    container, forgotten on every registry event (``ChangeFeed``) and after
    KELISIM_DIRECTORY_TTL seconds."""

    def view(self, registry: RegistryClient, cache: TtlCache) -> AssigneeDirectory:
        return AssigneeDirectory(registry, cache)
