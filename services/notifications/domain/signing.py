"""Webhook signatures: HMAC-SHA256 over ``"<timestamp>.<body>"`` with the webhook's secret.

Receivers recompute it from the raw body and the timestamp header, compare in constant
time, and reject timestamps older than a few minutes (replays).
"""
import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Kelisim-Timestamp"
SIGNATURE_HEADER = "X-Kelisim-Signature"
DELIVERY_HEADER = "X-Kelisim-Delivery"
EVENT_HEADER = "X-Kelisim-Event"
SCHEME = "sha256="
DEFAULT_TOLERANCE = 300


def signature(secret: str, timestamp: float, body: bytes) -> str:
    """``sha256=<hex>`` for ``body`` (bytes) sent at ``timestamp`` (integer seconds)."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return SCHEME + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str | float | None, body: bytes, received: str | None,
           tolerance: float = DEFAULT_TOLERANCE, now: float | None = None) -> bool:
    """True if ``received`` signs ``body`` at ``timestamp`` and the timestamp is recent."""
    if timestamp is None:  # no timestamp header
        return False
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent_at, body), received or "")
