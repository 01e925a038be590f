"""The registry read as the system and kept between its events: what another service
caches of it, written once (notifications' directory of recipients, projects' assignees).

Look-ups run as the system actor, whoever triggered them, so the cache, shared by a
container's workers, never holds a region-scoped answer; callers apply the registry's read
rule themselves (:func:`services.registry.contract.client.readable`). What is kept is
forgotten on every registry event, in every replica (``ChangeFeed``, kelisim/events/feed.py),
and ``ttl`` seconds after it was loaded at the latest.
"""
import time
from typing import Any

from kelisim import config as settings
from kelisim.context import ACTOR_KEY, SYSTEM_ACTOR
from kelisim.rpc import ServiceProxy, TimedRpcProxy
from services.registry.contract.client import RegistryClient


class TtlCache:
    """A dict whose entries expire ``ttl`` seconds after they were loaded, and are all
    forgotten by :meth:`clear` (the registry changed). An answer loaded while the cache was
    cleared is returned but not kept: it may have been read before the change."""

    def __init__(self, ttl, clock=time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._entries = {}
        self.generation = 0  # how many times the cache was cleared

    def get_or_load(self, key, load):
        """``key``'s fresh answer, else ``load()``'s, kept unless the cache was cleared
        while it loaded (a slow registry answer that a change overtook)."""
        now = self.clock()
        hit = self._fresh(key, now)
        if hit is not None:
            return hit[1]
        generation = self.generation
        value = load()
        if generation == self.generation:
            self._entries[key] = (now + self.ttl, value)
        return value

    def put(self, key, value, since):
        """Keep ``value`` as ``key``'s answer, loaded now, unless a fresh one is kept or
        the cache was cleared after ``since`` (its :attr:`generation` when the look-up
        that found ``value`` began)."""
        now = self.clock()
        if since == self.generation and self._fresh(key, now) is None:
            self._entries[key] = (now + self.ttl, value)

    def _fresh(self, key, now):
        """``(expires, value)`` kept for ``key`` and not expired at ``now``, else None."""
        hit = self._entries.get(key)
        return hit if hit is not None and hit[0] > now else None

    def clear(self):
        self._entries.clear()
        self.generation += 1


class AsSystem:
    """A worker context whose outgoing calls carry the system actor (same correlation id)."""

    def __init__(self, worker_ctx):
        self._worker_ctx = worker_ctx
        self.container = worker_ctx.container

    @property
    def context_data(self):
        data = self._worker_ctx.context_data
        data[ACTOR_KEY] = dict(SYSTEM_ACTOR)
        return data


class CachedRegistry(TimedRpcProxy):
    """A nameko dependency: per worker, ``view(RegistryClient asked as the system, cache)``,
    one :class:`TtlCache` per container kept ``ttl`` seconds (``ttl_of(config)`` when not
    given). The service forgets it on the registry's events with
    ``ChangeFeed(change_feed("registry", "<service>-<name>"), "<name>")``. A registry that
    does not answer in ``RPC_TIMEOUT`` raises ``RpcTimeout``. Subclasses name ``view`` and
    may override ``ttl_of``."""

    def __init__(self, ttl: float | None = None, **options: Any) -> None:
        super().__init__("registry", **options)
        self.ttl = ttl
        self.cache: TtlCache | None = None

    def ttl_of(self, config: dict[str, Any]) -> float:
        """Seconds an answer is kept when no registry event comes first
        (KELISIM_DIRECTORY_TTL, 300)."""
        return settings.directory_ttl()

    def view(self, registry: RegistryClient, cache: TtlCache) -> Any:
        raise NotImplementedError

    def setup(self) -> None:
        super().setup()
        ttl = self.ttl if self.ttl is not None else self.ttl_of(self.container.config)
        self.cache = TtlCache(float(ttl))

    def invalidate(self) -> None:
        """Forget every cached answer (kelisim/events/feed.py: the registry changed)."""
        if self.cache is not None:
            self.cache.clear()

    def get_dependency(self, worker_ctx: Any) -> Any:
        proxy = ServiceProxy(AsSystem(worker_ctx), self.target_service,
                             self.rpc_reply_listener, **self.options)
        return self.view(RegistryClient(self.timed(proxy)), self.cache)
