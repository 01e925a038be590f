"""The regional stream's batch publish (raw py-amqp basic_publish on one confirm-mode
channel, one socket write): every message arrives, in order, as kombu would have made it
(JSON body, persistent, the event id as message_id, correlation id and region headers),
and a refused publish is a DeliveryFailed, not a silent loss."""
import pytest
from kombu import Connection, Exchange, Queue

from kelisim.events.envelope import new_envelope
from services.notifications.adapters.channels import DeliveryFailed
from services.notifications.adapters.channels.stream import REGION_HEADER, StreamChannel
from services.notifications.domain.streams import REGIONAL_EXCHANGE
from services.notifications.service_layer import intake


def _overdue(n, regions):
    return new_envelope("task_overdue", {
        "task_id": n, "task_title": f"Задача {n}", "project_code": "mediation",
        "days_overdue": 3, "stage": "first"}, source="projects", correlation_id=f"c-{n}",
        regions=regions)


def _drain(queue, count):
    got = []
    while len(got) < count:
        message = queue.get(no_ack=True)
        assert message is not None, f"{len(got)} of {count} stream messages arrived"
        got.append(message)
    assert queue.get(no_ack=True) is None
    return got


def test_a_batch_arrives_whole_in_order_as_kombu_would_publish_it(amqp_uri):
    conn = Connection(amqp_uri)
    queue = Queue("test.stream.batch", exchange=Exchange(REGIONAL_EXCHANGE, type="topic",
                  durable=True), routing_key="#", auto_delete=True)(conn.channel())
    queue.declare()
    envelopes = [_overdue(n, ["KZ-61"] if n % 3 else ["KZ-61", "KZ-75"]) for n in range(400)]

    keys = intake.publish_stream_many(StreamChannel(amqp_uri), envelopes)

    expected = [(e.id, key) for e, mine in zip(envelopes, keys, strict=True) for key in mine]
    assert len(expected) == 400 + 134
    got = _drain(queue, len(expected))
    assert [(m.properties["message_id"], m.delivery_info["routing_key"]) for m in got] == expected
    first = got[0]
    assert first.decode() == envelopes[0].to_message()
    assert first.content_type == "application/json" and first.content_encoding == "utf-8"
    assert first.properties["delivery_mode"] == 2
    assert first.headers == {"nameko.correlation_id": "c-0", REGION_HEADER: "KZ-61"}
    assert got[1].headers[REGION_HEADER] == "KZ-75"
    conn.release()


def test_a_batch_the_broker_cannot_take_is_a_delivery_failure(amqp_uri):
    conn = Connection(amqp_uri)
    channel = conn.channel()  # the exchange exists with another type: the declare fails
    Exchange(REGIONAL_EXCHANGE, type="fanout", durable=True)(channel).declare()
    conn.release()

    with pytest.raises(DeliveryFailed):
        intake.publish_stream_many(StreamChannel(amqp_uri), [_overdue(1, ["KZ-61"])])
