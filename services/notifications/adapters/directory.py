"""The registry as a directory of recipients: RPC calls made as the system, cached
(services/registry/contract/cached.py). Callers apply their own access rules.
"""
from kelisim.errors import NotFound
from services.notifications.settings import from_config
from services.registry.contract.cached import CachedRegistry, TtlCache

__all__ = ["Directory", "RegistryDirectory", "TtlCache"]


class RegistryDirectory:
    """Org units and people by the questions recipient resolution asks (see domain.audience),
    cached. ``registry``: a :class:`RegistryClient` (the registry's own contract)."""

    def __init__(self, registry, cache):
        self.registry = registry
        self.cache = cache

    def _cached(self, key, load, missing=None):
        def guarded():
            try:
                return load()
            except NotFound:
                return missing
        return self.cache.get_or_load(key, guarded)

    def kgu_of(self, region):
        def load():
            since = self.cache.generation
            return self._unit_known(self.registry.kgu_of(region), since)
        found = self._cached(("kgu", region), load)
        return (found["org_unit"], found["contacts"]) if found else (None, [])

    def rgu(self):
        def load():
            since = self.cache.generation
            unit = self.registry.rgu()
            if unit is None:
                return None
            return self._unit_known({"org_unit": unit, "contacts": self.registry.people(
                {"org_unit_id": unit["id"]})}, since)
        found = self._cached(("rgu",), load)
        return (found["org_unit"], found["contacts"]) if found else (None, [])

    def _unit_known(self, found, since):
        """Keep a KGU's (or the RGU's) unit and people, ``found``, as :meth:`org_unit` and
        :meth:`people_of_unit` of its id too: the registry answers those with the same
        records (its ``kgu_of_region`` dumps the unit and ``people(org_unit_id=...)`` as
        they do), and a task assigned to a KGU asks both after ``kgu_of``: a rollout to 20
        regions made 62 look-ups with a cold cache, 40 of them for what it had. Kept only if
        the cache was not cleared ``since`` (its generation when the look-up began)."""
        unit = found["org_unit"]
        self.cache.put(("unit", unit["id"]), unit, since)
        self.cache.put(("unit-people", unit["id"]), found["contacts"], since)
        return found

    def org_unit(self, unit_id):
        return self._cached(("unit", unit_id), lambda: self.registry.org_unit(unit_id))

    def people_of_unit(self, unit_id):
        return self._cached(("unit-people", unit_id),
                            lambda: self.registry.people({"org_unit_id": unit_id}), [])

    def structure(self, structure_id):
        return self._cached(("structure", structure_id),
                            lambda: self.registry.structure(structure_id))

    def people_of_structure(self, structure_id):
        return self._cached(("structure-people", structure_id),
                            lambda: self.registry.people({"structure_id": structure_id}), [])

    def person(self, person_id, region=None):
        query = {"region": region} if region else {}
        people = self._cached(("people", region), lambda: self.registry.people(query), [])
        return next((p for p in people if p["id"] == person_id), None)

    def organisation(self, organisation_id):
        """An organisation outside the Assembly (for its name; it has no inbox)."""
        return self._cached(("organisation", organisation_id),
                            lambda: self.registry.organisation(organisation_id))

    def invalidate(self):
        self.cache.clear()


class Directory(CachedRegistry):
    """``directory = Directory()``: a :class:`RegistryDirectory` per worker, one cache per
    container, kept ``directory_ttl`` seconds (KELISIM_DIRECTORY_TTL, default 300; the
    container's NOTIFICATIONS config may set it). A registry that does not answer in
    ``RPC_TIMEOUT`` fails the handler, to be retried."""

    def ttl_of(self, config):
        return from_config(config).directory_ttl

    def view(self, registry, cache):
        return RegistryDirectory(registry, cache)
