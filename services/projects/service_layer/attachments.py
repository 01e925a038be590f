"""Attachments of tasks, as the gateway tells them (it keeps the bytes and the metadata).

The gateway calls ``attachment_added`` / ``attachment_removed`` with the caller as actor:
the caller must be able to change the task (its region's KGU, the RGU; 403 otherwise,
404 for a task it cannot read), the change is written to the task's history (who, when,
which file and checksum) and the row kept here is what the deliverable rule counts
(tasks.update_task: a deliverable task is done only with at least one attachment).
Both are idempotent by attachment id.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_writable
from kelisim.db.records import stored_id
from kelisim.db.types import utcnow
from kelisim.errors import Conflict, Invalid
from kelisim.i18n import _
from services.projects.service_layer.common import record, task_or_404

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork


def _task_kind(kind: str) -> None:
    if kind != "task":
        raise Invalid(_("the projects service keeps attachments of tasks only"),
                      {"owner_kind": _("must be task")})


def _summary(attachment: dict[str, Any]) -> dict[str, Any]:
    return {"attachment_id": attachment["id"], "filename": attachment["filename"],
            "media_type": attachment["media_type"], "size": attachment["size"],
            "sha256": attachment["sha256"]}


def attachment_added(uow: UnitOfWork, kind: str, task_id: int, attachment: dict[str, Any]) -> dict[str, Any]:
    """Record that ``attachment`` (the gateway's dict: id, filename, media_type, size,
    sha256, uploaded_at ISO) now belongs to task ``task_id``. Returns
    ``{"task_id", "attachments": count}``. NotFound (404), Forbidden (403)."""
    _task_kind(kind)
    with uow:
        task = task_or_404(uow, task_id)
        ensure_writable(uow.context.actor, task.region_code)
        if uow.repo.attachment_known(attachment["id"]) is None:
            uow.repo.add_attachment({
                "attachment_id": attachment["id"], "task_id": task.id,
                "filename": attachment["filename"], "sha256": attachment["sha256"],
                "added_by": str(uow.context.actor.get("id", "system")),
                "added_at": _when(attachment.get("uploaded_at"))})
            record(uow, "task", stored_id(task), "attach", {"attachment": [None, _summary(attachment)]},
                   plan_id=task.plan_id)
        count = uow.repo.attachment_count(task.id)
        uow.commit()
        return {"task_id": task.id, "attachments": count}


def attachment_removed(uow: UnitOfWork, kind: str, task_id: int,
                       attachment: dict[str, Any]) -> dict[str, Any]:
    """Record that ``attachment`` no longer belongs to task ``task_id``: write rights on the
    task as for adding; the last attachment of a done deliverable task stays (409: reopen
    the task first). Returns ``{"task_id", "attachments": count}``."""
    _task_kind(kind)
    with uow:
        task = task_or_404(uow, task_id)
        ensure_writable(uow.context.actor, task.region_code)
        known = uow.repo.attachment_known(attachment["id"]) is not None
        if known and task.deliverable and task.status == "done" \
                and uow.repo.attachment_count(task.id) <= 1:
            raise Conflict(_("the last attachment of a done deliverable task stays: reopen "
                             "the task first"),
                           {"status": _("the task is done and needs its document")})
        if known:
            uow.repo.remove_attachment(attachment["id"])
            record(uow, "task", stored_id(task), "detach", {"attachment": [_summary(attachment), None]},
                   plan_id=task.plan_id)
        count = uow.repo.attachment_count(task.id)
        uow.commit()
        return {"task_id": task.id, "attachments": count}


def _when(value: str | datetime | None) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value or utcnow()
