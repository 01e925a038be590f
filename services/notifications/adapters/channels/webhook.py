"""Webhooks: a signed JSON POST to the URL an org unit registered."""
import json
import time

import requests

from services.notifications.adapters.channels.base import Channel, DeliveryFailed
from services.notifications.domain import signing

USER_AGENT = "kelisim-webhooks/1"


def body_of(message):
    """The exact bytes POSTed (and signed)."""
    payload = {"delivery_id": message.delivery_id, "webhook_id": message.webhook_id,
               "org_unit_id": message.org_unit_id, "event": message.envelope}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookChannel(Channel):
    name = "webhook"
    repeatable = True  # the delivery id header lets a receiver drop a repeat

    def __init__(self, timeout=10.0, clock=time.time):
        self.timeout = timeout
        self.clock = clock

    def deliver(self, message):
        body = body_of(message)
        timestamp = int(self.clock())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            signing.TIMESTAMP_HEADER: str(timestamp),
            signing.SIGNATURE_HEADER: signing.signature(message.secret, timestamp, body),
            signing.DELIVERY_HEADER: str(message.delivery_id),
            signing.EVENT_HEADER: message.event_type,
        }
        try:
            response = requests.post(message.target, data=body, headers=headers,
                                     timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        status = response.status_code
        if 200 <= status < 300:
            return status
        # 410 Gone: the receiver says it will never take these again.
        raise DeliveryFailed(f"HTTP {status}: {response.text[:300]}", permanent=status == 410,
                             status_code=status)
