"""The regional event stream: each event republished once per region on a topic exchange.

Published by the consumer itself right after it took the event in (see
``service_layer.intake.publish_stream``), broker-confirmed, in the order events arrive.
"""
from kombu import Exchange
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.amqp.publish import Publisher

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
        self.batches = ConfirmedBatchPublisher(amqp_uri)

    def deliver(self, message):
        try:
            self.publisher.publish(message.envelope, **self._options(message))
        except Exception as exc:  # broker trouble: retried with backoff
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        return None

    def deliver_many(self, messages):
        """Publish ``messages`` in order on one channel, all confirmed by the broker or
        :class:`DeliveryFailed` (then some may have gone out: stream consumers absorb the
        repeats by event id)."""
        try:
            with self.batches.batch() as publish:
                for n, message in enumerate(messages):
                    options = self._options(message)
                    if n:  # declared once per batch
                        del options["declare"]
                    publish(message.envelope, **options)
        except Exception as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None

    def _options(self, message):
        envelope = message.envelope
        region = message.target.split(".", 1)[0]
        return {"exchange": self.exchange, "declare": [self.exchange],
                "routing_key": message.target, "delivery_mode": PERSISTENT_DELIVERY_MODE,
                "headers": {f"nameko.{CORRELATION_KEY}": envelope.get("correlation_id"),
                            REGION_HEADER: region},
                "message_id": envelope["id"]}
