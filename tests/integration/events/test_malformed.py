"""(d) A message that is not a valid envelope is dead-lettered at once, and good events
behind it still flow."""
import json

from kelisim.events.envelope import new_envelope
from tests.integration.events.probe import DELIVERIES, PROBE_QUEUE
from tests.support import wait_for

DEAD_LETTERS = "kelisim.dead-letter.probe"


def good_envelope(**overrides):
    message = new_envelope("person_created", {
        "id": 1, "full_name": "ok", "version": 1, "org_unit_id": 2},
        source="registry", correlation_id="corr-m").to_message()
    message.update(overrides)
    return message


def canonical(body):
    return json.dumps(body, sort_keys=True)


def test_malformed_messages_are_dead_lettered_and_do_not_block(probe, emit, broker):
    junk = [
        {"hello": "world"},
        good_envelope(version="2"),
        good_envelope(version=99),
        good_envelope(data={"id": "not a number"}),
        ["not", "an", "object"],
    ]
    for body in junk:
        broker.publish(body)

    good = emit("after the junk")

    wait_for(lambda: DELIVERIES.get(good))
    wait_for(lambda: broker.count(DEAD_LETTERS) == len(junk))
    letters = broker.drain(DEAD_LETTERS)
    # each message is handled in its own greenthread: dead letters keep no order
    assert sorted(map(canonical, (letter.payload for letter in letters))) == sorted(
        map(canonical, junk))
    for letter in letters:
        assert letter.headers["x-kelisim-error"].startswith("malformed event")
        assert letter.headers["x-kelisim-queue"] == PROBE_QUEUE
    assert list(DELIVERIES) == [good]
    assert broker.count(PROBE_QUEUE) == 0


def test_a_body_that_is_not_json_is_dead_lettered_and_does_not_stop_the_consumer(
        probe, emit, broker):
    broker.publish(b"{this is not json", serializer=None, content_type="application/json",
                   content_encoding="utf-8")

    good = emit("after the garbage")

    wait_for(lambda: DELIVERIES.get(good))
    wait_for(lambda: broker.count(DEAD_LETTERS) == 1)
    letter = broker.drain(DEAD_LETTERS)[0]
    assert letter.payload == "{this is not json"
    assert letter.headers["x-kelisim-error"].startswith("undecodable message")
    assert letter.headers["x-kelisim-queue"] == PROBE_QUEUE
    assert broker.count(PROBE_QUEUE) == 0
