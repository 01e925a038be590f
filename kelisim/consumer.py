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
import copy
import uuid
from typing import Any

from kombu import Queue
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
        if getattr(provider, "inline", False):  # a change feed, RPC replies: no worker
            if not getattr(provider, "no_ack", False):
                self.track(message)  # the provider acks it (``ack_message``)
            provider.handle_message(body, message)
            return
        self.track(message)
        super().handle_message(provider, body, message)

    def track(self, message: Any) -> None:
        """Count ``message`` (a kombu Message just delivered) as unsettled."""
        self._unsettled.add((message.channel, message.delivery_tag))

    def ack_message(self, message: Any) -> None:
        self._settle(message, super().ack_message, "could not acknowledge")

    def ack_all(self, messages: list[Any]) -> None:
        """Ack ``messages`` (kombu Messages delivered on this consumer's channel): one
        ``basic.ack`` with ``multiple`` for all of them when they are every message still
        unsettled on their channel up to the last of them (a multiple ack covers every
        earlier delivery on the channel, whichever consumer it went to), else one ack each.
        A connection error is left to the broker, which redelivers them."""
        last = max(messages, key=lambda message: message.delivery_tag)
        channel, tag = last.channel, last.delivery_tag
        below = sum(1 for unsettled, other in self._unsettled
                    if unsettled is channel and other <= tag)
        if len(messages) == 1 or below != len(messages) or not all(
                message.channel is channel for message in messages):
            for message in messages:
                self.ack_message(message)
            return
        for message in messages:
            self._unsettled.discard((channel, message.delivery_tag))
        self._settle(last, _ack_through, "could not acknowledge")
        for message in messages:
            message._state = "ACK"  # settled by the multiple ack (kombu's own state name)

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
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            if getattr(provider, "inline", False):
                # read by the consumer's __enter__ (basic.consume)
                consumer.no_ack = getattr(provider, "no_ack", False)
                provider.on_connect()   # its queue is declared and bound by now
        return consumers

    def on_iteration(self) -> None:
        self._cancel_consumers_if_requested()
        if not self._consumers and not self._unsettled:
            self.should_stop = True


def _ack_through(message: Any) -> None:
    """nameko's ``ack_message`` with ``multiple``: every delivery on the channel up to
    ``message`` acked; nothing when the connection is gone (the broker has them back)."""
    if message.channel.connection:
        message.ack(multiple=True)


class Consumer(messaging.Consumer):
    """``@consume(queue)``: nameko's plain queue consumer, settling before it stops; an
    exclusive queue gets a name of its own in each container (:func:`own_queue`)."""

    queue_consumer = SettlingQueueConsumer()

    queue: Queue

    def setup(self) -> None:
        self.queue = own_queue(self.queue)
        super().setup()


def own_queue(queue: Queue) -> Queue:
    """``queue`` itself, or, when exclusive (a feed of one consumer alone,
    ``topology.change_feed``), a copy named ``<name>-<random>``: RabbitMQ refuses a second
    consumer of an exclusive queue, and a test runs several containers of one service in
    one process."""
    if not queue.exclusive:
        return queue
    own = copy.copy(queue)
    own.name = f"{queue.name}-{uuid.uuid4().hex}"
    return own


consume = Consumer.decorator
