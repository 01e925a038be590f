"""Dead-lettered events: count them, look at them, replay them to the queue they failed in."""
from datetime import UTC, datetime
from typing import Any

from amqp.exceptions import NotFound
from kombu import Connection, Exchange
from kombu.entity import PERSISTENT_DELIVERY_MODE

from kelisim.events import topology
from kelisim.events.pool import pooled_connection

DEFAULT_EXCHANGE = Exchange("", type="direct")


def _queue(channel: Any, service: str) -> Any:
    return topology.dead_letter_queue(service)(channel)


def count(amqp_uri: str, service: str) -> int:
    """Messages waiting in ``service``'s dead-letter queue (declaring it if missing)."""
    with Connection(amqp_uri) as conn:
        queue = _queue(conn.channel(), service)
        queue.declare()
        return int(queue.queue_declare(passive=True).message_count)


def waiting(amqp_uri: str, service: str) -> int:
    """Like ``count``, but never creates the queue: 0 when it does not exist yet.

    Uses kombu's connection pool, so a process asking every few seconds keeps one
    connection open rather than opening one each time.
    """
    with pooled_connection(amqp_uri, timeout=10) as conn:
        channel = conn.channel()
        try:
            return int(_queue(channel, service).queue_declare(passive=True).message_count)
        except NotFound:
            return 0
        finally:
            if channel.is_open:
                channel.close()


def peek(amqp_uri: str, service: str, limit: int = 20) -> list[tuple[dict[str, Any], Any]]:
    """Up to ``limit`` dead letters, left in the queue: (headers, body) pairs."""
    seen: list[tuple[dict[str, Any], Any]] = []
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


def replay(amqp_uri: str, service: str, limit: int | None = None,
           max_age_seconds: float | None = None, too_old: list[Any] | None = None) -> int:
    """Send dead letters back to the queue they failed in, with a fresh retry budget.

    Each is acked only after the broker confirmed the republished copy. With
    ``max_age_seconds``, an event whose ``occurred_at`` is older stays in the dead-letter
    queue (its consumers' processed-event ids may have been pruned, so replaying it could
    repeat its effects); its body is appended to ``too_old`` when a list is given.
    Returns how many were replayed.
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
            if max_age_seconds is not None and _age(message.payload) > max_age_seconds:
                if too_old is not None:
                    too_old.append(message.payload)
                continue  # held unacked until the channel closes, then back in the queue
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
        channel.close()
    return replayed


def _age(body: Any) -> float:
    """Seconds since the event in ``body`` occurred; 0 when it names no ``occurred_at``."""
    occurred = body.get("occurred_at") if isinstance(body, dict) else None
    if not occurred:
        return 0
    try:
        moment = datetime.fromisoformat(str(occurred).replace("Z", "+00:00"))
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (datetime.now(UTC) - moment).total_seconds()
