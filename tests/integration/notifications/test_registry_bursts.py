"""A burst of registry events (people imported, units renamed) is taken in batches: one
intake transaction, one directory refresh and one confirmed stream publish per batch, not
per event; every event reaches the regional stream once, in order."""
from kombu import Connection, Exchange, Queue
from prometheus_client import REGISTRY

from kelisim.events.envelope import new_envelope
from services.notifications.entrypoints.service import NotificationsService
from tests.integration.notifications.samples import FAST
from tests.support import wait_for

QUEUE = "evt-registry-person_created--notifications.on_person_created"
HANDLER = "on_person_created"


def calls():
    return REGISTRY.get_sample_value("kelisim_entrypoint_calls_total", {
        "service": "notifications", "entrypoint": HANDLER, "kind": "event",
        "outcome": "ok"}) or 0


def person(n):
    return new_envelope("person_created", {"id": 1000 + n, "full_name": f"Адам {n:03}",
                                           "version": 1, "org_unit_id": 2},
                        source="registry", correlation_id=f"corr-import-{n}",
                        regions=["KZ-61"]).to_message()


def test_a_burst_of_registry_events_is_taken_in_batches(start, broker, notifications_db,
                                                        rows, amqp_uri):
    start(NotificationsService, notifications_db, NOTIFICATIONS=FAST).stop()  # its queues
    with Connection(amqp_uri) as conn:
        stream = Queue("test.stream.import", exchange=Exchange(
            "kelisim.regional", type="topic", durable=True), routing_key="KZ-61.registry.#",
            auto_delete=True)(conn.channel())
        stream.declare()
        events = [person(n) for n in range(200)]
        for event in events:
            broker.publish(event)
        wait_for(lambda: broker.count(QUEUE) == 200)
        before = calls()

        start(NotificationsService, notifications_db, NOTIFICATIONS=FAST)

        wait_for(lambda: len(rows(notifications_db, "received_events")) == 200
                 and broker.count(QUEUE) == 0)
        taken = []
        streamed = wait_for(lambda: _drain(stream, 200, taken))
    handled = calls() - before
    assert 1 <= handled < 20, f"200 events handled in {handled} calls"
    assert [m.payload["id"] for m in streamed] == [e["id"] for e in events]


def _drain(queue, count, taken):
    """The messages taken so far (``taken``, kept across wait_for's polls), once ``count``."""
    while (message := queue.get(no_ack=True, accept=["json"])) is not None:
        taken.append(message)
    return taken if len(taken) >= count else None
