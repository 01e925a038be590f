"""(a) The relay publishes what committed, marks it published, and never what rolled back;
its batches take the oldest pending rows, each once: on PostgreSQL under row locks held
over the publish (each row written once), on SQLite under a lease."""
import uuid
from contextlib import contextmanager

import eventlet
import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from kelisim.context import Context
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from kelisim.events.publisher import ConfirmedBatchPublisher
from kelisim.events.relay import OutboxRelay
from tests.integration.events.probe import Producer
from tests.support import OUTBOX, close_vhost_connections, wait_for

PERSON = {"id": 1, "full_name": "Адам", "org_unit_id": 2, "region_code": "KZ-61", "version": 1}


def test_committed_events_are_published_and_rolled_back_ones_never(
        start, migrated, database_url, broker, table_rows, emit_with):
    url = migrated("registry", database_url)
    emit = emit_with(start(Producer, url))

    with broker.bound_queue() as queue:
        rolled_back = emit("rolled back", commit=False)
        committed = [emit("first"), emit("second")]
        received = wait_for(lambda: broker.count(queue) >= 2 and broker.drain(queue))

        assert [m.payload["id"] for m in received] == committed
        assert all(m.properties["delivery_mode"] == 2 for m in received)
        rows = wait_for(lambda: all(r.published_at for r in table_rows(url, OUTBOX))
                        and table_rows(url, OUTBOX))
        assert sorted(r.event_id for r in rows) == sorted(committed)
        assert rolled_back not in {r.event_id for r in rows}
        assert all(r.attempts == 1 and r.last_error is None for r in rows)
        assert broker.count(queue) == 0


def test_events_are_published_before_any_consumer_exists(producer, emit, dbs, table_rows):
    """The relay declares the exchange itself; nobody listening is not a failure."""
    event_id = emit("nobody listens")

    row = wait_for(lambda: [r for r in table_rows(dbs["producer"], OUTBOX)
                            if r.published_at is not None])[0]
    assert row.event_id == event_id and row.last_error is None
    uuid.UUID(event_id)


def emit_rows(engine, n, correlation_id="corr-lease"):
    """``n`` person_created events committed to ``engine``'s outbox; their ids in order."""
    context = Context(correlation_id=correlation_id, source="registry")
    with UnitOfWork(sessionmaker(engine, expire_on_commit=False), context) as uow:
        emitted = [uow.emit("person_created", PERSON, regions=["KZ-61"]).id for _ in range(n)]
        uow.commit()
    return emitted


def test_relays_on_sqlite_lease_the_oldest_pending_rows_each_once(migrated, sqlite_url):
    """Each claim leases the oldest pending rows not leased yet, in order (one UPDATE …
    RETURNING): two relays draining one backlog share it without overlap."""
    engine = make_engine(migrated("registry", sqlite_url))
    try:
        emitted = emit_rows(engine, 25)
        first, second = (OutboxRelay(engine, None, "relay-lease", batch_size=10)
                         for _ in range(2))

        claims = [first._claim(), second._claim(), first._claim(), second._claim()]

        assert [len(claim) for claim in claims] == [10, 10, 5, 0]
        assert [row.event_id for claim in claims for row in claim] == emitted
        assert {(row.source, row.correlation_id) for claim in claims for row in claim} == {
            ("registry", "corr-lease")}
        assert all(orjson.loads(row.body)["id"] == row.event_id
                   for claim in claims for row in claim)
        with engine.connect() as conn:
            leased = conn.execute(sa.select(OUTBOX.c.attempts, OUTBOX.c.claimed_until)).all()
        assert all(attempts == 1 and until is not None for attempts, until in leased)
    finally:
        engine.dispose()


class Interrupted:
    """The real publisher; ``during()`` runs once the batch's messages are written and
    before the block ends (before the confirms are awaited)."""

    def __init__(self, publisher, during):
        self.publisher, self.during = publisher, during

    @contextmanager
    def raw_batch(self):
        with self.publisher.raw_batch() as send:
            yield send
            self.during()


WRITES = """
CREATE TABLE outbox_writes (id bigint);
CREATE FUNCTION outbox_written() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO outbox_writes VALUES (NEW.id); RETURN NEW; END $$;
CREATE TRIGGER outbox_written AFTER UPDATE ON outbox FOR EACH ROW
  EXECUTE FUNCTION outbox_written();
"""


def test_a_relay_on_postgresql_writes_each_row_once_holding_its_locks_over_the_publish(
        migrated, postgres_url, amqp_uri, broker):
    """While one relay publishes, its rows are locked: another relay skips them and reads
    them still pending; once confirmed, each row is written once (published, attempts 1,
    no lease), counted by a trigger on every UPDATE of the outbox."""
    engine = make_engine(migrated("registry", postgres_url))
    other = OutboxRelay(make_engine(postgres_url), ConfirmedBatchPublisher(amqp_uri), "other")
    seen = {}

    def during():
        seen["other relay"] = other.publish_pending()
        with other.engine.connect() as conn:
            seen["pending"] = conn.execute(sa.select(sa.func.count()).select_from(OUTBOX)
                                           .where(OUTBOX.c.published_at.is_(None))).scalar()
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(WRITES)
        emitted = emit_rows(engine, 30)
        relay = OutboxRelay(engine, Interrupted(ConfirmedBatchPublisher(amqp_uri), during),
                            "relay-locks")
        with broker.bound_queue() as queue:
            assert relay.publish_pending() == 30

            assert seen == {"other relay": 0, "pending": 30}
            received = wait_for(lambda: broker.count(queue) >= 30 and broker.drain(queue))
            assert [m.payload["id"] for m in received] == emitted
        with engine.connect() as conn:
            writes = conn.exec_driver_sql("SELECT id, count(*) FROM outbox_writes GROUP BY id")
            assert sorted(n for _, n in writes) == [1] * 30
            rows = conn.execute(sa.select(OUTBOX)).all()
        assert all(r.published_at and r.attempts == 1 and r.claimed_until is None
                   and r.last_error is None for r in rows)
    finally:
        engine.dispose()
        other.engine.dispose()


def test_a_relay_killed_mid_publish_leaves_its_rows_to_the_next_at_once(
        migrated, database_url, amqp_uri):
    """The relay's greenlet is killed (as a stopping service kills it) after its batch is
    written and before the confirms: on PostgreSQL its transaction rolls back and frees
    the rows' locks, on SQLite its lease is released; the next relay publishes them at
    once, not after the lease's 30 s."""
    engine = make_engine(migrated("registry", database_url))
    publishing = eventlet.Event()

    def stall():
        publishing.send(True)
        eventlet.sleep(60)
    try:
        emit_rows(engine, 12)
        relay = OutboxRelay(engine, Interrupted(ConfirmedBatchPublisher(amqp_uri), stall),
                            "relay-killed")
        running = eventlet.spawn(relay.publish_pending)
        publishing.wait()
        running.kill()

        assert OutboxRelay(engine, ConfirmedBatchPublisher(amqp_uri),
                           "relay-next").publish_pending() == 12
        with engine.connect() as conn:
            assert all(r.published_at for r in conn.execute(sa.select(OUTBOX)).all())
    finally:
        engine.dispose()


def test_a_failed_publish_records_its_error_and_the_rows_are_published_next_round(
        migrated, database_url, amqp_uri):
    """The broker connection is cut in the middle of a batch: the batch raises, its rows
    stay pending with the error and one attempt; the next round publishes them all."""
    engine = make_engine(migrated("registry", database_url))
    publisher = ConfirmedBatchPublisher(amqp_uri, confirm_timeout=5)
    try:
        emit_rows(engine, 8)
        relay = OutboxRelay(engine, Interrupted(publisher, lambda: close_vhost_connections(
            amqp_uri)), "relay-cut")
        with pytest.raises(Exception):  # noqa: B017  (amqp, socket or kombu: whichever notices)
            relay.publish_pending()
        with engine.connect() as conn:
            rows = conn.execute(sa.select(OUTBOX)).all()
        assert all(r.published_at is None and r.attempts == 1 and r.last_error
                   and r.claimed_until is None for r in rows)

        relay.publisher = publisher
        assert relay.publish_pending() == 8
        with engine.connect() as conn:
            rows = conn.execute(sa.select(OUTBOX)).all()
        assert all(r.published_at and r.attempts == 2 and r.last_error is None for r in rows)
    finally:
        engine.dispose()
