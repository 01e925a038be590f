"""The one interface every notification channel implements."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.notifications.domain.templates import Rendered


class DeliveryFailed(Exception):
    """A send did not succeed. ``permanent``: trying again cannot help (it is dead-lettered).
    ``maybe_delivered``: it was cut off after the receiver had the whole message, so it
    may have been delivered (on a channel that is not ``repeatable`` it goes to the
    operator, as a send interrupted by a process death does)."""

    def __init__(self, error, permanent=False, status_code=None, maybe_delivered=False):
        super().__init__(error)
        self.error = error
        self.permanent = permanent
        self.status_code = status_code
        self.maybe_delivered = maybe_delivered


@dataclass
class Message:
    """What a channel needs to deliver one delivery."""

    delivery_id: int | None      # None for the regional stream (it records no delivery)
    channel: str
    recipient: str
    target: str
    event_id: str
    event_type: str
    envelope: dict[str, Any] | None = None   # the event as received (webhook, stream)
    rendered: Rendered | None = None         # title and body in each language (inbox, e-mail)
    digest: list = field(default_factory=list)   # [(event_type, occurred_at, rendered)]
    language: str = "kk"         # the language the recipient reads (e-mail)
    batch: bool = False          # the digest gathers what one action caused, not a period
    org_unit_id: int | None = None
    region_code: str | None = None
    webhook_id: int | None = None
    secret: str | None = None
    critical: bool = False


class Channel(ABC):
    """A way of delivering a notification.

    ``transactional`` channels write their effect into the notifications database, inside
    the transaction that records the delivery (so it happens exactly once); the others
    are sent afterwards by the dispatcher, each delivery with its own retry state.
    ``repeatable``: a send cut off mid-way may be repeated without asking, because the
    receiver can recognise the repeat (the delivery id travels with it).
    """

    name = None
    transactional = False
    repeatable = True

    @abstractmethod
    def deliver(self, message):
        """Deliver ``message``; return a status code or None; raise :class:`DeliveryFailed`."""
