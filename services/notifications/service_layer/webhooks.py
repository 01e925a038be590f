"""Use cases on webhooks: an org unit registers a URL for the event types it wants."""
import secrets

from kelisim.access import ensure_readable, ensure_writable, scope_region
from kelisim.db.types import utcnow
from kelisim.errors import NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.notifications import schemas
from services.notifications.domain.model import Webhook
from services.notifications.service_layer.mailbox import mailbox_of

_OUT = schemas.WebhookSchema()


def dump(hook):
    return _OUT.dump(hook)


def new_secret():
    return "whsec_" + secrets.token_urlsafe(32)


def register_webhook(uow, directory, data):
    data = load(schemas.WebhookCreateSchema(), data)
    actor = uow.context.actor
    unit = mailbox_of(actor, directory, data.pop("org_unit_id"))
    ensure_writable(actor, unit.get("region_code"))
    with uow:
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


def list_webhooks(uow, query):
    query = load(schemas.WebhookQuery(), query)
    with uow:
        region = scope_region(uow.context.actor)
        hooks = uow.repo.webhooks(region=region, org_unit_id=query.get("org_unit_id"))
        return [dump(h) for h in hooks]


def _writable(uow, webhook_id):
    hook = uow.repo.webhook(webhook_id)
    if hook is None or hook.deleted_at is not None:
        raise NotFound(_("webhook {webhook_id} not found", webhook_id=webhook_id))
    ensure_readable(uow.context.actor, hook.region_code, _("webhook {id}", id=webhook_id))
    ensure_writable(uow.context.actor, hook.region_code)
    return hook


def delete_webhook(uow, webhook_id):
    """Remove a webhook; what it had not received yet is cancelled."""
    with uow:
        hook = _writable(uow, webhook_id)
        before = dump(hook)
        hook.deleted_at = utcnow()
        hook.active = False
        for delivery in uow.repo.pending_of_webhook(hook.id):
            delivery.cancel()
        uow.audit("delete", "webhook", hook.id, before=before, region=hook.region_code)
        uow.commit()


def enable_webhook(uow, webhook_id):
    """Turn a disabled webhook back on (after fixing its receiver)."""
    with uow:
        hook = _writable(uow, webhook_id)
        before = dump(hook)
        hook.enable()
        after = dump(hook)
        uow.audit("enable", "webhook", hook.id, before=before, after=after,
                  region=hook.region_code)
        uow.commit()
        return after
