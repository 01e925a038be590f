"""(e) Duplicates have one effect; (f) events wait in the durable queue for a stopped
consumer; (g) the caller's correlation id travels with the event; (h) the counters move."""
import subprocess
from urllib.parse import urlparse

from prometheus_client import REGISTRY

from kelisim.events.envelope import new_envelope
from tests.integration.events.probe import DELIVERIES, PROBE_QUEUE, Probe
from tests.support import AUDIT, OUTBOX, PROCESSED, wait_for


def consumed(outcome):
    return REGISTRY.get_sample_value("kelisim_events_consumed_total", {
        "service": "probe", "event_type": "person_created", "outcome": outcome}) or 0


def published():
    return REGISTRY.get_sample_value("kelisim_events_published_total", {
        "service": "registry", "event_type": "person_created"}) or 0


def test_the_same_envelope_twice_has_one_effect(probe, broker, dbs, table_rows):
    envelope = new_envelope("person_created", {
        "id": 1, "full_name": "twice", "version": 1, "org_unit_id": 2},
        source="registry", correlation_id="corr-dup").to_message()
    handled = consumed("handled")

    broker.publish(envelope, headers={"nameko.correlation_id": "corr-dup"})
    broker.publish(envelope, headers={"nameko.correlation_id": "corr-dup"})

    wait_for(lambda: consumed("handled") == handled + 2)
    assert DELIVERIES[envelope["id"]] == ["corr-dup", "corr-dup"]
    assert len([r for r in table_rows(dbs["probe"], AUDIT)
                if r.entity_id == envelope["id"]]) == 1
    assert len(table_rows(dbs["probe"], PROCESSED)) == 1
    assert broker.count(PROBE_QUEUE) == 0


def test_events_wait_for_a_stopped_consumer(start, dbs, emit, broker, amqp_uri, table_rows):
    start(Probe, dbs["probe"]).stop()

    event_ids = [emit(f"while stopped {n}") for n in range(3)]

    wait_for(lambda: broker.count(PROBE_QUEUE) == 3)
    assert not DELIVERIES
    vhost = urlparse(amqp_uri).path.lstrip("/")
    queues = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "durable", "auto_delete"],
        check=True, capture_output=True, text=True, timeout=30).stdout
    assert f"{PROBE_QUEUE}\ttrue\tfalse" in queues

    start(Probe, dbs["probe"])

    wait_for(lambda: set(DELIVERIES) == set(event_ids))
    wait_for(lambda: len(table_rows(dbs["probe"], PROCESSED)) == 3)


def test_correlation_id_of_the_caller_reaches_envelope_and_consumer(
        probe, emit, dbs, table_rows):
    event_id = emit("correlated", correlation_id="corr-from-gateway-7")

    wait_for(lambda: DELIVERIES.get(event_id))
    [row] = [r for r in table_rows(dbs["producer"], OUTBOX) if r.event_id == event_id]
    assert row.envelope["correlation_id"] == "corr-from-gateway-7"
    assert DELIVERIES[event_id] == ["corr-from-gateway-7"]
    [audit] = wait_for(lambda: [r for r in table_rows(dbs["probe"], AUDIT)
                                if r.entity_id == event_id])
    assert audit.correlation_id == "corr-from-gateway-7"
    assert audit.after["correlation_id"] == "corr-from-gateway-7"


def test_a_caller_without_correlation_id_gets_one_that_still_travels(probe, emit, dbs,
                                                                     table_rows):
    event_id = emit("uncorrelated")

    wait_for(lambda: DELIVERIES.get(event_id))
    [row] = [r for r in table_rows(dbs["producer"], OUTBOX) if r.event_id == event_id]
    assert row.envelope["correlation_id"]
    assert DELIVERIES[event_id] == [row.envelope["correlation_id"]]


def test_published_and_consumed_counters_move(probe, emit):
    before_published, before_handled = published(), consumed("handled")

    event_ids = [emit("counted 1"), emit("counted 2")]

    wait_for(lambda: all(DELIVERIES.get(event_id) for event_id in event_ids))
    wait_for(lambda: consumed("handled") == before_handled + 2)
    wait_for(lambda: published() == before_published + 2)  # counted after the confirm
