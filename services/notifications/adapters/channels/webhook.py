"""Webhooks: a signed JSON POST to the URL an org unit registered.

Sent through :mod:`.pinned`: to a destination the policy allows at the address actually
connected to, bounded by a deadline and a response size. What the delivery log keeps of
a failure is short (``HTTP 503``, ``connection refused``, ``timed out``): never the
receiver's answer, which could be an internal service's.
"""
import json
import time

from services.notifications.adapters.channels import pinned
from services.notifications.adapters.channels.base import Channel, DeliveryFailed
from services.notifications.domain import signing
from services.notifications.domain.destinations import DestinationPolicy, Refused

USER_AGENT = "kelisim-webhooks/1"


def body_of(message):
    """The exact bytes POSTed (and signed)."""
    payload = {"delivery_id": message.delivery_id, "webhook_id": message.webhook_id,
               "org_unit_id": message.org_unit_id, "event": message.envelope}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookChannel(Channel):
    name = "webhook"
    repeatable = True  # the delivery id header lets a receiver drop a repeat

    def __init__(self, timeout=10.0, clock=time.time, policy=None, max_response_bytes=65536,
                 resolver=pinned.resolve, ca_file=None):
        """``timeout``: seconds for a whole call (connect, send, answer);
        ``policy``: the :class:`DestinationPolicy` (public addresses only by default);
        ``resolver``: ``(host, port) -> [ip]``, the system's by default; ``ca_file``: the CA
        bundle https receivers' certificates are checked against (certifi's by default)."""
        self.timeout = timeout
        self.clock = clock
        self.policy = policy or DestinationPolicy()
        self.max_response_bytes = max_response_bytes
        self.resolver = resolver
        self.ca_file = ca_file

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
            status = pinned.post(message.target, body, headers, self.policy,
                                 deadline=self.timeout,
                                 max_response_bytes=self.max_response_bytes,
                                 resolver=self.resolver, ca_file=self.ca_file)
        except Refused as exc:  # an internal address: trying again cannot make it public
            raise DeliveryFailed(f"destination refused: {exc.reason}", permanent=True) from None
        except pinned.SendError as exc:
            raise DeliveryFailed(exc.reason) from None
        except Exception as exc:  # unforeseen: its text may quote the receiver, never kept
            raise DeliveryFailed(f"connection failed ({type(exc).__name__})") from None
        if 200 <= status < 300:
            return status
        # 410 Gone: the receiver says it will never take these again.
        raise DeliveryFailed(f"HTTP {status}", permanent=status == 410, status_code=status)
