"""Taking in an event: record it once, plan its deliveries, fill the inboxes.

Everything here commits in one transaction with the ``processed_events`` row, so a
redelivered or duplicated event (same id) makes nothing new. Inbox items are written in
that same transaction; e-mail and webhook deliveries are only recorded, then sent by the
dispatcher, each with its own retry state. The regional stream is published after the
commit (see :func:`publish_stream`).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kelisim.db.types import utcnow
from services.notifications.adapters.channels import InboxChannel, Message
from services.notifications.contract import is_critical
from services.notifications.domain import planning
from services.notifications.domain.model import EventRecord
from services.notifications.domain.templates import render

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from kelisim.events.envelope import Envelope
    from services.notifications.adapters.channels.base import Message
    from services.notifications.domain.audience import Audience
    from services.notifications.domain.model import DeliveryRecord
    from services.notifications.domain.templates import Rendered
    from services.notifications.settings import Settings

CONSUMER = "notifications.intake"


def received_event(envelope: Envelope, now: datetime, names: dict[str, Any] | None = None) -> EventRecord:
    """The plain record of ``envelope`` received ``now`` (written as a row, not mapped)."""
    return EventRecord(
        event_id=envelope.id, type=envelope.type, source=envelope.source,
        occurred_at=datetime.fromisoformat(envelope.occurred_at), regions=list(envelope.regions),
        envelope=envelope.to_message(), received_at=now, names=names or None)


def _event_row(event: EventRecord) -> dict[str, Any]:
    """The ``received_events`` row of ``event``."""
    return {"event_id": event.event_id, "type": event.type, "source": event.source,
            "occurred_at": event.occurred_at, "regions": event.regions,
            "envelope": event.envelope, "received_at": event.received_at, "names": event.names}


def inbox_message(delivery: DeliveryRecord, event: EventRecord,
                  rendered: Rendered) -> Message:
    return Message(delivery_id=delivery.id, channel="inbox", recipient=delivery.recipient,
                   target=delivery.target, event_id=event.event_id, event_type=event.type,
                   envelope=event.envelope, rendered=rendered, region_code=delivery.region_code,
                   org_unit_id=delivery.org_unit_id, critical=is_critical(event.type))


def receive(uow: UnitOfWork, envelope: Envelope, audience: Audience | None, settings: Settings,
            now: datetime | None = None, names: dict[str, Any] | None = None) -> dict[str, Any]:
    """Record ``envelope`` and its deliveries; {channel: count}, or {"duplicate": True}.

    ``audience`` (who the event concerns) and ``names`` (its assignees' names in every
    language, see domain.naming) are resolved beforehand, outside the transaction; None
    audience means the event only goes to the regional stream.
    """
    return receive_many(uow, [(envelope, audience, names)], settings, now=now)[0]


def receive_many(uow: UnitOfWork, items: list[tuple[Envelope, Audience | None, dict[str, Any] | None]],
                 settings: Settings, now: datetime | None = None) -> list[dict[str, Any]]:
    """:func:`receive` for ``items`` ``[(envelope, audience, names)]`` in ONE transaction:
    one summary per item, in order. Duplicates (already processed, or repeated within
    ``items``) are ``{"duplicate": True}`` and make nothing. The processed-event rows,
    preferences, languages and webhooks are read, and the received events, inbox items and
    deliveries written, with one statement each for the whole batch (Core executemany, no
    ORM objects flushed); if anything fails nothing of the batch commits (the caller retries
    each event alone, see kelisim/events/handler.py).
    """
    now = now or utcnow()
    with uow:
        firsts = uow.first_times([envelope.id for envelope, _, _ in items], CONSUMER)
        fresh = [item for item, first in zip(items, firsts, strict=False) if first]
        repo = uow.repo
        owners: set[tuple[str, int]] = set()  # ("org_unit" | "person", id)
        units: set[int] = set()
        types: set[str] = set()
        for envelope, audience, _ in fresh:
            if audience is not None:
                owners.update(("org_unit", i) for i in audience.org_units)
                owners.update(("person", i) for i in audience.people)
                units.update(audience.org_units)
                types.add(envelope.type)
        preferences, languages, webhooks = {}, {}, []
        if owners:
            for event_type in types:
                preferences.update(repo.preferences_of(owners, event_type))
            languages = repo.languages_of(owners)
            webhooks = repo.active_webhooks_of(units)
        summaries = []
        events: list[dict[str, Any]] = []       # received_events rows
        items_rows: list[dict[str, Any]] = []   # inbox_items rows
        all_deliveries: list[DeliveryRecord] = []
        channel = InboxChannel(repo, clock=lambda: now)
        for (envelope, audience, names), first in zip(items, firsts, strict=False):
            if not first:
                summaries.append({"duplicate": True})
                continue
            event = received_event(envelope, now, names)
            events.append(_event_row(event))
            deliveries = planning.plan(event, audience, preferences if audience else {},
                                       webhooks if audience else [], now,
                                       email=settings.email_enabled,
                                       daily_at=settings.digest_daily_at, languages=languages,
                                       batch_seconds=settings.email_batch_seconds)
            inbox = [d for d in deliveries if d.channel == "inbox"]
            if inbox:  # written in this transaction: delivered exactly when it commits
                rendered = render(envelope.type, envelope.data, names, channel.languages)
                for delivery in inbox:
                    items_rows.append(channel.row(inbox_message(delivery, event, rendered)))
                    delivery.succeeded(now)
            all_deliveries.extend(deliveries)
            summary: dict[str, Any] = {}  # {channel: deliveries, "occurred_at": datetime}
            for delivery in deliveries:
                summary[delivery.channel] = summary.get(delivery.channel, 0) + 1
            summary["occurred_at"] = event.occurred_at
            summaries.append(summary)
        # one INSERT per table for the batch, no ORM objects flushed
        repo.insert_rows(events=events, inbox_items=items_rows, deliveries=all_deliveries)
        uow.commit()
    return summaries


def publish_stream_many(channel: Any, envelopes: list[Any]) -> Any:
    """:func:`publish_stream` for many envelopes, confirmed by the broker together (one
    wait for the broker's acks); the routing keys published for each envelope."""
    messages, keys = [], []
    for envelope in envelopes:
        mine = []
        for region, key in planning.stream_targets(envelope.regions, envelope.source,
                                                   envelope.type):
            messages.append(_stream_message(envelope, region, key))
            mine.append(key)
        keys.append(mine)
    if messages:
        channel.deliver_many(messages)
    return keys


def _stream_message(envelope: Envelope, region: str, key: str) -> Message:
    return Message(delivery_id=None, channel="stream", recipient=f"region:{region}",
                   target=key, event_id=envelope.id, event_type=envelope.type,
                   envelope=envelope.to_message(), region_code=region)


def publish_stream(channel: Any, envelope: Any) -> Any:
    """Republish ``envelope`` on the regional stream, once per region it concerns.

    Done after the intake committed and before the event is acknowledged, also for a
    duplicate: if publishing fails, the event is redelivered and published again, so the
    stream is at least once, and its consumers drop repeats by event id. It records no
    delivery, so it costs the database nothing. Returns the routing keys published.
    """
    keys = []
    for region, key in planning.stream_targets(envelope.regions, envelope.source, envelope.type):
        channel.deliver(Message(delivery_id=None, channel="stream", recipient=f"region:{region}",
                                target=key, event_id=envelope.id, event_type=envelope.type,
                                envelope=envelope.to_message(), region_code=region))
        keys.append(key)
    return keys
