"""The outbox relay over a recording publisher: publish, mark, release on failure, lease."""
from contextlib import contextmanager
from datetime import timedelta

import eventlet
import orjson
import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from kelisim import serialization
from kelisim.context import Context
from kelisim.db.tables import platform_tables
from kelisim.db.types import utcnow
from kelisim.db.uow import UnitOfWork
from kelisim.events import relay as relay_module
from kelisim.events.relay import OutboxRelay, RelayLoop

OUTBOX = platform_tables(sa.MetaData())[0]
PERSON = {"id": 1, "full_name": "Адам", "org_unit_id": 2, "region_code": "KZ-61", "version": 1}


class RecordingPublisher:
    """ConfirmedBatchPublisher's interface: a batch is sent when its block ends, or fails.
    ``sent``: ``[(envelope read back from the body, kwargs)]``, ``bodies`` the bytes."""

    def __init__(self, fail=False):
        self.sent = []
        self.bodies = []
        self.fail = fail

    @contextmanager
    def raw_batch(self):
        pending = []
        yield lambda body, **kwargs: pending.append((body, kwargs))
        if self.fail:
            raise ConnectionError("broker unreachable")
        self.bodies.extend(body for body, _ in pending)
        self.sent.extend((orjson.loads(body), kwargs) for body, kwargs in pending)


def emit(sessions, n=1, correlation_id="corr-r"):
    context = Context(correlation_id=correlation_id, source="registry")
    with UnitOfWork(sessions, context) as uow:
        built = [uow.emit("person_created", PERSON, regions=["KZ-61"]) for _ in range(n)]
        uow.commit()
    return built


def outbox(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(OUTBOX).order_by(OUTBOX.c.id)).all()


def published_total():
    return REGISTRY.get_sample_value("kelisim_events_published_total",
                                     {"service": "relay-unit", "event_type": "person_created"}) or 0


def test_publishes_each_pending_event_persistently_and_marks_it(engine, sessions):
    [first, second] = emit(sessions, 2)
    publisher = RecordingPublisher()
    before = published_total()

    assert OutboxRelay(engine, publisher, "relay-unit").publish_pending() == 2

    assert [payload["id"] for payload, _ in publisher.sent] == [first.id, second.id]
    payload, kwargs = publisher.sent[0]
    assert payload == first.to_message()
    # the body is what kombu's json serializer writes of the envelope, byte for byte
    assert publisher.bodies[0] == serialization.dumps(first.to_message())
    assert kwargs["exchange"].name == "registry.events" and kwargs["exchange"].type == "topic"
    assert kwargs["routing_key"] == "person_created"
    assert kwargs["headers"] == {"nameko.correlation_id": "corr-r"}
    assert kwargs["message_id"] == first.id
    assert all(row.published_at is not None and row.attempts == 1 for row in outbox(engine))
    assert published_total() == before + 2


def test_published_events_are_not_sent_again(engine, sessions):
    emit(sessions)
    publisher = RecordingPublisher()
    relay = OutboxRelay(engine, publisher, "relay-unit")

    relay.publish_pending()

    assert relay.publish_pending() == 0
    assert len(publisher.sent) == 1


def test_failed_batch_releases_its_rows_with_the_error_and_retries_later(engine, sessions):
    emit(sessions, 3)
    relay = OutboxRelay(engine, RecordingPublisher(fail=True), "relay-unit")

    with pytest.raises(ConnectionError):
        relay.publish_pending()

    for row in outbox(engine):
        assert row.published_at is None and row.claimed_until is None
        assert "broker unreachable" in row.last_error
    assert relay.backlog()[0] == 3

    relay.publisher = RecordingPublisher()
    assert relay.publish_pending() == 3
    rows = outbox(engine)
    assert all(row.published_at is not None and row.last_error is None for row in rows)
    assert [row.attempts for row in rows] == [2, 2, 2]


def test_leased_rows_are_left_to_their_relay_until_the_lease_expires(engine, sessions):
    emit(sessions)
    with engine.begin() as conn:
        conn.execute(OUTBOX.update().values(claimed_until=utcnow() + timedelta(seconds=30)))
    relay = OutboxRelay(engine, RecordingPublisher(), "relay-unit")

    assert relay.publish_pending() == 0

    with engine.begin() as conn:
        conn.execute(OUTBOX.update().values(claimed_until=utcnow() - timedelta(seconds=1)))
    assert relay.publish_pending() == 1


def test_batches_are_bounded(engine, sessions):
    emit(sessions, 5)
    relay = OutboxRelay(engine, RecordingPublisher(), "relay-unit", batch_size=2)

    assert [relay.publish_pending() for _ in range(4)] == [2, 2, 1, 0]


def test_backlog_and_gauges(engine, sessions):
    relay = OutboxRelay(engine, RecordingPublisher(), "relay-gauges")
    assert relay.backlog() == (0, 0.0)

    emit(sessions, 2)
    with engine.begin() as conn:
        conn.execute(OUTBOX.update().values(created_at=utcnow() - timedelta(seconds=60)))
    relay.update_gauges()

    labels = {"service": "relay-gauges"}
    assert REGISTRY.get_sample_value("kelisim_outbox_pending_events", labels) == 2
    assert 59 <= REGISTRY.get_sample_value("kelisim_outbox_oldest_pending_age_seconds",
                                           labels) < 120
    relay.publish_pending()
    relay.update_gauges()
    assert REGISTRY.get_sample_value("kelisim_outbox_pending_events", labels) == 0
    assert REGISTRY.get_sample_value("kelisim_outbox_oldest_pending_age_seconds", labels) == 0


def test_loop_publishes_when_woken_and_stops(engine, sessions):
    publisher = RecordingPublisher()
    loop = RelayLoop(OutboxRelay(engine, publisher, "relay-unit"), interval=30)
    thread = eventlet.spawn(loop.run)
    try:
        eventlet.sleep(0.05)
        emit(sessions)
        loop.wake()
        with eventlet.Timeout(5):
            while not publisher.sent:
                eventlet.sleep(0.01)
    finally:
        loop.stop()
        with eventlet.Timeout(5):
            thread.wait()
    assert len(publisher.sent) == 1


class _CountingRelay:
    """A relay that publishes the counts it is given, one per round, and counts its
    gauge readings."""

    batch_size = 1000

    def __init__(self, counts):
        self.counts, self.gauges = list(counts), 0

    def publish_pending(self):
        return self.counts.pop(0)

    def update_gauges(self):
        self.gauges += 1


def test_a_round_soon_after_a_small_batch_lingers_and_a_backlog_does_not(monkeypatch):
    pauses = []
    monkeypatch.setattr(relay_module.eventlet, "sleep", pauses.append)
    relay = _CountingRelay([1, 2, 1000, 1000, 3, 0])
    loop = RelayLoop(relay)
    waits = [loop._publish() for _ in range(3)]
    assert pauses == [relay_module.LINGER, relay_module.LINGER]  # after the 1 and the 2
    assert waits == [loop.interval, loop.interval, 0]
    loop._publish()  # after a full batch: at once
    loop._publish()
    assert pauses == [relay_module.LINGER] * 2
    loop._published_at -= relay_module.BUSY  # a quiet spell: a lone commit goes at once
    loop._publish()
    assert pauses == [relay_module.LINGER] * 2
    assert relay.gauges == 2  # the first round that published, then the round that found none
