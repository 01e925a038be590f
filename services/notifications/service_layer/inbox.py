"""Use cases on the in-app inbox of an org unit: list, read, read all, archive."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable, ensure_writable
from kelisim.db.types import utcnow
from kelisim.errors import NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.notifications.contract import schemas
from services.notifications.domain.model import InboxItem
from services.notifications.service_layer.mailbox import mailbox_of

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from kelisim.db.uow import UnitOfWork
    from services.notifications.adapters.directory import RegistryDirectory

_OUT = schemas.InboxItemSchema()


def dump(item: InboxItem) -> dict[str, Any]:
    return _OUT.dump(item)


def list_inbox(uow: UnitOfWork, directory: RegistryDirectory, query: dict[str, Any]) -> dict[str, Any]:
    query = load(schemas.InboxQuery, query)
    unit = mailbox_of(uow.context.actor, directory, query.get("org_unit_id"))
    with uow:
        items, total = uow.repo.inbox(
            unit["id"], limit=query["limit"], offset=query["offset"], unread=query.get("unread"),
            event_type=query.get("type"), since=query.get("since"), archived=query["archived"])
        return {"items": [dump(i) for i in items], "total": total, "limit": query["limit"],
                "offset": query["offset"], "org_unit_id": unit["id"],
                "unread": uow.repo.unread_count(unit["id"])}


def unread_count(uow: UnitOfWork, directory: RegistryDirectory, query: dict[str, Any]) -> dict[str, Any]:
    """``{"org_unit_id", "unread"}``: the unread, unarchived items of the caller's inbox (or
    of the org unit ``query`` names, as :func:`list_inbox`): the badge every page shows, one
    COUNT instead of list_inbox's page, its count and this count. NotFound, Forbidden and
    Invalid as list_inbox."""
    query = load(schemas.InboxTarget, query)
    unit = mailbox_of(uow.context.actor, directory, query.get("org_unit_id"))
    with uow:
        return {"org_unit_id": unit["id"], "unread": uow.repo.unread_count(unit["id"])}


def _item(uow: UnitOfWork, item_id: int) -> InboxItem:
    item = uow.repo.inbox_item(item_id)
    if item is None:
        raise NotFound(_("inbox item {item_id} not found", item_id=item_id))
    ensure_readable(uow.context.actor, item.region_code,
                    _("inbox item {item_id} not found", item_id=item_id))
    ensure_writable(uow.context.actor, item.region_code)
    return item


def _stamps(item: InboxItem) -> dict[str, Any]:
    return {"read_at": _iso(item.read_at), "archived_at": _iso(item.archived_at)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def mark_read(uow: UnitOfWork, item_id: int) -> dict[str, Any]:
    return _stamped(uow, item_id, "read", InboxItem.mark_read)


def archive_item(uow: UnitOfWork, item_id: int) -> dict[str, Any]:
    return _stamped(uow, item_id, "archive", InboxItem.archive)


def _stamped(uow: UnitOfWork, item_id: int, action: str,
             stamp: Callable[[InboxItem, datetime], None]) -> dict[str, Any]:
    """Stamp the reader's inbox item ``item_id`` now (``stamp(item, now)``), with an audit row
    ``action`` of its stamps before and after; the item."""
    with uow:
        item = _item(uow, item_id)
        before = _stamps(item)
        stamp(item, utcnow())
        uow.audit(action, "inbox_item", item.id, before=before, after=_stamps(item),
                  region=item.region_code)
        uow.commit()
        return dump(item)


def mark_all_read(uow: UnitOfWork, directory: RegistryDirectory, query: dict[str, Any]) -> dict[str, Any]:
    query = load(schemas.InboxTarget, query)
    unit = mailbox_of(uow.context.actor, directory, query.get("org_unit_id"))
    ensure_writable(uow.context.actor, unit.get("region_code"))
    with uow:
        marked = uow.repo.mark_all_read(unit["id"], utcnow(), query.get("type"))
        uow.audit("read_all", "inbox", unit["id"], after={"marked": marked,
                                                         "type": query.get("type")},
                  region=unit.get("region_code"))
        uow.commit()
        return {"org_unit_id": unit["id"], "marked": marked}
