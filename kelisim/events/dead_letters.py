"""Dead-lettered events: count them, look at them, replay them to the queue they failed in."""
from amqp.exceptions import NotFound
from kombu import Connection, Exchange
from kombu.entity import PERSISTENT_DELIVERY_MODE

from kelisim.events import topology
from kelisim.events.pool import pooled_connection

DEFAULT_EXCHANGE = Exchange("", type="direct")


def _queue(channel, service):
    return topology.dead_letter_queue(service)(channel)


def count(amqp_uri, service):
    """Messages waiting in ``service``'s dead-letter queue (declaring it if missing)."""
    with Connection(amqp_uri) as conn:
        queue = _queue(conn.channel(), service)
        queue.declare()
        return queue.queue_declare(passive=True).message_count


def waiting(amqp_uri, service):
    """Like ``count``, but never creates the queue: 0 when it does not exist yet.

    Uses kombu's connection pool, so a process asking every few seconds keeps one
    connection open rather than opening one each time.
    """
    with pooled_connection(amqp_uri, timeout=10) as conn:
        channel = conn.channel()
        try:
            return _queue(channel, service).queue_declare(passive=True).message_count
        except NotFound:
            return 0
        finally:
            if channel.is_open:
                channel.close()


def peek(amqp_uri, service, limit=20):
    """Up to ``limit`` dead letters, left in the queue: (headers, body) pairs."""
    seen = []
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        queue = _queue(channel, service)
        queue.declare()
        for _ in range(limit):
            message = queue.get(no_ack=False, accept=["json"])
            if message is None:
                break
            seen.append((dict(message.headers or {}), message.payload))
        channel.close()  # unacked messages return to the queue in their order
    return seen


def replay(amqp_uri, service, limit=None):
    """Send dead letters back to the queue they failed in, with a fresh retry budget.

    Each is acked only after the broker confirmed the republished copy.
    """
    replayed = 0
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        queue = _queue(channel, service)
        queue.declare()
        producer = conn.Producer(channel=channel, serializer="json")
        while limit is None or replayed < limit:
            message = queue.get(no_ack=False, accept=["json"])
            if message is None:
                break
            headers = dict(message.headers or {})
            target = headers.pop(topology.QUEUE_HEADER, None)
            if target is None:
                message.reject(requeue=True)
                raise ValueError("a dead letter names no queue to return to")
            headers.pop(topology.ATTEMPTS_HEADER, None)
            headers.pop(topology.ERROR_HEADER, None)
            headers.pop(topology.SERVICE_HEADER, None)
            producer.publish(message.payload, exchange=DEFAULT_EXCHANGE, routing_key=target,
                             headers=headers, delivery_mode=PERSISTENT_DELIVERY_MODE)
            message.ack()
            replayed += 1
    return replayed
