"""Retention: prune what a service keeps only for a while, once across its replicas.

What is pruned (each after its own number of days, ``kelisim.config.retention_days``):

- ``outbox`` rows already published (``published_at``); unpublished rows are never touched;
- ``processed_events``, the ids consumers record to drop repeats (``processed_at``);
- notifications' ``delivery_attempts`` (``attempted_at``);
- notifications' archived ``inbox_items`` (``archived_at``; unarchived items stay).

History and the audit log are never pruned. Tables a component does not have are skipped.

"Once across replicas": every replica's timer fires every ``KELISIM_RETENTION_INTERVAL``
seconds; a run first inserts the row ``(retention:<slot>, kelisim.retention)`` into
``processed_events`` (``slot`` = the interval's number since the epoch), in the same
transaction as its deletes. The primary key lets one replica per slot commit; the others
fail on it (PostgreSQL makes them wait for the winner, then fail; SQLite serialises the
writers) and roll back, as two consumers of one event do.

A processed-event id must outlive every redelivery of its event: ``check_bounds`` refuses a
processed-event retention shorter than the retry delays' sum, and ``kelisim dlq replay``
leaves dead letters whose event occurred longer ago than that retention in the queue.
"""
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from prometheus_client import Counter
from sqlalchemy.exc import IntegrityError

from kelisim import config
from kelisim.db.types import UtcDateTime, utcnow
from kelisim.logging import get_logger

log = get_logger(__name__)
CONSUMER = "kelisim.retention"

PRUNED = Counter(
    "kelisim_retention_pruned_rows_total",
    "Rows removed by the retention job, by table (outbox, processed_events, "
    "delivery_attempts, inbox_items).",
    ["service", "table"],
)
RUNS = Counter(
    "kelisim_retention_runs_total",
    "Retention job runs by outcome (pruned: this replica ran it; skipped: another "
    "replica ran it for this interval).",
    ["service", "outcome"],
)

# kind (config key) -> (table, timestamp column): a row goes once that time is older.
RULES = {
    "outbox": ("outbox", "published_at"),
    "processed": ("processed_events", "processed_at"),
    "delivery_attempts": ("delivery_attempts", "attempted_at"),
    "archived_inbox": ("inbox_items", "archived_at"),
}


def check_bounds(days: dict[str, int] | None = None,
                 retry_delays: Sequence[float] | None = None) -> None:
    """Raise SettingRefused (a ValueError) when processed-event ids could be pruned before
    their event's last redelivery: the retention (days) must exceed the sum of the retry
    delays (seconds).

    0 (never prune) always passes."""
    days = config.retention_days() if days is None else days
    delays = config.retry_delays() if retry_delays is None else retry_delays
    kept = days["processed"]
    if kept and kept * 86400 <= sum(delays):
        raise config.SettingRefused(
            f"KELISIM_RETENTION_PROCESSED_DAYS={kept} is shorter than the event retry delays "
            f"({sum(delays):.0f} s): a redelivered event could be handled twice")


def prune(engine: sa.Engine, service: str, now: datetime | None = None,
          days: dict[str, int] | None = None,
          interval: float | None = None) -> dict[str, int] | None:
    """Run the retention job for one service's database once for the current interval.

    ``engine``: the service's SQLAlchemy engine; ``days``: {kind: days, 0 = keep}
    (default from the environment); ``interval``: seconds per slot (default
    ``KELISIM_RETENTION_INTERVAL``). Returns {table: rows deleted}, or None when another
    replica already ran the job for this slot.
    """
    now = now or utcnow()
    days = config.retention_days() if days is None else days
    interval = config.retention_interval() if interval is None else interval
    present = set(sa.inspect(engine).get_table_names())
    if "processed_events" not in present:
        return {}  # a database without the platform tables (the gateway's)
    slot = f"retention:{int(now.timestamp() // interval)}"
    processed = _table("processed_events", "processed_at", "event_id", "consumer")
    pruned: dict[str, int] = {}
    try:
        with engine.begin() as conn:
            conn.execute(processed.insert().values(
                event_id=slot, consumer=CONSUMER, processed_at=now))
            for kind, (name, column) in RULES.items():
                if name not in present or not days.get(kind):
                    continue
                table = _table(name, column)
                cutoff = now - timedelta(days=days[kind])
                result = conn.execute(table.delete().where(
                    table.c[column].is_not(None), table.c[column] < cutoff))
                pruned[name] = result.rowcount
    except IntegrityError:
        RUNS.labels(service, "skipped").inc()
        log.info("retention already ran in this interval on another replica", slot=slot)
        return None
    RUNS.labels(service, "pruned").inc()
    for name, count in pruned.items():
        PRUNED.labels(service, name).inc(count)
    log.info("retention pruned", slot=slot, **pruned)
    return pruned


def _table(name: str, column: str, *others: str) -> sa.TableClause:
    return sa.table(name, sa.column(column, UtcDateTime), *(sa.column(o) for o in others))
