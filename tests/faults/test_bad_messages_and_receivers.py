"""A poison message among good ones, and a webhook receiver that is down for a while: the
registry and notifications services on a vhost of their own (in this process)."""
import time
from types import SimpleNamespace

import eventlet
import pytest
from kombu import Connection
from kombu.entity import PERSISTENT_DELIVERY_MODE

from kelisim.events import dead_letters, topology
from kelisim.events.topology import event_exchange
from services.notifications.entrypoints.service import NotificationsService
from tests.faults.checks import assert_settled, query, wait_until
from tests.integration.notifications.receivers import WebhookReceiver
from tests.integration.notifications.samples import TURKISTAN, task_assigned
from tests.support import free_port

pytestmark = [pytest.mark.broker, pytest.mark.faults]
# webhook retries from 0.2 s growing to 1 s, given up only after a minute
PATIENT = {"webhook_retry": {"first_delay": 0.2, "factor": 2, "max_delay": 1.0, "window": 60},
           "dispatch_interval": 0.2, "webhook_timeout": 2.0, "smtp": None,
           "webhook_destinations": {"networks": ["127.0.0.1/32"]}}  # its receiver: loopback


@pytest.fixture
def notifications(start, registry, notifications_db):
    return start(NotificationsService, notifications_db, NOTIFICATIONS=PATIENT)


@pytest.fixture
def deployed(amqp_uri, registry_db, notifications_db, notifications):
    return SimpleNamespace(amqp_uri=amqp_uri, urls={"registry": registry_db,
                                                    "notifications": notifications_db})


def kgu_of(rpc, region="KZ-61"):
    with rpc("registry") as registry:
        return registry.kgu_of_region(region)["org_unit"]


def send_raw(amqp_uri, body, **properties):
    """Publish ``body`` to projects.events as task_assigned, bypassing every check."""
    exchange = event_exchange("projects")
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(body, exchange=exchange, declare=[exchange],
                                routing_key="task_assigned",
                                delivery_mode=PERSISTENT_DELIVERY_MODE, **properties)


def test_poison_messages_among_good_ones_are_dead_lettered_and_the_rest_delivered(
        deployed, publish, rpc, amqp_uri):
    kgu = kgu_of(rpc)
    good = []

    def assign(n):
        good.append(publish("task_assigned", task_assigned(
            {"kind": "org_unit", "id": kgu["id"]}, task_id=n), ["KZ-61"]).to_message())

    poison = [
        ("undecodable", lambda: send_raw(amqp_uri, b'{"id": "broken', content_type=
                                         "application/json", content_encoding="utf-8")),
        ("not an envelope", lambda: send_raw(amqp_uri, ["task_assigned", 1],
                                             serializer="json")),
        ("payload breaks its schema", lambda: send_raw(amqp_uri, dict(
            good[0], id="6f1c7c1e-0000-4000-8000-000000000001",
            data={"task_title": "без task_id"}), serializer="json")),
        ("newer version", lambda: send_raw(amqp_uri, dict(
            good[0], id="6f1c7c1e-0000-4000-8000-000000000002", version=99),
            serializer="json")),
    ]
    for n in range(1, 25):
        assign(n)
        if n % 5 == 0:
            poison[n // 5 - 1][1]()

    assert_settled(deployed, good, timeout=60, dead={"notifications": len(poison)})
    letters = dead_letters.peek(amqp_uri, "notifications")
    assert len(letters) == len(poison)
    assert {h[topology.QUEUE_HEADER] for h, _ in letters} == {
        "evt-projects-task_assigned--notifications.on_task_assigned"}
    assert all("malformed" in h[topology.ERROR_HEADER] or "undecodable" in
               h[topology.ERROR_HEADER] for h, _ in letters)


def test_a_webhook_receiver_down_for_a_while_gets_everything_once_when_back(
        deployed, publish, rpc):
    kgu = kgu_of(rpc)
    port = free_port()  # nobody listens on it for now; below the ephemeral range, so no
    # client connection (the webhook's own attempts among them) takes it meanwhile
    url = f"http://127.0.0.1:{port}/hooks/kelisim"
    with rpc("notifications", TURKISTAN) as service:
        hook = service.register_webhook({"url": url, "event_types": ["task_assigned"]})

    events = [publish("task_assigned", task_assigned({"kind": "org_unit", "id": kgu["id"]},
                                                     task_id=n), ["KZ-61"]).to_message()
              for n in range(1, 21)]

    def attempts():
        return query(deployed.urls["notifications"],
                     "SELECT count(*) FROM delivery_attempts a JOIN deliveries d "
                     "ON d.id = a.delivery_id WHERE d.channel = 'webhook'")[0][0]

    wait_until(lambda: attempts() >= 2 * len(events), 30, "failed attempts while it is down")
    time.sleep(2)  # down for a while longer
    receiver = _receiver_on(port)
    try:
        wait_until(lambda: query(deployed.urls["notifications"],
                                 "SELECT count(*) FROM deliveries WHERE channel = 'webhook' "
                                 "AND status = 'delivered'")[0][0] == len(events), 60,
                   "every webhook delivery to succeed")
        got = {}
        for call in receiver.calls:
            got.setdefault(call.json["event"]["id"], set()).add(call.headers["X-Kelisim-Delivery"])
        assert set(got) == {e["id"] for e in events}
        assert all(len(deliveries) == 1 for deliveries in got.values())
        assert len(receiver.calls) == len(events)  # none sent twice once it answered
    finally:
        receiver.close()
    with rpc("notifications", TURKISTAN) as service:
        assert [h["active"] for h in service.list_webhooks({}) if h["id"] == hook["id"]] == [True]
    assert_settled(deployed, events, timeout=30)


def _receiver_on(port):
    """A WebhookReceiver listening on ``port`` (where the webhook points)."""
    receiver = WebhookReceiver.__new__(WebhookReceiver)
    receiver.calls, receiver.script, receiver.default = [], [], 200
    receiver.socket = eventlet.listen(("127.0.0.1", port))
    receiver.url = f"http://127.0.0.1:{port}/hooks/kelisim"
    receiver.thread = eventlet.spawn(eventlet.wsgi.server, receiver.socket, receiver.app,
                                     log_output=False)
    return receiver
