"""The outbox relay: publishes committed events, persistent and broker-confirmed.

Each row's envelope is read as the JSON text it was stored as and sent as the message body
unchanged (``raw_batch``, see publisher.py): no decode, no re-encode, no kombu Producer;
the exchange, routing key, correlation header and message id come from the row's columns
and two JSON fields read by the database. A batch is marked published only once the broker
confirmed every message of it; a crash between publish and mark republishes the event,
which consumers absorb by event id; an unconfirmed publish leaves the rows to retry.

On PostgreSQL one transaction locks up to a batch of pending rows (``FOR UPDATE SKIP
LOCKED``, so the relays of several instances share the work), publishes them while it holds
their locks and marks them published: each row is written once, and a relay that dies
mid-publish (its connection closed) leaves its rows to the next relay at once. A lease
written instead (``UPDATE … RETURNING`` of 1 000 rows of 900-byte envelopes) took 36–39 ms
of PostgreSQL's time against 18–21 ms for the locking ``SELECT`` (bench/README.md). SQLite
has no row locks and one writer at a time: there rows are leased (``claimed_until``,
:data:`LEASE`) in a short transaction, published outside it, then marked.
"""
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import eventlet
import sqlalchemy as sa

from kelisim import metrics, serialization
from kelisim.context import CORRELATION_KEY
from kelisim.db.tables import platform_tables
from kelisim.db.types import utcnow
from kelisim.events.publisher import ConfirmedBatchPublisher
from kelisim.events.topology import event_exchange
from kelisim.logging import get_logger
from kelisim.loop import WakeOrPollLoop

_OUTBOX = platform_tables(sa.MetaData())[0]
LEASE = timedelta(seconds=30)
_CORRELATION_HEADER = f"nameko.{CORRELATION_KEY}"
# What publishing a row needs: its envelope as stored, and the two fields parsed out of it.
_PUBLISHED = (_OUTBOX.c.id, _OUTBOX.c.event_id, _OUTBOX.c.event_type,
              sa.cast(_OUTBOX.c.envelope, sa.Text).label("body"),
              _OUTBOX.c.envelope["source"].as_string().label("source"),
              _OUTBOX.c.envelope["correlation_id"].as_string().label("correlation_id"))
log = get_logger(__name__)


class OutboxRelay:
    def __init__(self, engine: sa.Engine, publisher: ConfirmedBatchPublisher, service: str,
                 batch_size: int = 1000) -> None:
        self.engine = engine
        self.publisher = publisher
        self.service = service
        self.batch_size = batch_size

    def _pending(self, now: Any) -> sa.Select[Any]:
        """The ids of up to ``batch_size`` pending rows not leased, oldest first, locked
        (skipping rows another transaction holds; SQLite ignores the lock)."""
        return (sa.select(_OUTBOX.c.id)
                .where(_OUTBOX.c.published_at.is_(None))
                .where(sa.or_(_OUTBOX.c.claimed_until.is_(None),
                              _OUTBOX.c.claimed_until < now))
                .order_by(_OUTBOX.c.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True))

    def _claim(self) -> Sequence[sa.Row[Any]]:
        """Lease up to ``batch_size`` pending rows, oldest first (the SQLite path):
        ``(id, event_id, event_type, body, source, correlation_id)``, ``body`` the
        envelope's JSON text. One ``UPDATE … WHERE id IN (pending ids) RETURNING``: the
        envelopes are read (and their two fields parsed out) for the claimed rows only."""
        now = utcnow()
        with self.engine.begin() as conn:
            rows = conn.execute(
                _OUTBOX.update().where(_OUTBOX.c.id.in_(self._pending(now)))
                .values(claimed_until=now + LEASE, attempts=_OUTBOX.c.attempts + 1)
                .returning(*_PUBLISHED)
            ).all()
        return sorted(rows, key=lambda row: row.id)  # RETURNING keeps no order

    def publish_pending(self) -> int:
        """Publish one batch; return how many events the broker confirmed: all the rows
        taken, confirmed together, or none (left pending with the error, to be tried
        again; the error is raised)."""
        if self.engine.dialect.name == "postgresql":
            rows = self._publish_locked()
        else:
            rows = self._publish_leased()
        for row in rows:
            envelope = (serialization.loads(row.body)
                        if metrics.watched(self.service, row.event_type) else {})
            metrics.event_published(self.service, row.event_type, envelope)
        return len(rows)

    def _publish_locked(self) -> Sequence[sa.Row[Any]]:
        """PostgreSQL: lock, publish and mark in one transaction. The ``SELECT`` of the
        locked ids orders and reads only the batch's envelopes (a plan that sorts every
        pending envelope took 0.3 s per 1 000 rows from 10 000 pending, bench/README.md)."""
        now = utcnow()
        failure: Exception | None = None
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(*_PUBLISHED)
                                .where(_OUTBOX.c.id.in_(self._pending(now)))
                                .order_by(_OUTBOX.c.id)).all()
            if not rows:
                return rows
            try:
                self._send(rows)
                outcome: dict[str, Any] = {"published_at": utcnow(), "last_error": None}
            except Exception as exc:
                failure, outcome = exc, {"last_error": repr(exc)[:2000]}
            conn.execute(_OUTBOX.update().where(_OUTBOX.c.id.in_([r.id for r in rows]))
                         .values(attempts=_OUTBOX.c.attempts + 1, **outcome))
        if failure is not None:
            raise failure
        return rows

    def _publish_leased(self) -> Sequence[sa.Row[Any]]:
        """SQLite: lease, publish outside the transaction, mark; a failed or interrupted
        (killed greenlet) publish releases the lease at once."""
        rows = self._claim()
        if not rows:
            return rows
        try:
            self._send(rows)
        except BaseException as exc:
            self._release([r.id for r in rows], repr(exc))
            raise
        self._mark_published([r.id for r in rows])
        return rows

    def _send(self, rows: Sequence[sa.Row[Any]]) -> None:
        """Publish ``rows`` as one confirmed batch; raises what the publisher raises."""
        with self.publisher.raw_batch() as send:
            for row in rows:
                send(row.body.encode(), exchange=event_exchange(row.source),
                     routing_key=row.event_type, message_id=row.event_id,
                     headers={_CORRELATION_HEADER: row.correlation_id})

    def _mark_published(self, ids: list[int]) -> None:
        if not ids:
            return
        with self.engine.begin() as conn:
            conn.execute(_OUTBOX.update().where(_OUTBOX.c.id.in_(ids))
                         .values(published_at=utcnow(), last_error=None))

    def _release(self, ids: list[int], error: str) -> None:
        if not ids:
            return
        with self.engine.begin() as conn:
            conn.execute(_OUTBOX.update().where(_OUTBOX.c.id.in_(ids))
                         .values(claimed_until=None, last_error=error[:2000]))

    def backlog(self) -> tuple[int, float]:
        """(pending count, age in seconds of the oldest pending event)."""
        with self.engine.connect() as conn:
            count, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.min(_OUTBOX.c.created_at))
                .where(_OUTBOX.c.published_at.is_(None))
            ).one()
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=utcnow().tzinfo)
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        return int(count), age

    def update_gauges(self) -> None:
        count, age = self.backlog()
        metrics.child(metrics.OUTBOX_PENDING, self.service).set(count)
        metrics.child(metrics.OUTBOX_OLDEST_AGE, self.service).set(age)


BUSY = 0.05  # s: a round starting this soon after one that published is under load ...
LINGER = 0.01  # s: ... and first lets this long's commits join its batch
GAUGES_EVERY = 1.0  # s between two readings of the backlog gauges while publishing


class RelayLoop(WakeOrPollLoop):
    """Runs a relay until stopped: wakes on commit, else polls every ``interval`` s. While
    the broker or the database is down it backs off (a commit does not cut that short) and
    keeps the backlog gauges current.

    Under a stream of commits (a round woken within :data:`BUSY` of the last one that
    published) it waits :data:`LINGER` before claiming, so the stream goes out in batches
    of a few events and not one round (two transactions and a confirm) per event: each
    consumer then takes them in batches too (at 60 assignments/s, batches of 3 events in
    notifications cost 3.9 ms of its CPU per event, of 6 events 2.3 ms). A commit alone
    is published at once."""

    def __init__(self, relay: OutboxRelay, interval: float = 1.0) -> None:
        super().__init__("outbox-relay", self._publish, failed="outbox relay failed",
                         on_failure=self._update_gauges, recovered="outbox relay publishing again",
                         wake_ends_backoff=False)
        self.relay = relay
        self.interval = interval
        self._published_at = self._gauges_at = float("-inf")  # time.monotonic()

    def _publish(self) -> float:
        if time.monotonic() - self._published_at < BUSY:
            eventlet.sleep(LINGER)
        published = self.relay.publish_pending()
        now = time.monotonic()
        if published:  # after a full batch the backlog goes on at once, without lingering
            self._published_at = now if published < self.relay.batch_size else float("-inf")
        if not published or now - self._gauges_at >= GAUGES_EVERY:
            self._gauges_at = now
            self.relay.update_gauges()
        return 0 if published >= self.relay.batch_size else self.interval

    def _update_gauges(self) -> None:
        try:
            self.relay.update_gauges()
        except Exception as exc:  # the database is down too: the gauges keep their last value
            log.warning("outbox gauges not updated", error=repr(exc))
