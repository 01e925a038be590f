"""A worker finishing just as RabbitMQ drops the connection: its ack (or requeue) fails
with the socket's error. The broker redelivers such a message by itself, so the consumer
must not raise: nameko would kill the whole service for it (seen when the broker was
restarted under notifications, before tests/faults cut it off through a proxy instead).

And connections cut while RabbitMQ runs on (``close_connection``, a network fault): every
component reconnects by itself and nothing committed stays behind."""
import time
from pathlib import Path

import pytest
import requests
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from kelisim.consumer import SettlingQueueConsumer
from kelisim.events import topology
from tests.faults.checks import assert_settled, outbox_events, received_ids, wait_until
from tests.faults.harness import cut_off
from tests.support import close_vhost_connections


class LiveChannel:
    connection = object()  # nameko only tries to settle on a live channel


class DroppedMessage:
    channel = LiveChannel()
    delivery_tag = 7

    def __init__(self, error):
        self.error = error

    def ack(self):
        raise self.error

    def requeue(self):
        raise self.error


@pytest.mark.parametrize("error", [ConnectionResetError(104, "Connection reset by peer"),
                                   BrokenPipeError(32, "Broken pipe")])
def test_an_ack_or_requeue_on_a_dropped_connection_is_left_to_the_broker(error):
    consumer = SettlingQueueConsumer()
    for settle in (consumer.ack_message, consumer.requeue_message):
        consumer._unsettled.add((DroppedMessage.channel, DroppedMessage.delivery_tag))
        settle(DroppedMessage(error))  # does not raise
        assert not consumer._unsettled  # nor holds up a graceful stop


def scrape(port, name, **labels):
    """The value of metric ``name`` with ``labels`` on the exporter at ``port`` (None if absent)."""
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def dead_letter(amqp_uri, service, count):
    """``count`` messages put into ``service``'s dead-letter queue by the test itself."""
    with Connection(amqp_uri) as conn:
        queue = topology.dead_letter_queue(service)(conn.channel())
        queue.declare()
        producer = conn.Producer(serializer="json")
        for n in range(count):
            producer.publish({"test": n}, exchange="", routing_key=queue.name)


@pytest.mark.broker
@pytest.mark.faults
def test_connections_cut_twice_in_the_middle_of_a_rollout_to_all_20_regions(tcp_proxy,
                                                                            start_platform,
                                                                            amqp_uri):
    """The platform reaches RabbitMQ through a TCP proxy of the test's own. In the middle of
    a 20-region rollout every connection of the test's vhost is closed by the broker
    (``close_all_connections``), then the proxy is killed and started again; RabbitMQ runs
    throughout. Events committed after the cuts (another rollout, a new person) still go
    out: every expected inbox item exists exactly once, every outbox drains, and the
    dead-letter gauge follows the queue again.

    The first cut lands in the middle by construction, not by timing: notifications runs
    with the ``intake-held`` hook (serve_hooked.py), so after its first 50 events every
    further batch waits for a gate file; the connections are cut while it waits (its held
    batches then commit and ack on dead channels: the broker redelivers them, and they must
    still make one inbox item each), and the gate opens after the cut."""
    proxy = tcp_proxy()
    platform = start_platform(KELISIM_AMQP_URI=proxy.uri(amqp_uri), KELISIM_GAUGE_INTERVAL="0.5")
    gate = platform.folder / "intake.gate"
    platform.start("registry")
    platform.start("notifications", hook="intake-held", KELISIM_FAULT_HOLD_AFTER="50",
                   KELISIM_FAULT_GATE=str(gate))
    platform.start("projects")
    platform.wait_ready("registry", "notifications", "projects")
    exporter = int(platform.env["KELISIM_NOTIFICATIONS_METRICS_PORT"])
    wait_until(lambda: scrape(exporter, "kelisim_dead_letter_messages",
                              service="notifications") == 0, 30, "the dead-letter gauge")

    with platform.rpc("projects") as projects:
        rollout = projects.rollout("mediation", {"year": 2026, "regions": "all"})
    assert len(rollout["created"]) == 20
    # held, and the batches started before the hold committed (at most 49 + a batch)
    wait_until(lambda: Path(f"{gate}.held").exists()
               and len(received_ids(platform.urls["notifications"])) >= 50, 60,
               "notifications to hold its intake after its first 50 events")
    taken = len(received_ids(platform.urls["notifications"]))
    assert 50 <= taken < rollout["assignments"], taken
    assert close_vhost_connections(amqp_uri) >= 3  # the broker closes them, it runs on
    gate.touch()  # the held batches go on, on channels that are gone
    wait_until(lambda: len(received_ids(platform.urls["notifications"])) > taken + 50, 60,
               "notifications to take events in again")
    with cut_off(proxy):  # a network cut: every connection through the proxy at once
        time.sleep(2)  # the outage: nothing reaches the broker meanwhile

    with platform.rpc("projects") as projects:  # projects calls registry over RPC again
        second = projects.rollout("civic-identity", {"year": 2026,
                                                     "regions": ["KZ-61", "KZ-75"]})
    assert len(second["created"]) == 2
    with platform.rpc("registry") as registry:
        registry.create_person({"full_name": "Жаңа қызметкер", "org_unit_id":
                                registry.kgu_of_region("KZ-61")["org_unit"]["id"]})
    dead_letter(amqp_uri, "notifications", 2)
    wait_until(lambda: scrape(exporter, "kelisim_dead_letter_messages",
                              service="notifications") == 2, 30,
               "the dead-letter gauge to show the 2 dead letters")

    events = outbox_events(platform.urls["projects"], "task_assigned")
    assert len(events) == rollout["assignments"] + second["assignments"]
    assert_settled(platform, events, timeout=240, dead={"notifications": 2})
    projects_exporter = int(platform.env["KELISIM_PROJECTS_METRICS_PORT"])
    wait_until(lambda: scrape(projects_exporter, "kelisim_outbox_pending_events",
                              service="projects") == 0, 30, "the outbox gauge to reach 0")
    for component in ("registry", "notifications", "projects"):
        assert platform.alive(component), platform.log_tail()
