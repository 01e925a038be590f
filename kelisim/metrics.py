"""Prometheus metrics, defined once for every service (labelled by service).

Metric objects live at module level on the default registry, so several nameko
containers in one process (as in tests) share them without collisions.
"""
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.engine import Engine

from kelisim.errors import KelisimError

_CHILDREN: dict[tuple[Any, ...], Any] = {}


def child(metric: Any, *labels: str) -> Any:
    """``metric.labels(*labels)``, remembered: what every request and event counts under
    the same few label values, without prometheus_client's checks and lock each time (3 %
    of the gateway's CPU on a cached read). Bounded as the labels are: the client keeps
    one child per label set anyway. Label values are text (as ``labels`` makes them)."""
    key = (metric, *labels)
    found = _CHILDREN.get(key)
    if found is None:
        found = _CHILDREN[key] = metric.labels(*labels)
    return found


ENTRYPOINT_CALLS = Counter(
    "kelisim_entrypoint_calls_total",
    "Entrypoint invocations by outcome (ok, client_error, error).",
    ["service", "entrypoint", "kind", "outcome"],
)
ENTRYPOINT_DURATION = Histogram(
    "kelisim_entrypoint_duration_seconds",
    "Time spent in an entrypoint, from worker set-up to result.",
    ["service", "entrypoint", "kind"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PUBLISHED = Counter(
    "kelisim_events_published_total",
    "Integration events published from the outbox and confirmed by the broker.",
    ["service", "event_type"],
)
EVENTS_CONSUMED = Counter(
    "kelisim_events_consumed_total",
    "Integration events received, by outcome (handled, retried, dead_lettered).",
    ["service", "event_type", "outcome"],
)
OUTBOX_PENDING = Gauge(
    "kelisim_outbox_pending_events", "Events committed but not yet published.", ["service"]
)
OUTBOX_OLDEST_AGE = Gauge(
    "kelisim_outbox_oldest_pending_age_seconds",
    "Age of the oldest unpublished event (0 when the outbox is empty).",
    ["service"],
)
DEAD_LETTERS = Gauge(
    "kelisim_dead_letter_messages",
    "Messages waiting in the service's dead-letter queue for an operator (kelisim dlq).",
    ["service"],
)

_KINDS = ((Rpc, "rpc"), (EventHandler, "event"), (HttpRequestHandler, "http"), (Timer, "timer"))


def entrypoint_kind(entrypoint: object) -> str:
    for cls, kind in _KINDS:
        if isinstance(entrypoint, cls):
            return kind
    return "other"


def outcome_of(exc_info: tuple[Any, ...] | None) -> str:
    if exc_info is None:
        return "ok"
    return "client_error" if isinstance(exc_info[1], KelisimError) else "error"


class EntrypointMetrics(DependencyProvider):
    """Counts and times every entrypoint of the service it is declared on."""

    def __init__(self) -> None:
        self._started: dict[Any, float] = {}

    def worker_setup(self, worker_ctx: Any) -> None:
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None,
                      exc_info: tuple[Any, ...] | None = None) -> None:
        started = self._started.pop(worker_ctx, None)
        service = worker_ctx.container.service_name
        entrypoint = worker_ctx.entrypoint
        kind = entrypoint_kind(entrypoint)
        name = entrypoint.method_name
        child(ENTRYPOINT_CALLS, service, name, kind, outcome_of(exc_info)).inc()
        if started is not None:
            child(ENTRYPOINT_DURATION, service, name, kind).observe(time.perf_counter() - started)


def event_published(service: str, event_type: str, envelope: dict[str, Any]) -> None:
    """Count one broker-confirmed event, and in any business counter watching its type."""
    child(EVENTS_PUBLISHED, service, event_type).inc()
    for counter, labels_of in _EVENT_COUNTERS.get((service, event_type), ()):
        counter.labels(*labels_of(envelope.get("data") or {})).inc()


def watched(service: str, event_type: str) -> bool:
    """Whether a business counter counts ``event_type`` of ``service`` by its data (so
    :func:`event_published` needs the envelope's data, not just its type)."""
    return (service, event_type) in _EVENT_COUNTERS


LabelsOf = Callable[[dict[str, Any]], Sequence[str]]
_EVENT_COUNTERS: dict[tuple[str, str], list[tuple[Counter, LabelsOf]]] = {}


def count_published(service: str, event_type: str, counter: Counter, labels_of: LabelsOf) -> None:
    """Also count each published ``event_type`` of ``service`` in ``counter``, labelled
    by ``labels_of(data)``: counted once confirmed, so a rolled-back change never counts."""
    watchers = _EVENT_COUNTERS.setdefault((service, event_type), [])
    if all(existing is not counter for existing, _ in watchers):
        watchers.append((counter, labels_of))


class StateGauge:
    """A gauge family replaced whole on each refresh, so label sets that disappear
    (a risk closed, a region with no overdue task left) stop being exported.

    For state read from a database: every replica exports the same values, so rules and
    dashboards aggregate them with ``max by (...)``, never ``sum``.
    """

    def __init__(self, name: str, documentation: str, labelnames: Iterable[str],
                 registry: CollectorRegistry | None = REGISTRY) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = tuple(labelnames)
        self._values: dict[tuple[str, ...], float] = {}
        if registry is not None:
            registry.register(self)

    def set_all(self, values: Mapping[Iterable[Any], float]) -> None:
        """``{(label values...): value}`` becomes the whole family."""
        self._values = {tuple(str(v) for v in key): float(value) for key, value in values.items()}

    def values(self) -> dict[tuple[str, ...], float]:
        return dict(self._values)

    def describe(self) -> list[GaugeMetricFamily]:
        return [GaugeMetricFamily(self.name, self.documentation, labels=self.labelnames)]

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for key, value in sorted(self._values.items()):
            family.add_metric(key, value)
        yield family


class PoolCollector:
    """SQLAlchemy connection pool use of every service database in this process, read at
    scrape time (nothing to refresh): checked out, open, and the most it may open."""

    def __init__(self) -> None:
        self._engines: dict[int, tuple[str, Engine]] = {}
        self._lock = threading.Lock()

    def watch(self, service: str, engine: Engine) -> None:
        with self._lock:
            self._engines[id(engine)] = (service, engine)

    def unwatch(self, engine: Engine) -> None:
        with self._lock:
            self._engines.pop(id(engine), None)

    def collect(self) -> list[GaugeMetricFamily]:
        families = {
            "checked_out": GaugeMetricFamily(
                "kelisim_db_pool_checked_out_connections",
                "Database connections in use by the service (checked out of its pool).",
                labels=["service"]),
            "open": GaugeMetricFamily(
                "kelisim_db_pool_open_connections",
                "Database connections the service's pool holds open, in use or idle.",
                labels=["service"]),
            "max": GaugeMetricFamily(
                "kelisim_db_pool_max_connections",
                "Most connections the service's pool may open (pool size plus overflow).",
                labels=["service"]),
        }
        totals: dict[str, dict[str, int]] = {}
        with self._lock:
            engines = list(self._engines.values())
        for service, engine in engines:
            stats = pool_stats(engine.pool)
            if stats is None:
                continue
            summed = totals.setdefault(service, dict.fromkeys(families, 0))
            for name, value in stats.items():
                summed[name] += value
        for service, stats in sorted(totals.items()):
            for name, family in families.items():
                family.add_metric([service], stats[name])
        return list(families.values())


def pool_stats(pool: Any) -> dict[str, int] | None:
    """{checked_out, open, max} of a QueuePool-like pool, else None (no fixed size)."""
    try:
        checked_out, idle = pool.checkedout(), pool.checkedin()
        most = pool.size() + pool._max_overflow
    except AttributeError:  # NullPool, StaticPool: nothing meaningful to report
        return None
    return {"checked_out": checked_out, "open": checked_out + idle, "max": most}


POOLS = PoolCollector()
REGISTRY.register(POOLS)


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric in this process, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
