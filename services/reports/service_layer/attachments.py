"""Attachments of reports and of the register's events, as the gateway tells them (it keeps
the bytes and the metadata).

The gateway calls ``attachment_added`` / ``attachment_removed`` with the caller as actor.
A report takes or loses attachments while it can be edited (draft, returned, reopened:
what was submitted or accepted stays as it was, 409), by those who may change it (its
region's KGU, the RGU; 403 otherwise, 404 for a report the caller cannot read). Each is
written to the audit log (``attach`` / ``detach`` on the report: who, when, which file
and checksum). An event takes or loses attachments (protocols, photos, publications) from
whoever may change it, whatever its status (entity ``event`` in the audit log).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_writable
from kelisim.errors import Conflict, Invalid
from kelisim.i18n import _
from kelisim.labels import label
from services.reports.domain.reports import EDITABLE
from services.reports.service_layer import register
from services.reports.service_layer.reports import get_or_404

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

KINDS = ("report", "event")


def _summary(attachment: dict[str, Any]) -> dict[str, Any]:
    return {"attachment_id": attachment["id"], "filename": attachment["filename"],
            "media_type": attachment["media_type"], "size": attachment["size"],
            "sha256": attachment["sha256"]}


def _changeable(uow: UnitOfWork, kind: str, report_id: int) -> Any:
    if kind not in KINDS:
        raise Invalid(_("the reports service keeps no attachments of {kind}", kind=kind),
                      {"owner_kind": _("not kept here")})
    if kind == "event":
        event = register.get_or_404(uow, report_id)
        ensure_writable(uow.context.actor, event.region_code)
        return event
    report = get_or_404(uow, report_id)
    ensure_writable(uow.context.actor, report.region_code)
    if report.status not in EDITABLE:
        raise Conflict(_("a report that is {status} takes or loses no attachments",
                         status=label("report_status", report.status)),
                       {"status": _("attachments change while the report is a draft, "
                                    "returned or reopened")})
    return report


def attachment_added(uow: UnitOfWork, kind: str, report_id: int,
                     attachment: dict[str, Any]) -> dict[str, Any]:
    """Audit ``attachment`` (the gateway's dict) added to the report or event ``report_id``
    (``kind``: report or event). Returns ``{"kind", "id"}``."""
    return _audited(uow, kind, report_id, "attach", after=_summary(attachment))


def attachment_removed(uow: UnitOfWork, kind: str, report_id: int,
                       attachment: dict[str, Any]) -> dict[str, Any]:
    """Audit ``attachment`` removed from the report or event ``report_id``."""
    return _audited(uow, kind, report_id, "detach", before=_summary(attachment))


def _audited(uow: UnitOfWork, kind: str, record_id: int, action: str,
             **change: dict[str, Any]) -> dict[str, Any]:
    """An audit row ``action`` (``change``: its before or after) on the changeable report or
    event ``record_id``; ``{"kind", "id"}``."""
    with uow:
        record = _changeable(uow, kind, record_id)
        uow.audit(action, kind, record.id, region=record.region_code, **change)
        uow.commit()
        return {"kind": kind, "id": record.id}
