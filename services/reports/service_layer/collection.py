"""The scheduled collection job: expected reports appear, reminders go out, each once.

Both steps are idempotent, so the job may run again, after a restart, or on two
instances at once: obligations are unique per (template, period, org unit), and each
reminder is stamped per (report, kind, stage) in the transaction that publishes it.

A run looks back a bounded window only: it creates the obligations of periods that ended at
most ``LOOKBACK_DAYS`` days before today, and of the current period; older periods of a
template that starts far in the past are never owed (nor escalated), however early its
``active_from``.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from kelisim.clock import local_date as kz_date
from kelisim.db.types import utcnow
from kelisim.logging import get_logger
from services.reports.domain.periods import period_containing, periods_starting_between
from services.reports.domain.reminders import reminder_for
from services.reports.service_layer import org_units
from services.reports.service_layer.events import emit_once

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.engine.row import Row

    from kelisim.db.uow import UnitOfWork
    from services.reports.domain.reports import OrgUnit
    from services.reports.domain.templates import Template

MAX_REMIND_DAYS = 90  # the schema's limit on remind_days_before
LOOKBACK_DAYS = 366  # the oldest period a run creates obligations for ended this long ago
log = get_logger(__name__)


def _first_day(template: Template, today: date) -> date:
    """The first day of the first period a run collects: the template's first period, or the
    period holding the first day of the look-back window when that is later."""
    start = template.active_from or kz_date(template.created_at or utcnow())
    start = max(start, today - timedelta(days=LOOKBACK_DAYS))
    return period_containing(start, template.period_type).start


def expected_rows(template: Template, units: list[OrgUnit], known: set[Any] | set[Row], today: date,
                  now: datetime) -> list[dict[str, Any]]:
    """Rows of the reports ``template`` expects up to ``today`` that are not in ``known``."""
    last_day = min(today, template.active_until) if template.active_until else today
    rows = []
    first_day = _first_day(template, today)
    for period in periods_starting_between(template.period_type, first_day, last_day):
        for unit in units:
            if (period.code, unit.id) in known or not template.must_report(unit):
                continue
            if not unit.open_during(period.start, period.end):
                continue
            rows.append({
                "template_id": template.id, "template_code": template.code,
                "template_version": template.version, "period": period.code,
                "period_start": period.start, "period_end": period.end,
                "org_unit_id": unit.id, "region_code": unit.region_code,
                "project_code": template.project_code,
                "due_date": template.due_date(period), "timely_until": template.timely_until(period),
                "status": "draft", "values": {}, "submission_count": 0, "reopen_count": 0,
                "created_at": now, "updated_at": now, "version": 1,
            })
    return rows


def withdraw_obligations(uow: UnitOfWork, units: list[OrgUnit]) -> int:
    """Drop untouched drafts of periods an org unit turned out not to be open (a closing or
    opening date recorded late); return how many. Anything filled in or submitted stays."""
    withdrawn = 0
    for unit in units:
        for report in uow.repo.untouched_outside(unit):
            uow.audit("withdraw", "report", report.id, region=report.region_code, before={
                "template_code": report.template_code, "period": report.period,
                "org_unit_id": unit.id, "opened_on": str(unit.opened_on),
                "closed_on": str(unit.closed_on)})
            uow.repo.delete_report(report)
            withdrawn += 1
    return withdrawn


def generate_obligations(uow: UnitOfWork, today: date, attempts: int = 3) -> int:
    """Create every expected report missing up to ``today`` and withdraw those no longer
    expected; return how many were created."""
    created = 0
    with uow:
        units = uow.repo.org_units()
        withdraw_obligations(uow, units)
        for template in uow.repo.latest_templates():
            for _ in range(attempts):
                rows = expected_rows(template, units, uow.repo.obligation_keys(template.code),
                                     today, utcnow())
                if uow.repo.insert_reports(rows):
                    break
                rows = []  # another instance inserted some first: look again
            if rows:
                created += len(rows)
                uow.audit("expect", "report_obligations", template.code, after={
                    "created": len(rows), "periods": sorted({r["period"] for r in rows})})
        uow.commit()
    return created


def send_reminders(uow: UnitOfWork, today: date) -> dict[str, Any]:
    """Publish each due-soon and overdue reminder not yet sent; return counts by kind."""
    with uow:
        pending = uow.repo.pending_reminders(today + timedelta(days=MAX_REMIND_DAYS))
        templates = uow.repo.templates_by_id([r.template_id for r in pending])
        wanted = [r.id for r in pending if reminder_for(r, templates[r.template_id], today)]
    sent: dict[str, int] = {}  # reminder kind -> how many
    for report_id in wanted:
        try:
            kind = _remind(uow, report_id, today)
        except Exception as exc:  # one broken report must not stop the others
            log.error("reminder failed", report_id=report_id, error=repr(exc))
            continue
        if kind:
            sent[kind] = sent.get(kind, 0) + 1
    return sent


def _remind(uow: UnitOfWork, report_id: int, today: date) -> str | None:
    """Send one report's reminder in its own transaction; its kind, or None if not needed."""
    with uow:
        report = uow.repo.report(report_id)
        template = uow.repo.template(report.template_id)
        reminder = reminder_for(report, template, today)
        if reminder is None:
            return None
        if emit_once(uow, report, template, reminder.kind, reminder.stage, reminder.data,
                     utcnow()) is None:
            return None  # already sent (the uow rolls back the unsent outbox row)
        uow.commit()
        return reminder.kind


def run(uow: UnitOfWork, today: date, registry_units: Any = None) -> dict[str, Any]:
    """One run of the job: sync org units if the registry answered, obligations, reminders."""
    synced = org_units.sync(uow, registry_units) if registry_units is not None else None
    created = generate_obligations(uow, today)
    sent = send_reminders(uow, today)
    return {"today": today.isoformat(), "org_units_synced": synced,
            "obligations_created": created, "reminders_sent": sent}
