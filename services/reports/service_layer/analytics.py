"""Completeness, timeliness and roll-ups over collected reports.

Reporting rate = reports submitted or accepted / reports expected x 100, and on-time
rate = those whose first submission came by the due date plus the timely window /
expected x 100 (DHIS2's REPORTING_RATE and REPORTING_RATE_ON_TIME). Roll-ups aggregate
each numeric field (sum, average, minimum, maximum) per region or per base project.
"""
from __future__ import annotations

import base64
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from kelisim.access import scope_region
from kelisim.clock import today as kz_today
from kelisim.errors import Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.reports.adapters import exports
from services.reports.contract import schemas
from services.reports.domain.rollups import NOT_SUMMED, Aggregate, roll_up
from services.reports.service_layer.reports import period_range

if TYPE_CHECKING:
    from datetime import date

    from kelisim.db.uow import UnitOfWork
    from services.reports.adapters.repository import ReportsRepository
    from services.reports.domain.templates import Template

K = TypeVar("K", bound=Hashable)  # a key of the totals
NATIONAL = "national"


def _range(query: dict[str, Any], today: date) -> tuple[date, date]:
    first, last = period_range(query, today)
    if first > last:
        raise Invalid(_("the range ends before it starts"), {"to": _("must not precede from")})
    return first, last


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100.0 / whole, 1) if whole else None


def _row(template: str | None = None, period: str | None = None, region: str | None = None, expected: int = 0,
         reported: int = 0, on_time: int = 0) -> dict[str, Any]:
    return {"template_code": template, "period": period, "region_code": region,
            "expected": expected, "reported": reported, "on_time": on_time,
            "missing": expected - reported, "reporting_rate": _rate(reported, expected),
            "on_time_rate": _rate(on_time, expected)}


def _add(totals: dict[K, list[int]], key: K, expected: int, reported: int, on_time: int) -> None:
    """Add the counts to ``totals[key]``: [expected, reported, on time]."""
    total = totals.setdefault(key, [0, 0, 0])
    total[0] += expected
    total[1] += reported
    total[2] += on_time


def reporting_rates(uow: UnitOfWork, query: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """Rates per template, period and region; per template and period nationally; per
    region; and one national figure for the whole range."""
    query = load(schemas.RatesQuery, query)
    today = today or kz_today()
    first, last = _range(query, today)
    with uow:
        region = scope_region(uow.context.actor, query.get("region"))
        codes = None
        if query.get("period_type"):
            codes = [t.code for t in uow.repo.latest_templates(period_type=query["period_type"])]
        counts = uow.repo.reporting_counts(period_from=first, period_to=last, region=region,
                                           template=query.get("template"),
                                           period_type_templates=codes,
                                           due_before=None if query["include_not_due"]
                                           else today)
    counts = sorted(counts, key=lambda c: (c[0], c[3], c[2] or ""))
    rows, national = [], [0, 0, 0]
    by_template: dict[tuple[str, str], list[int]] = {}  # (template, period) -> counts
    by_region: dict[str | None, list[int]] = {}  # None: the RGU's own
    for template, period, region_code, _start, expected, reported, on_time in counts:
        reported, on_time = int(reported or 0), int(on_time or 0)
        rows.append(_row(template, period, region_code, expected, reported, on_time))
        _add(by_template, (template, period), expected, reported, on_time)
        _add(by_region, region_code, expected, reported, on_time)
        national = [a + b for a, b in zip(national, (expected, reported, on_time), strict=False)]
    return {
        "period_from": first.isoformat(), "period_to": last.isoformat(),
        "as_of": today.isoformat(), "rows": rows,
        "by_template": [_row(t, p, None, *v) for (t, p), v in by_template.items()],
        "by_region": [_row(None, None, r, *v) for r, v in sorted(
            by_region.items(), key=lambda item: item[0] or "")],
        "national": _row(None, None, None, *national),
    }


def _rollup_templates(repo: ReportsRepository, query: dict[str, Any]) -> list[Template]:
    if query.get("template"):
        templates = repo.latest_templates(code=query["template"])
        if not templates:
            raise NotFound(_("report template {template} not found", template=query['template']))
        return templates
    if query["by"] != "project":
        raise Invalid(_("name the template to roll up"), {
            "template": _("required unless by=project (all base-project templates)")})
    templates = [t for t in repo.latest_templates(project=query.get("project"))
                 if t.project_code]
    if not templates:
        if query.get("project"):
            raise NotFound(_("no report template is linked to the base project {project}",
                             project=query["project"]))
        raise NotFound(_("no report template is linked to a base project"))
    return templates


def _numeric_fields(templates: list[Template]) -> list[dict[str, Any]]:
    """The numeric fields of ``templates``, in order, each once (by code)."""
    seen = {}
    for template in templates:
        for spec in template.fields:
            if spec["type"] in ("integer", "decimal", "money", "percent") and \
                    spec["code"] not in seen:
                seen[spec["code"]] = {key: spec[key] for key in
                                      ("code", "type", "label_kk", "label_ru")}
                if spec.get("label_en"):
                    seen[spec["code"]]["label_en"] = spec["label_en"]
    return list(seen.values())


def rollup(uow: UnitOfWork, query: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """Aggregates of each numeric field over a period range, by region or base project."""
    query = load(schemas.RollupQuery, query)
    return _rollup(uow, query, today)


def _rollup(uow: UnitOfWork, query: dict[str, Any], today: date | None) -> dict[str, Any]:
    first, last = _range(query, today or kz_today())
    with uow:
        region = scope_region(uow.context.actor, query.get("region"))
        templates = _rollup_templates(uow.repo, query)
        fields = _numeric_fields(templates)
        template_codes = [t.code for t in templates]
        titles = {t.code: {"kk": t.title_kk, "ru": t.title_ru, "en": t.title_en}
                  for t in templates}
        rows = uow.repo.values_for_rollup(
            templates=template_codes, period_from=first, period_to=last,
            region=region, project=query.get("project"), accepted_only=query["accepted_only"])
    column = 1 if query["by"] == "region" else 2
    codes = [f["code"] for f in fields]
    reports: dict[str, int] = {}  # group name -> how many reports count in it

    def groups_of(row: Sequence[Any]) -> tuple[str, str]:  # (values, region, project)
        name = row[column] or "-"
        reports[name] = reports.get(name, 0) + 1
        return (name, NATIONAL)

    unsummed = {f["code"] for f in fields if f["type"] in NOT_SUMMED}
    aggregates = roll_up(((row[0] or {}, row) for row in rows), codes, groups_of, unsummed)
    return {
        "templates": template_codes, "by": query["by"],
        "template_titles": titles,
        "period_from": first.isoformat(), "period_to": last.isoformat(),
        "accepted_only": query["accepted_only"], "fields": fields,
        "groups": [{"group": name, "reports": reports[name], "fields": aggregates[name]}
                   for name in sorted(reports)],
        "national": {"group": NATIONAL, "reports": len(rows),
                     "fields": aggregates.get(NATIONAL) or {
                         code: Aggregate().result(code not in unsummed) for code in codes}},
    }


def export_rollup(uow: UnitOfWork, query: dict[str, Any], today: date | None = None,
                  regions: dict[str, Any] | None = None) -> dict[str, Any]:
    """The roll-up as a CSV or XLSX file: name, content type and base64 content. The XLSX
    reads in ``query["lang"]`` and names the ``regions`` ({code: name in kk, ru, en})."""
    query = load(schemas.ExportQuery, query)
    data = _rollup(uow, query, today)
    content, content_type, extension = exports.render(data, query["format"], query["lang"],
                                                      regions)
    name = "-".join(data["templates"]) if len(data["templates"]) == 1 else "base-projects"
    filename = f"rollup-{name}-by-{data['by']}-{data['period_from']}-{data['period_to']}.{extension}"
    return {"filename": filename, "content_type": content_type,
            "content": base64.b64encode(content).decode("ascii")}
