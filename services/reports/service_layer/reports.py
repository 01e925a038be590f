"""Use cases on reports: list, read, fill in, submit, accept, return, reopen, history.

A KGU coordinator sees and edits its own region's reports only; only the RGU
(``rgu_admin``) accepts, returns and reopens. Every transition is audited and
publishes its event once, in the same transaction.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from kelisim.access import ensure_writable, readable_or_404, scope_region
from kelisim.clock import local_date as kz_date
from kelisim.clock import today as kz_today
from kelisim.db.types import utcnow
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.errors import Conflict
from kelisim.i18n import _
from kelisim.schemas import listing, load
from services.reports.contract import schemas
from services.reports.domain import prefill
from services.reports.domain.periods import parse_period
from services.reports.domain.reports import EDITABLE
from services.reports.service_layer.events import emit_once
from services.reports.service_layer.templates import ensure_manager

if TYPE_CHECKING:
    from datetime import datetime

    from kelisim.db.uow import UnitOfWork
    from kelisim.i18n import Msg
    from services.reports.domain.reports import Report
    from services.reports.domain.templates import Template

_OUT = schemas.ReportSchema()


def dump(report: Report, today: date | None = None) -> dict[str, Any]:
    today = today or kz_today()
    data = _OUT.dump(report)
    data["overdue"] = report.is_overdue(today)
    data["days_overdue"] = report.days_late(today) if data["overdue"] else 0
    return data


def get_or_404(uow: UnitOfWork, report_id: int) -> Report:
    return readable_or_404(uow.context.actor, uow.repo.report(report_id),
                           _("report {report_id} not found", report_id=report_id))


def list_reports(uow: UnitOfWork, query: Any, today: date | None = None) -> dict[str, Any]:
    query = load(schemas.ReportQuery, query)
    today = today or kz_today()
    filters = {name: query.get(name) for name in (
        "template", "project", "period", "status", "org_unit_id", "missing", "due_after",
        "due_before")}
    if query.get("overdue"):
        filters["overdue_on"] = today
    if query.get("year"):
        filters["period_from"] = date(query["year"], 1, 1)
        filters["period_to"] = date(query["year"], 12, 31)
    with uow:
        region = scope_region(uow.context.actor, query.get("region"))
        items, total = uow.repo.reports(region=region, limit=query["limit"],
                                        offset=query["offset"], sort=query.get("sort"),
                                        **filters)
        return listing([dump(r, today) for r in items], total, query)


def register_figures(uow: UnitOfWork, report: Report, template: Template) -> dict[str, Any]:
    """``{field: figure}`` of the report's fields the events register fills in (see
    domain/prefill.py): counted over the report's period, for its region when a KGU
    reports, else for its org unit; a base-project template counts its project only."""
    codes = prefill.prefilled_fields(field["code"] for field in template.fields)
    if not codes:
        return {}
    unit = uow.repo.org_unit(report.org_unit_id)
    scope: dict[str, str | int | None] = {"region": report.region_code} \
        if unit is None or unit.kind == "kgu" else {"org_unit_id": report.org_unit_id}
    if template.project_code:
        scope["project"] = template.project_code
    figures = {}
    for code in codes:
        rows = uow.repo.event_rows(status="recorded", date_from=report.period_start,
                                   date_to=report.period_end, **scope,
                                   **prefill.PREFILLED[code]["filters"])
        figures[code] = prefill.figure(rows, code)
    return figures


def with_register(uow: UnitOfWork, report: Report, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The dump of one report with the register's figures, the fields they prefill (an
    editable report's fields with no typed value: shown in ``values``) and the typed
    values that disagree with them."""
    data = data or dump(report)
    figures = register_figures(uow, report, _template(uow, report))
    data["register_figures"] = figures
    values = dict(data.get("values") or {})
    data["disagreements"] = prefill.disagreements(values, figures)
    data["prefilled"] = []
    if report.status in EDITABLE:
        data["prefilled"] = [code for code in figures if values.get(code) is None]
        data["values"] = {**values, **{code: figures[code] for code in data["prefilled"]}}
    return data


def _prefilled(uow: UnitOfWork, report: Report, values: dict[str, Any] | None) -> dict[str, Any]:
    """``values`` with each register-filled field that has no typed value taken from the
    register (what a submit stores; a saved draft keeps following the register)."""
    figures = register_figures(uow, report, _template(uow, report))
    values = dict(values or {})
    for code, counted in figures.items():
        if values.get(code) is None:
            values[code] = counted
    return values


def get_report(uow: UnitOfWork, report_id: int) -> dict[str, Any]:
    with uow:
        return with_register(uow, get_or_404(uow, report_id))


def history(uow: UnitOfWork, report_id: int) -> list[dict[str, Any]]:
    """The audit trail of one report, newest first."""
    with uow:
        get_or_404(uow, report_id)
        return uow.audit_entries(entity="report", entity_id=report_id, limit=200)


def _writable(uow: UnitOfWork, report_id: int, version: int) -> Report:
    """The report, if the actor may change it and ``version`` is current."""
    report = get_or_404(uow, report_id)
    ensure_writable(uow.context.actor, report.region_code)
    check_version(report, version, _("report {id}", id=report_id))
    return report


def _template(uow: UnitOfWork, report: Report) -> Template:
    return uow.repo.template(report.template_id)


class Emit(NamedTuple):
    """The event a change publishes once per ``stage`` (see events.emit_once)."""

    event: str
    stage: int
    extra: dict[str, Any]
    now: datetime


def _finish(uow: UnitOfWork, report: Report, action: str, before: dict[str, Any],
            emit: Emit | None = None) -> dict[str, Any]:
    """Flush (a lost race is a 409), audit, emit the event once, commit; return the dump."""
    with concurrent_update_guard(_("report {id}", id=report.id)):
        uow.flush()
    after = dump(report)
    uow.audit(action, "report", report.id, before=before, after=after, region=report.region_code)
    if emit is not None:
        sent = emit_once(uow, report, _template(uow, report), emit.event, emit.stage, emit.extra,
                         emit.now)
        if sent is None:
            raise Conflict(_("report {id} was changed concurrently: reload", id=report.id),
                           {"status": _("{event} already published for this stage",
                                        event=emit.event)})
    uow.commit()
    return after


def save_report(uow: UnitOfWork, report_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Replace the values of a draft, returned or reopened report (checked by type only)."""
    data = load(schemas.ReportSaveSchema, data)
    with uow:
        report = _writable(uow, report_id, data["version"])
        values = _template(uow, report).validate(data["values"], complete=False)
        before = dump(report)
        report.save(values, utcnow())
        return with_register(uow, report, _finish(uow, report, "save", before))


def submit_report(uow: UnitOfWork, report_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Submit (optionally with final values): required fields and rules must hold."""
    data = load(schemas.ReportSubmitSchema, data)
    with uow:
        report = _writable(uow, report_id, data["version"])
        values = data["values"] if "values" in data else report.values
        values = _template(uow, report).validate(_prefilled(uow, report, values),
                                                 complete=True)
        before = dump(report)
        now = utcnow()
        report.submit(values, now, kz_date(now))
        return with_register(uow, report, _finish(uow, report, "submit", before, Emit(
            "report_submitted", report.submission_count,
            {"submitted_at": now.isoformat(), "on_time": bool(report.on_time)}, now)))


def _decision(uow: UnitOfWork, report_id: int, version: int, doing: Msg) -> Report:
    report = get_or_404(uow, report_id)
    ensure_manager(uow.context.actor, doing)
    check_version(report, version, _("report {id}", id=report_id))
    return report


def accept_report(uow: UnitOfWork, report_id: int, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.ReportAcceptSchema, data)
    with uow:
        report = _decision(uow, report_id, data["version"],
                           _("only the RGU may accept reports"))
        before, now = dump(report), utcnow()
        report.accept(now, uow.context.actor_id, data.get("comment"))
        return _finish(uow, report, "accept", before, Emit(
            "report_accepted", report.submission_count, {"accepted_at": now.isoformat()}, now))


def return_report(uow: UnitOfWork, report_id: int, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.ReportReturnSchema, data)
    with uow:
        report = _decision(uow, report_id, data["version"],
                           _("only the RGU may return reports"))
        before, now = dump(report), utcnow()
        report.return_for_correction(now, uow.context.actor_id, data["comment"])
        return _finish(uow, report, "return", before, Emit(
            "report_returned", report.submission_count, {"comment": data["comment"]}, now))


def reopen_report(uow: UnitOfWork, report_id: int, data: dict[str, Any]) -> dict[str, Any]:
    data = load(schemas.ReportReopenSchema, data)
    with uow:
        report = _decision(uow, report_id, data["version"],
                           _("only the RGU may reopen reports"))
        before, now = dump(report), utcnow()
        report.reopen(now, uow.context.actor_id, data["reason"])
        return _finish(uow, report, "reopen", before, Emit(
            "report_reopened", report.reopen_count, {"reason": data["reason"]}, now))


def period_range(query: dict[str, Any], today: date | None = None) -> tuple[date, date]:
    """(first day, last day) of a RangeQuery: a year, from/to periods, else this year."""
    if query.get("period_from") or query.get("period_to"):
        first = parse_period(query.get("period_from") or query["period_to"]).start
        last = parse_period(query.get("period_to") or query["period_from"]).end
        return first, last
    year = query.get("year") or (today or kz_today()).year
    return date(year, 1, 1), date(year, 12, 31)
