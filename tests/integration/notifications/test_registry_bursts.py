"""Registry events (and the events register) taken in batches (3a61125): a burst is one
intake transaction, one directory refresh and one confirmed stream publish per batch, not
per event; and what could break it: one failing or malformed event in a burst, duplicates inside and across
batches, a rename in a burst and the directory cache (one replica and the two replicas
deployed), and the service stopped or killed while a batch is held in its transaction."""
import collections

import eventlet
import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Queue
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY

from kelisim.db.engine import make_engine
from kelisim.events import dead_letters, topology
from kelisim.events.envelope import new_envelope
from services.notifications.entrypoints.service import NotificationsService
from tests.integration.notifications.samples import FAST, task_assigned
from tests.support import wait_for

QUEUE = "evt-registry-person_created--notifications.on_person_created"
HANDLER = "on_person_created"
QUIET = dict(FAST, smtp=None)
STARTED = []     # (the stop had begun, events) of each on_person_created worker, as it starts
STOPPING = []    # not empty once the test has begun stopping the service
RESULTS = []     # (events handed in, result, exc_info) of each on_person_created worker


class Workers(DependencyProvider):
    """Records what each registry worker is given and answers (read by the tests only)."""

    def worker_setup(self, worker_ctx):
        if worker_ctx.entrypoint.method_name == HANDLER:
            STARTED.append((bool(STOPPING), _size(worker_ctx.args[0])))

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        if worker_ctx.entrypoint.method_name == HANDLER:
            RESULTS.append((_size(worker_ctx.args[0]), result, exc_info))


def _size(received):
    return len(received) if isinstance(received, list) else 1  # an Envelope before batches


class WatchedNotifications(NotificationsService):
    workers = Workers()


@pytest.fixture(autouse=True)
def fresh_records():
    for record in (STARTED, STOPPING, RESULTS):
        record.clear()
    yield
    for record in (STARTED, STOPPING, RESULTS):
        record.clear()


def person(n, regions=("KZ-61",), **envelope):
    return new_envelope("person_created", {"id": 1000 + n, "full_name": f"Адам {n:03}",
                                           "version": 1, "org_unit_id": 2},
                        source="registry", correlation_id=f"corr-import-{n}",
                        regions=regions, **envelope)


def publish_all(amqp_uri, bodies, routing_key="person_created", source="registry"):
    """Publish ``bodies`` (dicts, or raw bytes sent as JSON) in order on one connection."""
    exchange = topology.event_exchange(source)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer(serializer="json")
        for body in bodies:
            options = ({"content_type": "application/json", "content_encoding": "utf-8"}
                       if isinstance(body, bytes) else {})
            producer.publish(body, exchange=exchange, declare=[exchange], routing_key=routing_key,
                             delivery_mode=PERSISTENT_DELIVERY_MODE, **options)


class Stream:
    """A queue on the whole regional stream; ``ids()``: the event ids streamed so far."""

    def __init__(self, amqp_uri):
        self.conn = Connection(amqp_uri)
        self.queue = Queue("test.stream.adversarial", exchange=Exchange(
            "kelisim.regional", type="topic", durable=True), routing_key="#",
            auto_delete=True)(self.conn.channel())
        self.queue.declare()
        self.taken = []

    def ids(self):
        while (message := self.queue.get(no_ack=True, accept=["json"])) is not None:
            self.taken.append(message.payload["id"])
        return self.taken


@pytest.fixture
def stream(amqp_uri):
    stream = Stream(amqp_uri)
    yield stream
    stream.conn.release()


def calls(entrypoint):
    """Calls of a notifications event handler that returned."""
    return REGISTRY.get_sample_value("kelisim_entrypoint_calls_total", {
        "service": "notifications", "entrypoint": entrypoint, "kind": "event",
        "outcome": "ok"}) or 0


def consumed(outcome):
    return REGISTRY.get_sample_value("kelisim_events_consumed_total", {
        "service": "notifications", "event_type": "person_created", "outcome": outcome}) or 0


def received(rows, db):
    return collections.Counter(r["event_id"] for r in rows(db, "received_events"))


def burst(start, broker, db, bodies, cls=NotificationsService):
    """Publish ``bodies`` while notifications is stopped, then start it."""
    start(cls, db, NOTIFICATIONS=QUIET).stop()  # its queues
    publish_all(broker.amqp_uri, bodies)
    wait_for(lambda: broker.count(QUEUE) == len(bodies), timeout=30)
    return start(cls, db, NOTIFICATIONS=QUIET)


@pytest.fixture
def broker(broker, amqp_uri):
    broker.amqp_uri = amqp_uri
    return broker


def test_a_burst_of_registry_events_is_taken_in_batches(start, broker, notifications_db,
                                                        rows, stream):
    events = [person(n) for n in range(200)]
    before = calls(HANDLER)

    burst(start, broker, notifications_db, [e.to_message() for e in events])

    wait_for(lambda: len(rows(notifications_db, "received_events")) == 200
             and broker.count(QUEUE) == 0)
    wait_for(lambda: len(stream.ids()) >= 200)
    handled = calls(HANDLER) - before
    assert 1 <= handled < 20, f"200 events handled in {handled} calls"
    assert stream.ids() == [e.id for e in events]


@pytest.mark.parametrize("failing", ["before_commit", "after_commit"])
def test_a_failing_registry_event_is_retried_and_dead_lettered_alone(
        start, broker, notifications_db, rows, amqp_uri, stream, failing):
    """One event of a burst fails (its time overflows UTC: the intake's transaction fails;
    or its region is too long for a routing key: the stream publish fails after the
    batch committed). Only it is retried (EVENT_RETRY_DELAYS: twice) and dead-lettered;
    every other event is taken in once and streamed, none lost."""
    events = [person(n) for n in range(60)]
    events[20] = (person(20, occurred_at="9999-12-31T23:00:00-05:00")
                  if failing == "before_commit" else person(20, regions=["K" * 300]))
    bad, good = events[20], [e.id for e in events if e is not events[20]]
    retried = consumed("retried")

    burst(start, broker, notifications_db, [e.to_message() for e in events])

    wait_for(lambda: dead_letters.count(amqp_uri, "notifications") == 1, timeout=20)
    wait_for(lambda: broker.count(QUEUE) == 0 and set(stream.ids()) >= set(good), timeout=20)
    [(headers, body)] = dead_letters.peek(amqp_uri, "notifications")
    assert body["id"] == bad.id
    assert ("OverflowError" if failing == "before_commit" else "DeliveryFailed") in (
        headers[topology.ERROR_HEADER])
    assert consumed("retried") - retried == 2  # the bad one's two retries, no other's
    taken = received(rows, notifications_db)
    assert all(taken[i] == 1 for i in good) and len(taken) == (
        59 if failing == "before_commit" else 60)  # after the commit: it was taken in
    eventlet.sleep(0.3)  # anything streamed late
    streamed = collections.Counter(stream.ids())
    assert bad.id not in streamed
    assert set(streamed) == set(good)
    if failing == "before_commit":  # nothing of the failed batch went out: once each
        assert set(streamed.values()) == {1}


def test_duplicates_and_malformed_messages_in_a_burst(start, broker, notifications_db, rows,
                                                      amqp_uri, stream):
    """A burst with two events repeated inside it, a body that is no envelope and one that
    is not even JSON: the two bad bodies are dead-lettered at once, each event is taken in
    once, the handler answers one summary per event it was handed (a repeat:
    {"duplicate": True}, else {"stream": 1}) and never fails; the same events published
    again later, in batches of their own, are duplicates that make nothing."""
    events = [person(n) for n in range(50)]
    bodies = []
    for n, event in enumerate(events):
        bodies.append(event.to_message())
        if n in (10, 30):
            bodies.append(event.to_message())
        if n == 20:
            bodies.append({"not": "an envelope"})
        if n == 25:
            bodies.append(b"{not json")

    burst(start, broker, notifications_db, bodies, cls=WatchedNotifications)

    wait_for(lambda: broker.count(QUEUE) == 0
             and dead_letters.count(amqp_uri, "notifications") == 2, timeout=20)
    wait_for(lambda: sum(size for size, _, _ in RESULTS) == 52)
    assert all(exc_info is None for _, _, exc_info in RESULTS)
    assert all(len(result) == size for size, result, _ in RESULTS)
    summaries = [summary for _, result, _ in RESULTS for summary in result]
    assert summaries.count({"duplicate": True}) == 2
    assert summaries.count({"stream": 1}) == 50
    assert received(rows, notifications_db) == collections.Counter(e.id for e in events)
    wait_for(lambda: set(stream.ids()) == {e.id for e in events})

    RESULTS.clear()
    publish_all(amqp_uri, [events[0].to_message(), events[49].to_message()])
    wait_for(lambda: sum(size for size, _, _ in RESULTS) == 2 and broker.count(QUEUE) == 0)
    assert [summary for _, result, _ in RESULTS for summary in result] == [
        {"duplicate": True}] * 2
    assert len(rows(notifications_db, "received_events")) == 50


def test_the_events_register_is_taken_in_batches_streamed_once_in_order(
        start, broker, notifications_db, amqp_uri, stream):
    """The reports' events register (event_recorded) goes through the batched
    ``_stream_only`` too: a burst of 80, every one on the stream once, in order."""
    queue = "evt-reports-event_recorded--notifications.on_event_recorded"
    events = [new_envelope("event_recorded", {
        "event_id": n, "region_code": "KZ-61", "org_unit_id": 16, "org_unit_kind": "kgu",
        "kind": "meeting", "title_kk": f"Отырыс {n}", "title_ru": None,
        "starts_at": "2026-05-01T05:00:00+00:00", "local_date": "2026-05-01",
        "participants": 40, "structure_ids": [3], "structure_types": ["council_of_mothers"],
        "status": "recorded"}, source="reports", correlation_id=f"corr-event-{n}",
        regions=["KZ-61"]) for n in range(80)]
    start(NotificationsService, notifications_db, NOTIFICATIONS=QUIET).stop()
    publish_all(amqp_uri, [e.to_message() for e in events], routing_key="event_recorded",
                source="reports")
    wait_for(lambda: broker.count(queue) == 80)
    before = calls("on_event_recorded")

    start(NotificationsService, notifications_db, NOTIFICATIONS=QUIET)

    wait_for(lambda: len(stream.ids()) >= 80 and broker.count(queue) == 0)
    eventlet.sleep(0.3)
    assert stream.ids() == [e.id for e in events]
    handled = calls("on_event_recorded") - before
    assert 1 <= handled < 80


def _assign(publish, someone, task_id):
    return publish("task_assigned", task_assigned(
        {"kind": "person", "id": someone["id"], "region_code": "KZ-61"}, task_id=task_id),
        ["KZ-61"])


def _assignee_names(rows, db, events):
    """The assignee's Russian name recorded with each of ``events``, once all are in."""
    wait_for(lambda: all(rows(db, "received_events", event_id=e.id) for e in events))
    return [rows(db, "received_events", event_id=e.id)[0]["names"]["assignee"]["ru"]
            for e in events]


def test_renames_in_a_burst_reach_the_next_assignments(start, registry, notifications_db,
                                                       people, rpc, publish, rows):
    """Thirty people assigned (their names cached), then renamed at once (a burst of
    person_updated, taken in batches): once those are taken in, every next assignment
    names its person by the new name, none by a cached old one."""
    start(NotificationsService, notifications_db, NOTIFICATIONS=QUIET)
    staff, _ = people("KZ-61", *[f"Old{n:02}" for n in range(30)])
    assert _assignee_names(rows, notifications_db, [
        _assign(publish, p, n) for n, p in enumerate(staff)]) == [p["full_name"] for p in staff]

    def rename(someone):
        with rpc("registry") as registry_service:
            registry_service.update_person(someone["id"], {
                "full_name": "New" + someone["full_name"], "version": someone["version"]})

    list(eventlet.GreenPool(10).imap(rename, staff))
    wait_for(lambda: len(rows(notifications_db, "received_events", type="person_updated")) == 30)

    assert _assignee_names(rows, notifications_db, [
        _assign(publish, p, 100 + n) for n, p in enumerate(staff)]) == [
        "New" + p["full_name"] for p in staff]


def test_a_rename_reaches_the_next_assignments_on_both_replicas(start, registry,
                                                                notifications_db, people,
                                                                rpc, publish, rows):
    """FAULT (older than 3a61125): notifications runs as two replicas (deploy/kubernetes:
    competing consumers of its event queues). A person_updated reaches one replica, so
    only that one's directory cache is refreshed; the other names the person by the old
    name for up to KELISIM_DIRECTORY_TTL (300 s) after the rename was taken in."""
    for _ in range(2):
        start(NotificationsService, notifications_db, NOTIFICATIONS=QUIET)
    [aliya], _ = people("KZ-61", "Aliya")
    assert set(_assignee_names(rows, notifications_db, [
        _assign(publish, aliya, n) for n in range(6)])) == {"Aliya"}  # both replicas' caches

    with rpc("registry") as registry_service:
        registry_service.update_person(aliya["id"], {"full_name": "Aliya Renamed",
                                                     "version": aliya["version"]})
    wait_for(lambda: rows(notifications_db, "received_events", type="person_updated"))

    named = _assignee_names(rows, notifications_db, [
        _assign(publish, aliya, 100 + n) for n in range(6)])
    assert named == ["Aliya Renamed"] * 6, f"assignments after the rename named {named}"


@pytest.fixture
def pg_notifications(postgres_url, migrated):
    return migrated("notifications", postgres_url)


@pytest.fixture
def hold_intake(pg_notifications):
    """``hold_intake()`` locks processed_events (the intake's first read) until
    ``release()``: a batch in flight waits there, inside its transaction."""
    engine = make_engine(pg_notifications)
    held = []

    class Hold:
        def __call__(self):
            conn = engine.connect()
            conn.execute(sa.text("LOCK TABLE processed_events IN ACCESS EXCLUSIVE MODE"))
            held.append(conn)

        def release(self):
            while held:
                conn = held.pop()
                conn.rollback()
                conn.close()

    hold = Hold()
    yield hold
    hold.release()
    engine.dispose()


def _held_burst(start, broker, db, hold, count):
    """``count`` events queued, notifications started with its first batch held in the
    intake and the rest delivered to it; the running container."""
    events = [person(n) for n in range(count)]
    start(WatchedNotifications, db, NOTIFICATIONS=QUIET).stop()
    publish_all(broker.amqp_uri, [e.to_message() for e in events])
    wait_for(lambda: broker.count(QUEUE) == count, timeout=30)
    hold()
    service = start(WatchedNotifications, db, NOTIFICATIONS=QUIET)
    wait_for(lambda: STARTED)
    seen = []  # the queue's ready count, until as many are delivered as will be (prefetch)

    def settled():
        seen.append(broker.count(QUEUE))
        eventlet.sleep(0.3)
        return len(seen) > 3 and seen[-1] == seen[-4] < count

    wait_for(settled)
    return events, service


def _all_taken_in_after_a_restart(start, broker, db, rows, stream, events):
    start(NotificationsService, db, NOTIFICATIONS=QUIET)
    wait_for(lambda: broker.count(QUEUE) == 0
             and len(rows(db, "received_events")) == len(events), timeout=30)
    assert received(rows, db) == collections.Counter(e.id for e in events)
    wait_for(lambda: set(stream.ids()) == {e.id for e in events}, timeout=20)


def test_a_graceful_stop_leaves_the_registry_events_not_started_on_the_broker(
        start, broker, pg_notifications, rows, amqp_uri, stream, hold_intake):
    """FAULT (made much larger by 3a61125): SIGTERM's contract
    (tests/ops/test_graceful_shutdown.py): the handler in flight finishes and acks, the
    events not started stay on the broker. A batching handler instead hands every delivery
    it holds (its prefetch, 2 x BATCH = 500) to new batches after the stop began: here 350
    more after a batch of 250. Before 3a61125 the same stop took on 11 more registry events
    (max_workers + 1 waiting for a worker); now up to 500 per queue, on 11 more queues."""
    events, service = _held_burst(start, broker, pg_notifications, hold_intake, 600)
    in_flight = sum(size for _, size in STARTED)

    STOPPING.append(True)
    stopping = eventlet.spawn(service.stop)
    eventlet.sleep(0.5)
    hold_intake.release()
    with eventlet.Timeout(30):
        stopping.wait()

    after = [size for began, size in STARTED if began]
    assert not after, f"{sum(after)} events not started when the stop began were handled " \
                      f"after it, in batches {after}; {in_flight} were in flight"
    assert len(rows(pg_notifications, "received_events")) == in_flight
    assert broker.count(QUEUE) == 600 - in_flight
    _all_taken_in_after_a_restart(start, broker, pg_notifications, rows, stream, events)


def test_a_kill_while_a_registry_batch_is_in_flight_loses_nothing(
        start, broker, pg_notifications, rows, amqp_uri, stream, hold_intake):
    """Killed with a batch held in its transaction and 500 deliveries held: nothing was
    committed or acked, every event goes back to the queue, and a new container takes
    each in once and streams it."""
    events, service = _held_burst(start, broker, pg_notifications, hold_intake, 600)

    service.kill()
    hold_intake.release()

    wait_for(lambda: broker.count(QUEUE) == 600)
    assert rows(pg_notifications, "received_events") == []
    _all_taken_in_after_a_restart(start, broker, pg_notifications, rows, stream, events)
