"""The regional event stream: each event republished once per region on a topic exchange.

Published by the consumer itself right after it took the event in (see
``service_layer.intake.publish_stream``), broker-confirmed, in the order events arrive.
A batch goes out as raw py-amqp ``basic_publish`` of bodies serialised once per event on
one confirm-mode channel (kombu's ``Producer.publish`` cost more CPU than the rest of the
stream), the same message kombu would make: JSON, persistent, the event's id as
``message_id``, the correlation id and region in the headers.
"""
import json
import time
from contextlib import contextmanager

from amqp import Message as AmqpMessage
from amqp.exceptions import MessageNacked
from amqp.method_framing import frame_writer
from kombu import Exchange
from kombu.common import maybe_declare
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.amqp.publish import Publisher

from kelisim.context import CORRELATION_KEY
from kelisim.events.pool import pooled_connection
from services.notifications.adapters.channels.base import Channel, DeliveryFailed
from services.notifications.domain.streams import REGIONAL_EXCHANGE

REGION_HEADER = "x-kelisim-region"


def regional_exchange():
    return Exchange(REGIONAL_EXCHANGE, type="topic", durable=True)


class StreamChannel(Channel):
    name = "stream"
    repeatable = True  # stream consumers already absorb repeats by event id

    def __init__(self, amqp_uri):
        self.exchange = regional_exchange()
        self.publisher = Publisher(amqp_uri, serializer="json", use_confirms=True)
        self.amqp_uri = amqp_uri
        self.confirm_timeout = 30.0  # seconds for the broker's acks of one batch

    def deliver(self, message):
        try:
            self.publisher.publish(message.envelope, **self._options(message))
        except Exception as exc:  # broker trouble: retried with backoff
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        return None

    def deliver_many(self, messages):
        """Publish ``messages`` in order on one confirm-mode channel, all confirmed by the
        broker (one wait for the acks) or :class:`DeliveryFailed` (then some may have gone
        out: stream consumers absorb the repeats by event id)."""
        try:
            with pooled_connection(self.amqp_uri) as conn:
                channel = conn.channel()
                try:
                    self._publish_confirmed(conn, channel, messages)
                finally:
                    channel.close()
        except Exception as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None

    def _publish_confirmed(self, conn, channel, messages):
        channel.confirm_select()
        pending, nacked = set(range(1, len(messages) + 1)), []  # delivery tags 1..n

        def on_ack(tag, multiple):
            if multiple:
                pending.difference_update([t for t in pending if t <= tag])
            else:
                pending.discard(tag)

        def on_nack(tag, multiple):
            nacked.append(tag)
            on_ack(tag, multiple)

        channel.events["basic_ack"].add(on_ack)
        channel.events["basic_nack"].add(on_nack)
        maybe_declare(self.exchange, channel)
        with _one_write(conn.connection):
            self._publish_all(channel, messages)
        deadline = time.monotonic() + self.confirm_timeout
        while pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(pending)} stream messages not confirmed by the broker")
            conn.drain_events(timeout=remaining)
        if nacked:
            raise MessageNacked(f"the broker refused {len(nacked)} stream messages")

    def _publish_all(self, channel, messages):
        bodies = {}  # an event streamed to several regions is serialised once
        for message in messages:
            envelope = message.envelope
            body = bodies.get(envelope["id"])
            if body is None:
                body = bodies[envelope["id"]] = json.dumps(envelope).encode()
            channel.basic_publish(AmqpMessage(
                body, priority=0, content_type="application/json", content_encoding="utf-8",
                application_headers=self._headers(message), delivery_mode=PERSISTENT_DELIVERY_MODE,
                message_id=envelope["id"]), exchange=self.exchange.name,
                routing_key=message.target)

    def _headers(self, message):
        return {f"nameko.{CORRELATION_KEY}": message.envelope.get("correlation_id"),
                REGION_HEADER: message.target.split(".", 1)[0]}

    def _options(self, message):
        envelope = message.envelope
        region = message.target.split(".", 1)[0]
        return {"exchange": self.exchange, "declare": [self.exchange],
                "routing_key": message.target, "delivery_mode": PERSISTENT_DELIVERY_MODE,
                "headers": {f"nameko.{CORRELATION_KEY}": envelope.get("correlation_id"),
                            REGION_HEADER: region},
                "message_id": envelope["id"]}


@contextmanager
def _one_write(connection):
    """While inside, the frames py-amqp writes on ``connection`` (a py-amqp Connection
    used by this thread alone, as a pooled one is) are gathered and sent with ONE socket
    write on leaving, instead of one write per message: the batch's bytes are the same, in
    the same order. py-amqp writes each frame from a buffer it reuses, so each is copied."""
    chunks = []
    own = frame_writer(connection, _Gather(chunks))
    given = connection.frame_writer
    connection.frame_writer = own
    try:
        yield
    finally:
        connection.frame_writer = given
    if chunks:
        connection.transport.write(b"".join(chunks))


class _Gather:
    def __init__(self, chunks):
        self.write = lambda data: chunks.append(bytes(data))
