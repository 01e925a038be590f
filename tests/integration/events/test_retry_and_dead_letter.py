"""(b) A failing handler is retried through the delay queues; (c) one that never succeeds is
dead-lettered with its error, not acked and forgotten."""
from prometheus_client import REGISTRY

from tests.integration.events.probe import DELIVERIES, PROBE_QUEUE, Probe
from tests.support import AUDIT, PROCESSED, wait_for

DEAD_LETTERS = "kelisim.dead-letter.probe"


def consumed(outcome):
    return REGISTRY.get_sample_value("kelisim_events_consumed_total", {
        "service": "probe", "event_type": "person_created", "outcome": outcome}) or 0


def effects(table_rows, dbs, event_id):
    audit = [r for r in table_rows(dbs["probe"], AUDIT) if r.entity_id == event_id]
    processed = [r for r in table_rows(dbs["probe"], PROCESSED) if r.event_id == event_id]
    return audit, processed


def test_handler_failing_twice_is_retried_and_handled_once(probe, emit, broker, dbs,
                                                           table_rows):
    retried, handled = consumed("retried"), consumed("handled")

    event_id = emit("fail-2")

    wait_for(lambda: consumed("handled") == handled + 1)
    assert len(DELIVERIES[event_id]) == 3
    assert len(set(DELIVERIES[event_id])) == 1  # each retry keeps the correlation id
    audit, processed = effects(table_rows, dbs, event_id)
    assert len(audit) == 1 and audit[0].after["name"] == "fail-2"
    assert len(processed) == 1
    assert consumed("retried") == retried + 2
    # both delay queues were used, and are empty again
    assert broker.count("kelisim.retry.50ms") == 0
    assert broker.count("kelisim.retry.100ms") == 0
    assert broker.count(PROBE_QUEUE) == 0
    assert not broker.count(DEAD_LETTERS)


def test_handler_that_always_fails_ends_in_the_dead_letter_queue(probe, emit, broker, dbs,
                                                                 table_rows):
    dead_lettered = consumed("dead_lettered")

    event_id = emit("always-fail")

    wait_for(lambda: broker.count(DEAD_LETTERS) == 1)
    [letter] = broker.drain(DEAD_LETTERS)
    assert letter.payload["id"] == event_id
    assert letter.payload["type"] == "person_created"
    assert letter.payload["data"]["full_name"] == "always-fail"
    assert letter.headers["x-kelisim-queue"] == PROBE_QUEUE
    assert "RuntimeError: this handler always fails" in letter.headers["x-kelisim-error"]
    assert letter.headers["x-kelisim-service"] == "probe"
    assert letter.headers["x-kelisim-attempts"] == 2
    assert letter.properties["delivery_mode"] == 2
    # first delivery and two retries, and nothing of the failed attempts was kept
    assert len(DELIVERIES[event_id]) == 3
    assert effects(table_rows, dbs, event_id) == ([], [])
    wait_for(lambda: consumed("dead_lettered") == dead_lettered + 1)  # after the confirm
    assert broker.count(PROBE_QUEUE) == 0


def test_no_retry_delays_means_straight_to_dead_letters(start, dbs, emit, broker):
    start(Probe, dbs["probe"], EVENT_RETRY_DELAYS=[])

    event_id = emit("fail-1")

    wait_for(lambda: broker.count(DEAD_LETTERS) == 1)
    assert len(DELIVERIES[event_id]) == 1


def test_a_huge_error_message_is_still_retried_then_dead_lettered(probe, emit, broker):
    event_id = emit("huge-error")

    wait_for(lambda: broker.count(DEAD_LETTERS) == 1)
    [letter] = broker.drain(DEAD_LETTERS)
    assert letter.payload["id"] == event_id
    assert len(DELIVERIES[event_id]) == 3
    assert len(letter.headers["x-kelisim-error"]) <= 4000
