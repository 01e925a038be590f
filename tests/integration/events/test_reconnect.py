"""A broker connection dropped under a process (``rabbitmqctl close_connection``, as a
network blip or a load balancer does) is replaced by itself: the relay's publisher and
the dead-letter gauge's reader go on working without a restart."""
import pytest
from kombu import Connection, Exchange, Queue

from kelisim.events import dead_letters
from kelisim.events.publisher import ConfirmedBatchPublisher
from tests.support import close_vhost_connections as close_connections

pytestmark = pytest.mark.broker
EXCHANGE = Exchange("reconnect-test", type="topic", durable=True)


def test_the_relays_publisher_publishes_again_after_its_connection_was_closed(amqp_uri):
    with Connection(amqp_uri) as conn:
        Queue("reconnect-all", exchange=EXCHANGE, routing_key="#",
              durable=True)(conn.channel()).declare()
    publisher = ConfirmedBatchPublisher(amqp_uri)
    publisher.publish({"n": 0}, exchange=EXCHANGE, routing_key="thing")
    assert close_connections(amqp_uri) == 1
    errors = []
    for n in range(1, 5):
        try:
            publisher.publish({"n": n}, exchange=EXCHANGE, routing_key="thing")
        except Exception as exc:
            errors.append(repr(exc))
    assert errors == []
    with Connection(amqp_uri) as conn:
        queue = Queue("reconnect-all", exchange=EXCHANGE, routing_key="#",
                      durable=True)(conn.channel())
        received = []
        while (message := queue.get(no_ack=True, accept=["json"])) is not None:
            received.append(message.payload["n"])
    assert received == [0, 1, 2, 3, 4]


def test_a_failed_pooled_connection_is_not_handed_out_again(amqp_uri):
    """The connection fails in the middle of a batch (it is closed while in use): that
    batch fails, and the next one goes out on a fresh connection."""
    publisher = ConfirmedBatchPublisher(amqp_uri)
    with pytest.raises(Exception):  # noqa: B017  (amqp, socket or kombu: whichever notices the cut)
        with publisher.batch() as publish:
            publish({"n": 0}, exchange=EXCHANGE, declare=[EXCHANGE], routing_key="thing")
            close_connections(amqp_uri)
            publish({"n": 1}, exchange=EXCHANGE, routing_key="thing")
    for n in range(2, 6):
        publisher.publish({"n": n}, exchange=EXCHANGE, declare=[EXCHANGE], routing_key="thing")


def test_the_dead_letter_gauge_reads_again_after_its_connection_was_closed(amqp_uri):
    assert dead_letters.count(amqp_uri, "projects") == 0  # declares the queue
    assert dead_letters.waiting(amqp_uri, "projects") == 0
    close_connections(amqp_uri)
    # confirmed publishes: an unconfirmed one may not be counted yet ([1, 2, 2, 2] seen)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        queue = dead_letters._queue(conn.channel(), "projects")
        for n in range(2):
            conn.Producer(serializer="json").publish({"n": n}, exchange="",
                                                     routing_key=queue.name)
        assert [dead_letters.waiting(amqp_uri, "projects") for _ in range(4)] == [2] * 4
