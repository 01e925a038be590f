"""Publishing report events exactly once per (report, event kind, stage).

The event goes to the outbox and its stamp row into ``reminder_stamps`` in the caller's
transaction: a second attempt at the same stage (a rerun, a restart, another instance)
finds the stamp, or loses the race on its primary key, and publishes nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from kelisim.db.uow import UnitOfWork
    from kelisim.events.envelope import Envelope
    from services.reports.domain.reports import Report
    from services.reports.domain.templates import Template


def report_ref(report: Report, template: Template) -> dict[str, Any]:
    """The fields every report event carries (``ReportRef`` in the catalogue)."""
    return {
        "report_id": report.id, "template_code": report.template_code,
        "template_title": template.title_kk, "template_title_ru": template.title_ru,
        "period": report.period, "org_unit_id": report.org_unit_id,
        "region_code": report.region_code, "due_date": report.due_date.isoformat(),
    }


def emit_once(uow: UnitOfWork, report: Report, template: Template, kind: str, stage: int,
              extra: dict[str, Any], now: datetime) -> Envelope | None:
    """Emit ``kind`` for ``report`` at ``stage`` unless it was; return the envelope or None."""
    if uow.repo.stamped(report.id, kind, stage):
        return None
    regions = [report.region_code] if report.region_code else []
    envelope = uow.emit(kind, {**report_ref(report, template), **extra}, regions=regions)
    if not uow.repo.stamp(report.id, kind, stage, envelope.id, now):
        return None  # the caller must not commit: its outbox row would be a duplicate
    return envelope
