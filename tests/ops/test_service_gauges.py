"""The generic operations metrics of any service, on the real broker: dead-letter queue
size and database pool use refreshed in the background, the outbox gauges kept current
while the broker is away, and the event queues as quorum queues when configured."""
import subprocess

import eventlet
import pytest
from prometheus_client import REGISTRY

from kelisim.events.relay import RelayLoop
from kelisim.gauges import BackgroundGauges
from tests.integration.events.probe import PROBE_QUEUE, Probe
from tests.support import wait_for

# the fixtures of tests/fixtures/event_bus.py; these two as tests/integration/events/ has them
pytestmark = pytest.mark.usefixtures("fresh_deliveries", "quick_consumer_shutdown")


class GaugedProbe(Probe):
    gauges = BackgroundGauges()


def gauge(name, service="probe"):
    return REGISTRY.get_sample_value(name, {"service": service})


def test_dead_letters_and_pool_use_are_exported(start, dbs, emit, broker):
    start(GaugedProbe, dbs["probe"], GAUGE_INTERVAL=0.1)
    wait_for(lambda: gauge("kelisim_dead_letter_messages") == 0)

    emit("always-fail")

    wait_for(lambda: gauge("kelisim_dead_letter_messages") == 1)
    assert gauge("kelisim_db_pool_max_connections") >= 15  # SQLite: QueuePool 5 + 10
    assert 0 <= gauge("kelisim_db_pool_checked_out_connections") <= gauge(
        "kelisim_db_pool_open_connections")
    broker.drain("kelisim.dead-letter.probe")
    wait_for(lambda: gauge("kelisim_dead_letter_messages") == 0)


def test_quorum_queues_when_configured(start, dbs, emit, amqp_uri):
    start(GaugedProbe, dbs["probe"], QUEUE_TYPE="quorum", GAUGE_INTERVAL=0.1)
    handled = REGISTRY.get_sample_value("kelisim_events_consumed_total", {
        "service": "probe", "event_type": "person_created", "outcome": "handled"}) or 0

    emit("fail-1")  # through a retry queue, then handled
    emit("always-fail")  # into the dead-letter queue

    wait_for(lambda: (REGISTRY.get_sample_value("kelisim_events_consumed_total", {
        "service": "probe", "event_type": "person_created", "outcome": "handled"}) or 0)
        == handled + 1)
    wait_for(lambda: gauge("kelisim_dead_letter_messages") == 1)
    vhost = amqp_uri.rsplit("/", 1)[1]
    listed = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "type"],
                            check=True, capture_output=True, text=True).stdout
    types = dict(line.split()[:2] for line in listed.splitlines()[1:] if line.strip())
    assert types[PROBE_QUEUE] == "quorum"
    assert types["kelisim.dead-letter.probe"] == "quorum"
    assert types["kelisim.retry.50ms"] == "quorum"


class BrokerDownRelay:
    batch_size = 10

    def __init__(self):
        self.gauge_updates = 0

    def publish_pending(self):
        raise ConnectionError("broker unreachable")

    def update_gauges(self):
        self.gauge_updates += 1


def test_outbox_gauges_are_refreshed_while_the_broker_is_down(monkeypatch):
    monkeypatch.setattr(eventlet, "sleep", lambda seconds=0: eventlet.greenthread.sleep(0))
    relay = BrokerDownRelay()
    loop = RelayLoop(relay, interval=0.01)
    running = eventlet.spawn(loop.run)
    wait_for(lambda: relay.gauge_updates >= 3)
    loop.stop()
    running.wait()
