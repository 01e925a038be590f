"""(a) The relay publishes what committed, marks it published, and never what rolled back;
its leases take the oldest pending rows, each once."""
import uuid

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from kelisim.context import Context
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from kelisim.events.relay import OutboxRelay
from tests.integration.events.probe import Producer
from tests.support import OUTBOX, wait_for

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


def test_relays_lease_the_oldest_pending_rows_each_once(migrated, database_url):
    """Each claim leases the oldest pending rows not leased yet, in order, on SQLite and on
    PostgreSQL (there one UPDATE … RETURNING over the ids it locked, skipping locked ones):
    two relays draining one backlog share it without overlap."""
    engine = make_engine(migrated("registry", database_url))
    try:
        context = Context(correlation_id="corr-lease", source="registry")
        with UnitOfWork(sessionmaker(engine, expire_on_commit=False), context) as uow:
            emitted = [uow.emit("person_created", PERSON, regions=["KZ-61"]).id
                       for _ in range(25)]
            uow.commit()
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
