"""(a) The relay publishes what committed, marks it published, and never what rolled back."""
import uuid

from tests.integration.events.probe import Producer
from tests.support import OUTBOX, wait_for


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
