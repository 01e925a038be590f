"""Answers of read routes kept for a few seconds, so that repeated reads (every KGU and the
RGU office polling task lists) cost no RPC hop.

An entry is keyed by the route, its path values, its query string and the caller's scope
(role and region), so a region-scoped answer never reaches another region. It is served
until it is ``READ_CACHE_SECONDS`` old (default 5; 0 turns the cache off) or until the data
behind it may have changed, whichever comes first: every write this gateway forwards, and
every event of the projects service, drop the whole cache. So a client reads its own
writes made through the same gateway process, and a change made elsewhere shows at once
when it emits an event (rollouts, assignments, slips, overdue tasks) and within the TTL
when it does not (a progress change made through another gateway replica). A request with ``Cache-Control: no-cache`` is
answered by the service, and that answer is kept.
"""
import time
from collections import OrderedDict

from nameko.extensions import DependencyProvider
from prometheus_client import Counter

DEFAULT_SECONDS = 5.0
MAX_BYTES = 16 * 2**20  # a page of 50 tasks is ~50 kB: some 300 pages

CACHE_LOOKUPS = Counter(
    "kelisim_gateway_cache_lookups_total",
    "Reads of cacheable routes at the gateway, by route and outcome (hit, miss, bypass: "
    "the client sent Cache-Control: no-cache).",
    ["route", "outcome"],
)


class ReadCache:
    """Bodies of answers by key, dropped when too old or when ``invalidate`` is called.

    A body read from a service is stored only if nothing invalidated the cache while it
    was being read: ``put`` takes the generation noted before the read.
    """

    def __init__(self, seconds=DEFAULT_SECONDS, max_bytes=MAX_BYTES, clock=time.monotonic):
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.clock = clock
        self.generation = 0
        self.size = 0  # bytes of the bodies held
        self._entries = OrderedDict()

    def get(self, key):
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, body = entry
        if self.clock() - stored_at >= self.seconds:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return body

    def put(self, key, generation, body):
        if self.seconds <= 0 or generation != self.generation or len(body) > self.max_bytes:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = (self.clock(), body)
        self.size += len(body)
        while self.size > self.max_bytes:  # the least recently used go first
            self._drop(next(iter(self._entries)))

    def _drop(self, key):
        self.size -= len(self._entries.pop(key)[1])

    def invalidate(self):
        self.generation += 1
        self._entries.clear()
        self.size = 0

    def __len__(self):
        return len(self._entries)


class ReadCacheProvider(DependencyProvider):
    """``read_cache = ReadCacheProvider()``: one :class:`ReadCache` per gateway process."""

    def setup(self):
        self.cache = ReadCache(float(self.container.config.get("READ_CACHE_SECONDS",
                                                               DEFAULT_SECONDS)))

    def get_dependency(self, worker_ctx):
        return self.cache
