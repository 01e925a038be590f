"""What the notifications service keeps, as plain classes with their rules (no framework imports).

A :class:`Delivery` is one notification on one channel to one recipient; its key
(event, channel, recipient) is unique, so a duplicated event can never make a second one.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kelisim.errors import Invalid
from kelisim.i18n import _
from services.notifications.contract import (  # noqa: F401  (the contract's words, known here too)
    CHANNELS,
    CRITICAL_TYPES,
    DELIVERY_STATUSES,
    FREQUENCIES,
    NOTIFIED_TYPES,
    PREFERENCE_CHANNELS,
    is_critical,
)
from services.notifications.domain.backoff import RetryPolicy

# What a KGU must learn at once: sent without waiting for a digest, whatever the preference
# (only gathered with what the same action caused, see planning.plan).
AT_ONCE_TYPES = ("deadline_slipped", "task_overdue")
# events of the register that go to the regional stream only (no one is notified)
STREAMED_REPORTS_TYPES = ("event_recorded", "event_updated", "event_cancelled")
STREAMED_REGISTRY_TYPES = (
    "org_unit_created", "org_unit_updated", "structure_created", "structure_updated",
    "person_created", "person_updated", "organisation_created", "organisation_updated",
)
NOTICE_WEBHOOK_DISABLED = "webhook_disabled"


def is_at_once(event_type):
    return event_type in AT_ONCE_TYPES


@dataclass
class EventRecord:
    """An event as it arrived: deliveries are rendered from it, webhooks and the stream carry
    it. Plain (no ORM instrumentation, a fraction of the CPU to make and read): what the
    batch intake plans from and writes as a row; :class:`ReceivedEvent` is the mapped one."""

    event_id: str
    type: str
    source: str
    occurred_at: datetime
    regions: list
    envelope: dict
    received_at: datetime | None = None
    names: dict | None = None        # {key: {"kk": ..., "ru": ...}} of the assignees it names

    @property
    def correlation_id(self):
        return (self.envelope or {}).get("correlation_id")


class ReceivedEvent(EventRecord):
    """An :class:`EventRecord` mapped onto ``received_events`` (adapters/orm.py): what a
    session loads (the dispatcher renders and sends from it)."""


@dataclass
class InboxItem:
    org_unit_id: int
    event_type: str
    title_kk: str
    title_ru: str
    body_kk: str
    body_ru: str
    region_code: str | None = None
    critical: bool = False
    event_id: str | None = None
    data: dict | None = None
    occurred_at: datetime | None = None
    created_at: datetime | None = None
    read_at: datetime | None = None
    archived_at: datetime | None = None
    id: int | None = None

    def mark_read(self, now):
        """True if it was unread."""
        if self.read_at is not None:
            return False
        self.read_at = now
        return True

    def archive(self, now):
        self.mark_read(now)
        if self.archived_at is None:
            self.archived_at = now


@dataclass
class DeliveryRecord:
    """One notification on one channel to one recipient, with its own retry state. Plain
    (no ORM instrumentation: planning a batch of them and reading them back as rows costs
    a fraction of the mapped class's CPU): what :func:`planning.plan` makes and the intake
    writes as rows; :class:`Delivery` is the mapped one."""

    channel: str
    recipient: str            # "org_unit:16", "person:5", "webhook:3", "region:KZ-61"
    target: str               # the org unit id, e-mail address, URL or routing key
    event_id: str
    event_type: str
    org_unit_id: int | None = None   # whose delivery log it appears in
    region_code: str | None = None
    person_id: int | None = None
    webhook_id: int | None = None
    status: str = "pending"
    attempts: int = 0
    occurred_at: datetime | None = None
    created_at: datetime | None = None
    next_attempt_at: datetime | None = None
    first_attempt_at: datetime | None = None
    claimed_until: datetime | None = None
    delivered_at: datetime | None = None
    due_at: datetime | None = None   # when a digest is due
    digest_id: int | None = None     # the digest delivery that carried this one
    last_error: str | None = None
    last_status_code: int | None = None
    dead_lettered_at: datetime | None = None
    language: str | None = None      # the language the recipient reads (e-mail), kk by default
    batch_key: str | None = None     # e-mails of one action (its correlation id) go out as one
    id: int | None = None

    def claim(self, now, lease):
        self.status = "sending"
        self.claimed_until = now + timedelta(seconds=lease)

    def succeeded(self, now, status_code=None):
        self.attempts += 1
        self.first_attempt_at = self.first_attempt_at or now
        self.status = "delivered"
        self.delivered_at = now
        self.claimed_until = None
        self.last_status_code = status_code
        self.last_error = None

    def failed(self, now, error, policy: RetryPolicy, *, permanent=False, status_code=None,
               rng=None):
        """Record a failed attempt; schedule the next one or give up. True if it is dead."""
        self.attempts += 1
        self.first_attempt_at = self.first_attempt_at or now
        self.claimed_until = None
        self.last_error = error[:2000]
        self.last_status_code = status_code
        retry_at = None if permanent else policy.next_attempt(
            self.first_attempt_at, now, self.attempts, rng)
        if retry_at is None:
            self.status = "dead"
            return True
        self.status = "pending"
        self.next_attempt_at = retry_at
        return False

    def interrupted(self, now, repeatable, cause="interrupted while sending"):
        """A send was cut off (the process died, or the receiver never gave its final
        answer): retry, or give up if it may have happened. True if it is dead."""
        self.claimed_until = None
        if repeatable:
            self.status = "pending"
            self.next_attempt_at = now
            return False
        self.status = "dead"
        self.last_error = f"{cause}: it may have been delivered, so it is not repeated " \
                          "automatically (replay it to send it again)"
        return True

    def maybe_delivered(self, now, repeatable, cause):
        """An attempt that ended without knowing whether the receiver took it (an SMTP
        server that took the whole message but never answered): counted as an attempt,
        then handled as an interrupted send. True if it is dead."""
        self.attempts += 1
        self.first_attempt_at = self.first_attempt_at or now
        return self.interrupted(now, repeatable, cause)

    def replay(self, now):
        """An operator asked for another try: a fresh retry budget from now."""
        if self.status != "dead":
            return False
        self.status = "pending"
        self.next_attempt_at = now
        self.first_attempt_at = None
        self.dead_lettered_at = None
        return True

    def cancel(self):
        """Not to be sent (any more): waiting, held for a digest or in flight. A send in
        flight still has its outcome logged but is never tried again."""
        if self.status in ("pending", "digest", "sending"):
            self.status = "cancelled"
            self.claimed_until = None


class Delivery(DeliveryRecord):
    """A :class:`DeliveryRecord` mapped onto ``deliveries`` (adapters/orm.py): what a session
    loads, changes and flushes (the dispatcher, digests, replays)."""


@dataclass
class Attempt:
    """One try of a delivery, for the delivery log."""

    delivery_id: int
    attempted_at: datetime
    outcome: str              # delivered, failed, dead, interrupted
    duration_ms: float | None = None
    status_code: int | None = None
    error: str | None = None
    id: int | None = None


@dataclass
class Webhook:
    org_unit_id: int
    url: str
    secret: str
    event_types: list
    region_code: str | None = None
    description: str | None = None
    active: bool = True
    created_at: datetime | None = None
    created_by: str | None = None
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    deleted_at: datetime | None = None
    consecutive_failures: int = 0
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    id: int | None = None

    def wants(self, event_type):
        return self.active and self.deleted_at is None and event_type in self.event_types

    def note_success(self, now):
        self.consecutive_failures = 0
        self.last_success_at = now

    def note_failure(self, now):
        self.consecutive_failures += 1
        self.last_failure_at = now

    def disable(self, now, reason):
        """Stop calling a receiver that keeps failing; True if it was active."""
        if not self.active:
            return False
        self.active = False
        self.disabled_at = now
        self.disabled_reason = reason[:500]
        return True

    def enable(self):
        self.active = True
        self.disabled_at = None
        self.disabled_reason = None
        self.consecutive_failures = 0


@dataclass
class Preference:
    """How an org unit or a person wants one event type: which channels, how often."""

    owner_kind: str           # org_unit or person
    owner_id: int
    event_type: str
    channels: list = field(default_factory=lambda: list(PREFERENCE_CHANNELS))
    frequency: str = "immediate"
    updated_at: datetime | None = None
    id: int | None = None

    def check(self):
        if not is_critical(self.event_type):
            return
        errors = {}
        missing = [c for c in PREFERENCE_CHANNELS if c not in self.channels]
        if missing:
            errors["channels"] = _(
                "{event_type} is critical and cannot be muted: keep {preference_channels}",
                event_type=self.event_type, preference_channels=", ".join(PREFERENCE_CHANNELS))
        if errors:
            raise Invalid(_("{event_type} cannot be muted", event_type=self.event_type), errors)


DEFAULT_PREFERENCE = {"channels": list(PREFERENCE_CHANNELS), "frequency": "immediate"}


@dataclass
class LanguagePreference:
    """The language an org unit or a person reads notifications in (kk by default)."""

    owner_kind: str           # org_unit or person
    owner_id: int
    language: str
    updated_at: datetime | None = None
    id: int | None = None
