"""Metrics of the notifications service (module level, labelled by service like kelisim.metrics)."""
from prometheus_client import Counter, Gauge, Histogram

from kelisim.metrics import child

DELIVERIES = Counter(
    "kelisim_notification_deliveries_total",
    "Delivery attempts by channel and outcome (delivered, failed, dead_lettered, duplicate).",
    ["service", "channel", "outcome"],
)
LATENCY = Histogram(
    "kelisim_notification_latency_seconds",
    "From the event's occurred_at to its delivery, by channel.",
    ["service", "channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400),
)
BACKLOG = Gauge(
    "kelisim_notification_backlog",
    "Deliveries waiting per channel (pending, sending, or held for a digest).",
    ["service", "channel"],
)
DEAD = Gauge(
    "kelisim_notification_dead_deliveries",
    "Deliveries given up on per channel, waiting for an operator (kelisim dlq replay).",
    ["service", "channel"],
)

CHANNELS = ("inbox", "email", "webhook", "stream")


def delivered(service, channel, occurred_at, now, count=1):
    """``count`` deliveries of one event on ``channel``, ``now``: counted, and each one's
    latency from the event's ``occurred_at`` (seconds) observed."""
    child(DELIVERIES, service, channel, "delivered").inc(count)
    if occurred_at is not None:
        latency = child(LATENCY, service, channel)
        seconds = max(0.0, (now - occurred_at).total_seconds())
        for _ in range(count):
            latency.observe(seconds)


def outcome(service, channel, name):
    child(DELIVERIES, service, channel, name).inc()


def set_backlog(service, waiting, dead):
    for channel in CHANNELS:
        BACKLOG.labels(service, channel).set(waiting.get(channel, 0))
        DEAD.labels(service, channel).set(dead.get(channel, 0))
