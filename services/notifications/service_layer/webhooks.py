"""Use cases on webhooks: an org unit registers a URL for the event types it wants."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, ensure_writable, scope_region
from kelisim.db.types import utcnow
from kelisim.errors import Conflict, Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.notifications.adapters.channels import pinned
from services.notifications.contract import schemas
from services.notifications.domain.destinations import (
    DestinationPolicy,
    Refused,
    Unresolvable,
    allowed_addresses,
    split_url,
)
from services.notifications.domain.model import Webhook
from services.notifications.service_layer.mailbox import mailbox_of

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from services.notifications.adapters.directory import RegistryDirectory

_OUT = schemas.WebhookSchema()


def dump(hook: Webhook) -> dict[str, Any]:
    return _OUT.dump(hook)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


RESOLVE_SECONDS = 5.0  # a name server slower than this is taken as one that did not answer


def check_destination(url: str, policy: DestinationPolicy, resolver: Callable = pinned.resolve,
                      seconds: float = RESOLVE_SECONDS) -> None:
    """Refuse (422 naming ``url``) a URL the destination policy does not allow: not http(s),
    credentials in it, or a host resolving to any non-public address the operator did not
    allow (see ``domain.destinations``). Checked again at every connection. The name is
    resolved within ``seconds`` (the coordinator's name server may never answer)."""
    try:
        allowed_addresses(url, policy, pinned.within(
            resolver, seconds, Unresolvable("no answer from the name server")))
    except Refused as exc:
        raise Invalid(_("this webhook URL is not allowed: {reason}", reason=exc.reason),
                      {"url": exc.reason}) from None
    except Unresolvable:
        if policy.host_allowed(split_url(url).host):
            return  # a host the operator allowed by name: it may resolve later
        # the same answer as for an internal name: nothing is learnt about internal names
        reason = "the host does not resolve to public internet addresses only"
        raise Invalid(_("this webhook URL is not allowed: {reason}", reason=reason),
                      {"url": reason}) from None


MAX_PER_ORG_UNIT = 20  # as the well-kept webhook senders bound them (GitHub: 20 per event)


def register_webhook(uow: UnitOfWork, directory: RegistryDirectory, data: dict[str, Any],
                     policy: DestinationPolicy | None = None, resolver: Callable = pinned.resolve,
                     limit: int = MAX_PER_ORG_UNIT) -> dict[str, Any]:
    """Register a webhook of the caller's org unit (or ``org_unit_id``); its URL must pass
    :func:`check_destination` under ``policy`` (public addresses only by default). An org
    unit has at most ``limit`` webhooks (each event of the unit is sent to each of them):
    Conflict (409) beyond. Returns the webhook with its secret, shown this once."""
    data = load(schemas.WebhookCreateSchema, data)
    actor = uow.context.actor
    unit = mailbox_of(actor, directory, data.pop("org_unit_id"))
    ensure_writable(actor, unit.get("region_code"))
    check_destination(data["url"], policy or DestinationPolicy(), resolver)
    with uow:
        if limit and len(uow.repo.webhooks(org_unit_id=unit["id"])) >= limit:
            raise Conflict(_("org unit {id} has {limit} webhooks already, the most it may "
                             "have: remove one first", id=unit["id"], limit=limit))
        hook = Webhook(org_unit_id=unit["id"], region_code=unit.get("region_code"),
                       url=data["url"], secret=new_secret(),
                       event_types=sorted(set(data["event_types"])),
                       description=data["description"], created_at=utcnow(),
                       created_by=uow.context.actor_id)
        uow.repo.add(hook)
        uow.flush()
        after = dump(hook)
        uow.audit("create", "webhook", hook.id, after=after, region=hook.region_code)
        uow.commit()
        return dict(after, secret=hook.secret)


def list_webhooks(uow: UnitOfWork, query: dict[str, Any]) -> list[dict[str, Any]]:
    query = load(schemas.WebhookQuery, query)
    with uow:
        region = scope_region(uow.context.actor)
        hooks = uow.repo.webhooks(region=region, org_unit_id=query.get("org_unit_id"))
        return [dump(h) for h in hooks]


def _writable(uow: UnitOfWork, webhook_id: int) -> Webhook:
    hook = uow.repo.webhook(webhook_id)
    if hook is None or hook.deleted_at is not None:
        raise NotFound(_("webhook {webhook_id} not found", webhook_id=webhook_id))
    ensure_readable(uow.context.actor, hook.region_code,
                    _("webhook {webhook_id} not found", webhook_id=webhook_id))
    ensure_writable(uow.context.actor, hook.region_code)
    return hook


def delete_webhook(uow: UnitOfWork, webhook_id: int) -> None:
    """Remove a webhook; what it had not received yet is cancelled, sends in flight
    included (their outcome is logged when they end, but they are not tried again)."""
    with uow:
        hook = _writable(uow, webhook_id)
        before = dump(hook)
        hook.deleted_at = utcnow()
        hook.active = False
        for delivery in uow.repo.unfinished_of_webhook(hook.id):
            delivery.cancel()
        uow.audit("delete", "webhook", hook.id, before=before, region=hook.region_code)
        uow.commit()


def enable_webhook(uow: UnitOfWork, webhook_id: int, policy: DestinationPolicy | None = None,
                   resolver: Callable = pinned.resolve) -> dict[str, Any]:
    """Turn a disabled webhook back on (after fixing its receiver); its URL must still
    pass :func:`check_destination` (the policy may have narrowed since)."""
    with uow:
        hook = _writable(uow, webhook_id)
        check_destination(hook.url, policy or DestinationPolicy(), resolver)
        before = dump(hook)
        hook.enable()
        after = dump(hook)
        uow.audit("enable", "webhook", hook.id, before=before, after=after,
                  region=hook.region_code)
        uow.commit()
        return after
