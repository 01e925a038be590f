"""Exchanges and queues of the event bus, named in one place.

Events go to ``<source>.events`` (nameko's topic exchange, routing key = event type),
so nameko ``event_handler`` consumers bind to them as usual. Failed deliveries wait in
``kelisim.retry.<ms>ms`` queues and come back to their queue by dead-lettering;
exhausted or malformed ones land in ``kelisim.dead-letter.<service>``.

``KELISIM_QUEUE_TYPE=quorum`` (or ``QUEUE_TYPE`` in a service's config) declares these
durable queues and the services' event queues as quorum queues, replicated across a
RabbitMQ cluster. A queue keeps the type it was first declared with: switching a running
broker means deleting the old queues once they are drained.
"""
from functools import cache
from typing import Any

from kombu import Exchange, Queue
from nameko.events import get_event_exchange

from kelisim import config as settings

QUEUE_TYPES = ("classic", "quorum")

DEAD_LETTER_EXCHANGE = Exchange("kelisim.dead-letter", type="direct", durable=True)

ATTEMPTS_HEADER = "x-kelisim-attempts"
QUEUE_HEADER = "x-kelisim-queue"
ERROR_HEADER = "x-kelisim-error"
SERVICE_HEADER = "x-kelisim-service"


@cache
def event_exchange(source: str) -> Exchange:
    """The same exchange nameko's event handlers declare for ``source``."""
    exchange: Exchange = get_event_exchange(source, {})
    return exchange


def change_feed(source: str, listener: str) -> Queue:
    """A queue of its consumer alone that receives every event of ``source`` (routing key
    ``#``): exclusive and auto-deleted, it goes when the consumer does; ``consume``
    (kelisim/consumer.py) names it ``<listener>-<source>-<random>`` in each container.
    The event handlers' queues are shared by a service's replicas (each event reaches one
    of them); a cache that every replica keeps must hear every change in each of them:
    ``ChangeFeed(change_feed("registry", "notifications-directory"), "directory")``
    (kelisim/events/feed.py) or ``@consume(change_feed("projects", "gateway-cache"))``."""
    return Queue(f"{listener}-{source}", exchange=event_exchange(source), routing_key="#",
                 exclusive=True, auto_delete=True)


def queue_type(config: dict[str, Any] | None = None) -> str:
    """``classic`` (the default) or ``quorum``, from the service config or the environment."""
    chosen = (config or {}).get("QUEUE_TYPE") or settings.queue_type()
    if chosen not in QUEUE_TYPES:
        raise ValueError(f"KELISIM_QUEUE_TYPE must be one of {', '.join(QUEUE_TYPES)}: {chosen!r}")
    return str(chosen)


def durable_arguments(config: dict[str, Any] | None = None, **arguments: Any) -> dict[str, Any]:
    """Queue arguments of a durable queue, with ``x-queue-type`` when it is not classic."""
    if queue_type(config) != "classic":
        arguments["x-queue-type"] = queue_type(config)
    return arguments


def dead_letter_queue(service: str, config: dict[str, Any] | None = None) -> Queue:
    """``kelisim.dead-letter.<service>``: where ``service``'s exhausted events wait."""
    name = f"kelisim.dead-letter.{service}"
    return Queue(name, exchange=DEAD_LETTER_EXCHANGE, routing_key=service, durable=True,
                 queue_arguments=durable_arguments(config) or None)


def retry_route(delay_seconds: float, config: dict[str, Any] | None = None) -> tuple[Exchange, Queue]:
    """The exchange and queue that hold a message for ``delay_seconds`` then return it.

    The queue has no dead-letter routing key of its own, so an expired message keeps
    the routing key it was published with: the name of the queue it failed in.
    """
    millis = max(1, int(delay_seconds * 1000))
    exchange = Exchange(f"kelisim.retry.{millis}ms", type="fanout", durable=True)
    queue = Queue(
        f"kelisim.retry.{millis}ms", exchange=exchange, durable=True,
        queue_arguments=durable_arguments(config, **{"x-message-ttl": millis,
                                                     "x-dead-letter-exchange": ""}),
    )
    return exchange, queue
