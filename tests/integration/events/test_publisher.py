"""The relay's publisher: a whole batch confirmed by the real broker, or an error."""
import pytest
from amqp.exceptions import MessageNacked
from kombu import Connection, Exchange, Queue

from kelisim.events.publisher import ConfirmedBatchPublisher

EXCHANGE = Exchange("publisher-test", type="topic", durable=True)


def _queue(conn, name, **arguments):
    queue = Queue(name, exchange=EXCHANGE, routing_key="#", durable=True,
                  queue_arguments=arguments or None)(conn.channel())
    queue.declare()
    return queue


def test_a_batch_is_published_and_confirmed(amqp_uri):
    with Connection(amqp_uri) as conn:
        EXCHANGE(conn.channel()).declare()
        queue = _queue(conn, "publisher-all")
        with ConfirmedBatchPublisher(amqp_uri).batch() as publish:
            for n in range(500):
                publish({"n": n}, exchange=EXCHANGE, routing_key="thing", delivery_mode=2)
        received = [queue.get(no_ack=True, accept=["json"]).payload["n"] for _ in range(500)]
        assert received == list(range(500))
        assert queue.get(no_ack=True) is None


def test_messages_the_broker_refuses_fail_the_batch(amqp_uri):
    with Connection(amqp_uri) as conn:
        EXCHANGE(conn.channel()).declare()
        _queue(conn, "publisher-full", **{"x-max-length": 2, "x-overflow": "reject-publish"})
        with pytest.raises(MessageNacked):
            with ConfirmedBatchPublisher(amqp_uri).batch() as publish:
                for n in range(5):
                    publish({"n": n}, exchange=EXCHANGE, routing_key="thing", delivery_mode=2)
