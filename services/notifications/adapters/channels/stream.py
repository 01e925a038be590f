"""The regional event stream: each event republished once per region on a topic exchange.

Published by the consumer itself right after it took the event in (see
``service_layer.intake.publish_stream``), broker-confirmed, in the order events arrive.
A batch goes out as the outbox relay's does (kelisim.events.publisher's ``raw_batch``):
bodies serialised once per event (kelisim.serialization, what kombu's json
serializer writes here), published raw on one confirm-mode channel with their
frames written together (kombu's ``Producer.publish`` cost more CPU than the rest of the
stream), the same message kombu would make: JSON, persistent, the event's id as
``message_id``, the correlation id and region in the headers.
"""
from kombu import Exchange
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.amqp.publish import Publisher

from kelisim import serialization
from kelisim.context import CORRELATION_KEY
from kelisim.events.publisher import ConfirmedBatchPublisher
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
        self.raw = ConfirmedBatchPublisher(amqp_uri)

    def deliver(self, message):
        try:
            self.publisher.publish(message.envelope, **self._options(message))
        except Exception as exc:  # broker trouble: retried with backoff
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        return None

    def deliver_many(self, messages):
        """Publish ``messages`` in order on one confirm-mode channel, all confirmed by the
        broker (one wait for the acks) or :class:`DeliveryFailed` (then some may have gone
        out: stream consumers absorb the repeats by event id). The core's raw batch
        (:meth:`kelisim.events.publisher.ConfirmedBatchPublisher.raw_batch`), as the
        outbox relay publishes; an event streamed to several regions is serialised once."""
        bodies = {}
        try:
            with self.raw.raw_batch() as send:
                for message in messages:
                    envelope = message.envelope
                    body = bodies.get(envelope["id"])
                    if body is None:
                        body = bodies[envelope["id"]] = serialization.dumps(envelope)
                    send(body, exchange=self.exchange, routing_key=message.target,
                         message_id=envelope["id"], headers=self._headers(message))
        except Exception as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None

    def _headers(self, message):
        return {f"nameko.{CORRELATION_KEY}": message.envelope.get("correlation_id"),
                REGION_HEADER: message.target.split(".", 1)[0]}

    def _options(self, message):
        return {"exchange": self.exchange, "declare": [self.exchange],
                "routing_key": message.target, "delivery_mode": PERSISTENT_DELIVERY_MODE,
                "headers": self._headers(message), "message_id": message.envelope["id"]}

