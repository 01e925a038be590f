"""Deliveries that could not be made, sent to the service's dead-letter queue.

They sit beside dead-lettered events in ``kelisim.dead-letter.notifications`` and name
the queue ``notifications.redeliver``: ``kelisim dlq replay --service notifications``
sends them there, and the service gives each a fresh retry budget.
"""
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.amqp.publish import Publisher

from kelisim.events import topology

SERVICE = "notifications"
REDELIVER_QUEUE = "notifications.redeliver"


def letter(delivery):
    return {"delivery_id": delivery.id, "channel": delivery.channel,
            "recipient": delivery.recipient, "target": delivery.target,
            "event_id": delivery.event_id, "event_type": delivery.event_type,
            "attempts": delivery.attempts, "error": delivery.last_error}


class DeliveryDeadLetters:
    def __init__(self, amqp_uri):
        self.publisher = Publisher(amqp_uri, serializer="json", use_confirms=True)
        self.queue = topology.dead_letter_queue(SERVICE)

    def publish(self, delivery):
        """Confirmed by the broker, or raises."""
        self.publisher.publish(
            letter(delivery), exchange=topology.DEAD_LETTER_EXCHANGE, routing_key=SERVICE,
            declare=[topology.DEAD_LETTER_EXCHANGE, self.queue],
            delivery_mode=PERSISTENT_DELIVERY_MODE,
            headers={topology.QUEUE_HEADER: REDELIVER_QUEUE,
                     topology.ERROR_HEADER: (delivery.last_error or "")[:4000],
                     topology.SERVICE_HEADER: SERVICE})
