"""nameko's shared queue consumer, made safe on shutdown and on a dropped connection.

Every kelisim entrypoint that consumes a queue (``on_event``, ``rpc`` and ``consume``)
goes through ``SettlingQueueConsumer``:

- On a graceful stop nameko 2.14 closes the connection as soon as the last consumer is
  cancelled, so a worker still running could not ack and its message went back to the
  queue: an event handled twice, an RPC write executed again by another replica. Here the
  connection stays open until every message delivered on it is settled (acked or requeued).
- An ack or requeue on a connection the broker has just dropped is left to the broker,
  which redelivers the message: nameko only catches py-amqp's own ConnectionError there,
  py-amqp 5 raises the socket's, and the worker's error killed the whole service when
  RabbitMQ restarted under it.
"""
from typing import Any

from nameko import messaging
from nameko.messaging import QueueConsumer

from kelisim.logging import get_logger

log = get_logger(__name__)


class SettlingQueueConsumer(QueueConsumer):
    def __init__(self) -> None:
        super().__init__()
        # (channel, delivery tag): tags restart at 1 on a new connection's channel, so a late
        # ack of a lost connection's message must not settle a new one with the same tag
        self._unsettled: set[tuple[Any, int]] = set()

    def handle_message(self, provider: Any, body: Any, message: Any) -> None:
        self._unsettled.add((message.channel, message.delivery_tag))
        super().handle_message(provider, body, message)

    def ack_message(self, message: Any) -> None:
        self._settle(message, super().ack_message, "could not acknowledge")

    def requeue_message(self, message: Any) -> None:
        self._settle(message, super().requeue_message, "could not requeue")

    def _settle(self, message: Any, settle: Any, failure: str) -> None:
        """``settle(message)`` (nameko's ack or requeue), the message no longer unsettled; a
        connection error is logged (``failure``), the broker redelivering the message."""
        self._unsettled.discard((message.channel, message.delivery_tag))
        try:
            settle(message)
        except OSError as exc:
            log.warning(f"{failure}: the broker will redeliver", error=repr(exc))

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        # called on every (re)connection: deliveries of a lost connection are the broker's again
        self._unsettled.clear()
        return super().get_consumers(consumer_cls, channel)

    def on_iteration(self) -> None:
        self._cancel_consumers_if_requested()
        if not self._consumers and not self._unsettled:
            self.should_stop = True


class Consumer(messaging.Consumer):
    """``@consume(queue)``: nameko's plain queue consumer, settling before it stops."""

    queue_consumer = SettlingQueueConsumer()


consume = Consumer.decorator
