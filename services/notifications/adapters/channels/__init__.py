"""Notification channels, as plugins behind :class:`base.Channel`: one ``deliver(message)``."""
from services.notifications.adapters.channels.base import Channel, DeliveryFailed, Message
from services.notifications.adapters.channels.email import EmailChannel
from services.notifications.adapters.channels.inbox import InboxChannel
from services.notifications.adapters.channels.stream import StreamChannel
from services.notifications.adapters.channels.webhook import WebhookChannel

OUTBOUND = ("email", "webhook")


def outbound_channels(settings):
    """The channels the dispatcher sends through, by name (e-mail only when configured)."""
    channels = {"webhook": WebhookChannel(
        settings.webhook_timeout, policy=settings.webhook_destinations,
        max_response_bytes=settings.webhook_max_response_bytes,
        ca_file=settings.webhook_ca_file)}
    if settings.smtp is not None:
        channels["email"] = EmailChannel(settings.smtp)
    return channels


__all__ = ["Channel", "DeliveryFailed", "Message", "EmailChannel", "InboxChannel",
           "StreamChannel", "WebhookChannel", "OUTBOUND", "outbound_channels"]
