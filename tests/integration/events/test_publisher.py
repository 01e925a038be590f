"""The relay's publisher: a whole batch confirmed by the real broker, or an error."""
import pytest
from amqp.exceptions import MessageNacked, NotFound
from kombu import Connection, Exchange, Queue

from kelisim import serialization
from kelisim.events.pool import pooled_connection
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


def test_a_raw_batch_sends_what_kombus_producer_sends(amqp_uri):
    """The relay's pre-serialised bodies: the same bytes and properties as kombu's Producer
    gives the envelope (serializer json), so every consumer reads them as before."""
    envelope = {"id": "e-1", "type": "thing", "data": {"name": "Түркістан", "n": 1}}
    headers = {"nameko.correlation_id": "corr-1"}
    with Connection(amqp_uri) as conn:
        EXCHANGE(conn.channel()).declare()
        queue = _queue(conn, "publisher-raw")
        with ConfirmedBatchPublisher(amqp_uri).batch() as publish:
            publish(envelope, exchange=EXCHANGE, routing_key="thing", delivery_mode=2,
                    headers=headers, message_id="e-1")
        with ConfirmedBatchPublisher(amqp_uri).raw_batch() as send:
            send(serialization.dumps(envelope), exchange=EXCHANGE, routing_key="thing",
                 message_id="e-1", headers=headers)
        by_kombu, raw = (queue.get(no_ack=True, accept=["json"]) for _ in range(2))
        assert raw.body == by_kombu.body
        assert raw.payload == envelope
        assert raw.properties == by_kombu.properties
        assert raw.headers == by_kombu.headers == headers
        assert raw.delivery_info["routing_key"] == "thing"


def test_a_raw_batch_the_broker_refuses_fails(amqp_uri):
    with Connection(amqp_uri) as conn:
        EXCHANGE(conn.channel()).declare()
        _queue(conn, "publisher-raw-full", **{"x-max-length": 2, "x-overflow": "reject-publish"})
        with pytest.raises(MessageNacked):
            with ConfirmedBatchPublisher(amqp_uri).raw_batch() as send:
                for n in range(5):
                    send(b'{"n": %d}' % n, exchange=EXCHANGE, routing_key="thing",
                         message_id=str(n), headers={})


def test_a_raw_batch_of_many_frames_and_exchanges_arrives_whole_and_in_order(amqp_uri):
    """Frames are written together (past the flush size, several times) and a second
    exchange's declaration in the middle of the batch waits for its answer unbuffered."""
    other = Exchange("publisher-test-other", type="topic", durable=True)
    with Connection(amqp_uri) as conn:
        EXCHANGE(conn.channel()).declare()
        queue = _queue(conn, "publisher-raw-many")
        with ConfirmedBatchPublisher(amqp_uri).raw_batch() as send:
            for n in range(3000):
                send(b'{"n": %d, "pad": "%s"}' % (n, b"x" * 1000),
                     exchange=other if n == 1500 else EXCHANGE, routing_key="thing",
                     message_id=str(n), headers={})
        conn.channel().exchange_declare(other.name, "topic", durable=True, passive=True)
        received = [queue.get(no_ack=True, accept=["json"]).payload["n"] for _ in range(2999)]
        assert received == [n for n in range(3000) if n != 1500]
        assert queue.get(no_ack=True) is None


def _confirm_channel(amqp_uri):
    """The confirm-mode channel the pooled connection keeps for the next batch."""
    with pooled_connection(amqp_uri) as conn:
        return conn.connection._kelisim_confirms.channel


def test_batches_share_one_confirm_channel_until_one_fails(amqp_uri):
    """One channel for batch after batch (its delivery tags run on from batch to batch and
    each batch still waits for its own confirms); a refused batch drops the connection,
    and the next batch is confirmed on a new channel."""
    publisher = ConfirmedBatchPublisher(amqp_uri, confirm_timeout=10)
    with Connection(amqp_uri) as conn:
        EXCHANGE(conn.channel()).declare()
        queue = _queue(conn, "publisher-reused", **{"x-max-length": 9,
                                                    "x-overflow": "reject-publish"})
        channels = []
        for batch in range(3):
            with publisher.raw_batch() as send:
                for n in range(3):
                    send(b'{"n": %d}' % (batch * 3 + n), exchange=EXCHANGE,
                         routing_key="thing", message_id=str(n), headers={})
            channels.append(_confirm_channel(amqp_uri))
        assert channels[0] is channels[1] is channels[2] and channels[0].is_open
        with pytest.raises(MessageNacked):  # the queue is full
            with publisher.raw_batch() as send:
                send(b'{"n": 9}', exchange=EXCHANGE, routing_key="thing", message_id="9",
                     headers={})
        received = [queue.get(no_ack=True, accept=["json"]).payload["n"] for _ in range(9)]
        assert received == list(range(9))
        with publisher.batch() as publish:
            publish({"n": 10}, exchange=EXCHANGE, routing_key="thing", delivery_mode=2)
        assert _confirm_channel(amqp_uri) is not channels[0]
        assert queue.get(no_ack=True, accept=["json"]).payload == {"n": 10}


def test_an_exchange_deleted_since_its_declaration_fails_one_batch_then_is_declared_again(amqp_uri):
    publisher = ConfirmedBatchPublisher(amqp_uri, confirm_timeout=5)
    gone = Exchange("publisher-test-deleted", type="topic", durable=True)
    with publisher.raw_batch() as send:
        send(b"{}", exchange=gone, routing_key="a", headers={})
    with Connection(amqp_uri) as conn:
        conn.channel().exchange_delete(gone.name)
    with pytest.raises(NotFound):
        with publisher.raw_batch() as send:
            send(b"{}", exchange=gone, routing_key="a", headers={})
    with publisher.raw_batch() as send:
        send(b"{}", exchange=gone, routing_key="a", headers={})
    with Connection(amqp_uri) as conn:
        conn.channel().exchange_declare(gone.name, "topic", durable=True, passive=True)
