"""Sending recorded deliveries through their channels, each in its own unit of work.

A delivery is leased (``sending``) in a short transaction, sent with no transaction
open, and its outcome recorded in another: delivered, or failed and scheduled again
with backoff, or dead once its channel's retry window has passed (then dead-lettered
for operators). A send cut off by a crash is repeated only on channels whose receivers
recognise repeats; an e-mail that may have gone out is not sent twice blindly.
"""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from kelisim.db.races import retry_on_unique
from kelisim.db.records import stored_id
from kelisim.db.types import utcnow
from kelisim.i18n import DEFAULT_LANGUAGE
from services.notifications.adapters.channels import DeliveryFailed, Message
from services.notifications.contract import is_critical
from services.notifications.domain.model import NOTICE_WEBHOOK_DISABLED, Attempt, Delivery, InboxItem
from services.notifications.domain.templates import TEMPLATES, render

if TYPE_CHECKING:
    from datetime import datetime
    from random import Random

    from kelisim.db.uow import UnitOfWork
    from services.notifications.adapters.channels.base import Channel, DeliveryFailed, Message
    from services.notifications.adapters.repository import NotificationsRepository
    from services.notifications.domain.backoff import RetryPolicy
    from services.notifications.domain.model import ReceivedEvent, Webhook
    from services.notifications.domain.templates import Rendered

DIGEST = "digest"


def claim(uow: UnitOfWork, channel: str, now: datetime, limit: int, lease: int, choose: Any = None,
          skip_webhooks: Collection[Any] = (), skip_regions: Collection[Any] = ()) -> list[int]:
    """Lease due deliveries of ``channel`` for ``lease`` seconds; their ids. ``choose``,
    ``skip_webhooks`` and ``skip_regions``: see ``NotificationsRepository.claim_due``."""
    with uow:
        ids = uow.repo.claim_due(channel, now, limit, lease, choose, skip_webhooks,
                                 skip_regions)
        uow.commit()
        return ids


def next_due(uow: UnitOfWork, channel: Any) -> Any:
    with uow:
        return uow.repo.next_due_at(channel)


def _rendered(event: ReceivedEvent | None) -> Rendered | None:
    if event is None or event.type not in TEMPLATES:
        return None
    return render(event.type, event.envelope["data"], event.names)


def message_for(repo: NotificationsRepository,
                delivery: Delivery) -> Message:
    """What the channel needs to send ``delivery``."""
    event = repo.event(delivery.event_id) if delivery.event_type != DIGEST else None
    message = Message(
        delivery_id=delivery.id, channel=delivery.channel, recipient=delivery.recipient,
        target=delivery.target, event_id=delivery.event_id, event_type=delivery.event_type,
        envelope=event.envelope if event else None, rendered=_rendered(event),
        org_unit_id=delivery.org_unit_id, region_code=delivery.region_code,
        webhook_id=delivery.webhook_id, critical=is_critical(delivery.event_type),
        language=delivery.language or DEFAULT_LANGUAGE, batch=bool(delivery.batch_key))
    if delivery.webhook_id is not None:
        message.secret = repo.webhook(delivery.webhook_id).secret
    if delivery.event_type == DIGEST:
        for item in repo.digest_items(delivery.id):
            item_event = repo.event(item.event_id)
            message.digest.append((item.event_type, item.occurred_at, _rendered(item_event)))
    return message


def send(uow_factory: Callable, channel: Channel, delivery_id: int,
         policy: RetryPolicy, now: Callable[[], datetime] = utcnow,
         rng: Random | None = None) -> tuple[str, Delivery] | tuple[str, None]:
    """Send one leased delivery and record the attempt; return its outcome and the delivery."""
    return send_batch(uow_factory, channel, [delivery_id], policy, now, rng)[0]


def send_batch(uow_factory: Callable, channel: Channel, delivery_ids: list[int],
               policy: RetryPolicy, now: Callable[[], datetime] = utcnow,
               rng: Random | None = None) -> list[tuple[str, Delivery] | tuple[str, None]]:
    """Send leased deliveries one after another, then record every attempt in one
    transaction (no transaction is open while sending); [(outcome, delivery)] in order."""
    with uow_factory() as uow:
        deliveries = uow.repo.deliveries_by_id(delivery_ids)
        uow.repo.events([d.event_id for d in deliveries])  # one query for their messages
        messages = {d.id: message_for(uow.repo, d) for d in deliveries
                    if d.status == "sending"}
    results = {}
    for delivery_id, message in messages.items():
        started = time.perf_counter()
        failure, status_code = None, None
        try:
            status_code = channel.deliver(message)
        except DeliveryFailed as exc:
            failure = exc
        except Exception as exc:  # a bug or an unexpected library error: retried like a failure
            failure = DeliveryFailed(f"{type(exc).__name__}: {exc}")
        results[delivery_id] = (failure, status_code, (time.perf_counter() - started) * 1000,
                                now())
    if not results:
        return [("skipped", None) for _ in delivery_ids]
    with uow_factory() as uow:
        outcomes = {}
        for delivery in uow.repo.deliveries_by_id(list(results)):
            outcomes[delivery.id] = (_record(uow.repo, delivery, *results[delivery.id],
                                             policy=policy, rng=rng,
                                             repeatable=channel.repeatable), delivery)
        uow.commit()
    return [outcomes.get(i, ("skipped", None)) for i in delivery_ids]


def _record(repo: NotificationsRepository, delivery: Delivery,
            failure: DeliveryFailed | None,
            status_code: int | None, duration_ms: float, finished: datetime, policy: RetryPolicy,
            rng: Random | None, repeatable: bool = True) -> str:
    """Apply one attempt's outcome to ``delivery`` (and its webhook); return the outcome.

    A delivery that stopped being ``sending`` while it was sent (its webhook deleted or
    disabled meanwhile) keeps its status unless this attempt delivered it: it is never
    scheduled again. An attempt that may have been delivered (``maybe_delivered``) on a
    channel that is not ``repeatable`` is dead at once and goes to the operator."""
    hook = repo.webhook(delivery.webhook_id) if delivery.webhook_id is not None else None
    if delivery.status != "sending" and failure is not None:
        outcome = delivery.status  # cancelled or dead meanwhile: logged, not retried
    elif failure is None:
        delivery.succeeded(finished, status_code)
        outcome = "delivered"
        if hook is not None:
            hook.note_success(finished)
    else:
        if failure.maybe_delivered:
            dead = delivery.maybe_delivered(finished, repeatable, failure.error)
        else:
            dead = delivery.failed(finished, failure.error, policy,
                                   permanent=failure.permanent,
                                   status_code=failure.status_code, rng=rng)
        outcome = "dead" if dead else "failed"
        if hook is not None:
            hook.note_failure(finished)
            if dead:
                disable_webhook(repo, hook, delivery, finished)
    repo.add(Attempt(stored_id(delivery), finished, outcome, duration_ms=round(duration_ms, 3),
                     status_code=failure.status_code if failure else status_code,
                     error=failure.error[:2000] if failure else None))
    return outcome


def disable_webhook(repo: NotificationsRepository, hook: Webhook, delivery: Delivery, now: datetime) -> None:
    """A receiver that kept failing: stop calling it, give up on what it has pending, and
    tell its org unit in the inbox."""
    if not hook.disable(now, f"gave up on delivery {delivery.id} after {delivery.attempts} "
                             f"attempts: {delivery.last_error}"):
        return
    for other in repo.unfinished_of_webhook(hook.id):
        if other.id != delivery.id:
            other.status = "dead"
            other.claimed_until = None
            other.last_error = f"webhook {hook.id} was disabled"
    rendered = render(NOTICE_WEBHOOK_DISABLED, {"url": hook.url, "attempts": delivery.attempts,
                                                "error": delivery.last_error})
    repo.add(InboxItem(
        org_unit_id=hook.org_unit_id, region_code=hook.region_code,
        event_type=NOTICE_WEBHOOK_DISABLED, critical=True, title_kk=rendered.title_kk,
        title_ru=rendered.title_ru, body_kk=rendered.body_kk, body_ru=rendered.body_ru,
        data={"webhook_id": hook.id, "url": hook.url, "delivery_id": delivery.id},
        occurred_at=now, created_at=now))


def recover_stale(uow: UnitOfWork, channel: str, repeatable: bool, now: datetime) -> int:
    """Leases that ran out (the process died mid-send): retry them, or give up on those
    that may have been delivered. Returns how many were found."""
    with uow:
        stale = uow.repo.stale(channel, now)
        for delivery in stale:
            delivery.interrupted(now, repeatable)
            uow.repo.add(Attempt(delivery.id, now, "interrupted", error=delivery.last_error))
        if stale:
            uow.commit()
        return len(stale)


@retry_on_unique(what="the digests")
def compose_digests(uow: UnitOfWork, now: datetime) -> int:
    """Gather the e-mail items held back that are due into one e-mail per recipient: a
    digest of a period (hourly, daily), or what one action caused (a batch, by its
    correlation id). A batch of one goes out as the e-mail of its event. Replicas'
    dispatchers composing at once: the one that loses runs again and finds the items
    digested (the digest's key is its recipient and due time or batch). Items of a batch
    taken in after its digest went out (events held up in the broker) make a second digest,
    keyed apart: the same key again was refused at every try and stalled every digest."""
    with uow:
        groups = defaultdict(list)
        for item in uow.repo.due_digest_items(now):
            groups[(item.recipient, item.target, item.batch_key)].append(item)
        for (recipient, target, batch_key), items in groups.items():
            if batch_key:  # the rest of the action's e-mails go with the first that is due
                items = uow.repo.batch_items(recipient, batch_key)
            first = items[0]
            if batch_key and len(items) == 1:
                first.status, first.next_attempt_at, first.due_at = "pending", now, None
                continue
            key = batch_key or first.due_at.isoformat()
            if batch_key and (sent := uow.repo.batch_digests(recipient, batch_key)):
                key = f"{batch_key}+{sent}"  # came after its batch went out: a second e-mail
            digest = Delivery(
                channel="email", recipient=recipient, target=target,
                event_id=digest_event_id(recipient, key), event_type=DIGEST,
                org_unit_id=first.org_unit_id, region_code=first.region_code,
                person_id=first.person_id, occurred_at=min(i.occurred_at for i in items),
                created_at=now, next_attempt_at=now, language=first.language,
                batch_key=batch_key)
            uow.repo.add(digest)
            uow.flush()
            for item in items:
                item.status = "digested"
                item.digest_id = digest.id
        if groups:
            uow.commit()
        return len(groups)


def digest_event_id(recipient: str, key: str) -> str:
    """The digest's key among the deliveries (unique with its channel and recipient): at
    most 80 characters, a long ``key`` (a caller's correlation id may be 64) hashed rather
    than cut, so that two keys never meet in their first 80 characters."""
    text = f"digest:{recipient}:{key}"
    if len(text) <= 80:
        return text
    return f"digest:{recipient}:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def publish_dead_letters(uow: UnitOfWork, dead_letters: Any, now: datetime) -> Any:
    """Send dead deliveries not yet dead-lettered to the dead-letter queue."""
    with uow:
        published = 0
        try:
            for delivery in uow.repo.undead_lettered():
                dead_letters.publish(delivery)
                delivery.dead_lettered_at = now
                published += 1
        finally:
            if published:
                uow.commit()
        return published


def replay(uow: UnitOfWork, letter: dict[str, Any], now: datetime | None = None) -> str | None:
    """An operator replayed a dead delivery: try it again with a fresh retry budget."""
    with uow:
        delivery = uow.repo.delivery(letter.get("delivery_id"))
        if delivery is None or not delivery.replay(now or utcnow()):
            return None
        uow.commit()
        return delivery.channel


def backlog(uow: UnitOfWork) -> tuple[dict[str, Any], dict[str, Any]]:
    with uow:
        return uow.repo.backlog()
