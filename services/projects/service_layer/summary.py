"""Where a project stands, and the whole programme: progress, tasks by status, earned value
against each plan's baseline (beside the figures on current dates), risk heat map and
overdue counts per region.

Earned value (PMI): PV follows the baseline the RGU approved, so a slip shows as a slip;
EV is today's progress of the baselined work; AC is what was spent. A plan without a
baseline (not approved yet) is measured against its current dates and budget, and the
summary says so (``measured_against: "current"`` and ``baseline.without``).
"""
from collections import defaultdict
from decimal import Decimal

from kelisim.access import scope_region
from kelisim.schemas import load
from services.projects import schemas
from services.projects.domain.baseline import baseline_fractions, earned_share, planned_share
from services.projects.domain.money import add_up, as_strings, earned_value, kzt
from services.projects.domain.risks import heat_map
from services.projects.service_layer.baselines import NO_BASELINE
from services.projects.service_layer.common import project_or_404, today, work_calendar
from services.projects.service_layer.projects import dump_indicator

STATUSES = ("planned", "in_progress", "done", "cancelled")


def _fractions(rows, as_of, calendar):
    """Planned and earned fraction (0..1) of the work in ``rows`` at ``as_of`` on their
    current dates, each task weighted by its duration in working days."""
    total = planned = earned = Decimal(0)
    for row in rows:
        if row.status == "cancelled" or row.kind == "phase":
            continue
        weight = Decimal(max(row.duration, 1))
        total += weight
        planned += weight * planned_share(row.start_date, row.due_date, row.duration, as_of,
                                          calendar)
        earned += weight * earned_share(row)
    if not total:
        return Decimal(0), Decimal(0), total
    return planned / total, earned / total, total


def plan_figures(repo, plans, as_of):
    """``{plan_id: figures}`` for ``plans``: ``earned_value`` (against the baseline, or the
    current dates when there is none), ``current`` (always on current dates and budget),
    ``baseline`` (None or its number, date and budget), ``progress`` (%), ``counts``."""
    calendar = work_calendar()
    ids = [p.id for p in plans]
    leaves, lines = defaultdict(list), defaultdict(list)
    baselines = repo.baselines(ids) if ids else {}
    if ids:
        for row in repo.leaf_rows(ids):
            leaves[row.plan_id].append(row)
        for line in repo.budget_lines(ids):
            lines[line.plan_id].append(line)
    figures = {}
    for plan in plans:
        rows = leaves[plan.id]
        budget = sum((line.planned for line in lines[plan.id]), Decimal(0))
        actual = sum((line.actual for line in lines[plan.id]), Decimal(0))
        planned, earned, weight = _fractions(rows, as_of, calendar)
        current = earned_value(budget, planned, earned, actual)
        baseline = (baselines.get(plan.id) or [None])[0]
        if baseline is not None:
            b_planned, b_earned = baseline_fractions(baseline, rows, as_of, calendar)
            measured = earned_value(baseline.budget, b_planned, b_earned, actual)
        else:
            measured = current
        counts = {status: 0 for status in STATUSES}
        for row in rows:
            counts[row.status] += 1
        counts["overdue"] = sum(1 for r in rows if r.status in ("planned", "in_progress")
                                and r.kind != "phase" and r.due_date < as_of)
        figures[plan.id] = {
            "earned_value": measured, "current": current, "weight": weight,
            "measured_against": "baseline" if baseline else "current",
            "baseline": None if baseline is None else {
                "number": baseline.number, "captured_at": baseline.captured_at.isoformat(),
                "budget": str(kzt(baseline.budget))},
            "progress": int((earned * 100).quantize(Decimal(1))), "counts": counts}
    return figures


def _figures_of(repo, plans, as_of):
    """Everything a summary shows for ``plans`` (one project, or the programme)."""
    figures = plan_figures(repo, plans, as_of)
    risks = repo.risks(plan_ids=[p.id for p in plans]) if plans else []
    by_region = defaultdict(list)
    for risk in risks:
        by_region[risk.region_code or "RGU"].append(risk)
    counts = {status: 0 for status in (*STATUSES, "overdue")}
    overdue = defaultdict(int)
    regions = []
    weight = done = Decimal(0)
    for plan in plans:
        plan_figures_ = figures[plan.id]
        weight += plan_figures_["weight"]
        done += plan_figures_["weight"] * plan_figures_["progress"]
        for name, value in plan_figures_["counts"].items():
            counts[name] += value
        overdue[plan.region_code or "RGU"] += plan_figures_["counts"]["overdue"]
        regions.append({
            "plan_id": plan.id, "project_code": plan.project_code,
            "region_code": plan.region_code, "year": plan.year, "status": plan.status,
            "progress": plan_figures_["progress"], "overdue": plan_figures_["counts"]["overdue"],
            "earned_value": as_strings(plan_figures_["earned_value"]),
            "earned_value_current": as_strings(plan_figures_["current"]),
            "measured_against": plan_figures_["measured_against"],
            "baseline": plan_figures_["baseline"]})
    without = [p.id for p in plans if figures[p.id]["baseline"] is None]
    lines = repo.budget_lines([p.id for p in plans]) if plans else []
    return {
        "progress": int((done / weight).quantize(Decimal(1))) if weight else 0,
        "tasks": counts,
        "earned_value": as_strings(add_up([figures[p.id]["earned_value"] for p in plans])),
        "earned_value_current": as_strings(add_up([figures[p.id]["current"] for p in plans])),
        "baseline": {"with": len(plans) - len(without), "without": without,
                     "note": NO_BASELINE if without else None},
        "budget": {name: str(kzt(sum((getattr(line, name) for line in lines), Decimal(0))))
                   for name in ("planned", "committed", "actual")},
        "risk_heat_map": {"project": heat_map(risks),
                          "by_region": {k: heat_map(v)["cells"] for k, v in by_region.items()}},
        "overdue_by_region": dict(overdue), "regions": regions,
    }


def project_summary(uow, code, query=None):
    """One base project: see the module docstring; ``year`` and ``as_of`` from the query."""
    query = load(schemas.SummaryQuery(), query or {})
    as_of = query.get("as_of") or today()
    year = query.get("year")
    with uow:
        repo = uow.repo
        project_or_404(repo, code)
        region = scope_region(uow.context.actor, None)
        plans = [p for p in repo.plans_of(code, year) if region is None or p.region_code == region]
        indicators = [dump_indicator(i) for i in repo.indicators() if code in i.projects]
        return {"project_code": code, "year": year, "as_of": as_of.isoformat(),
                **_figures_of(repo, plans, as_of), "indicators": indicators}


def programme_summary(uow, query=None):
    """The four base projects together and each on its own: progress, tasks by status,
    earned value (baseline and current), risk heat map and overdue counts per region
    (``projects`` keeps each project's earned value, as before, for old clients)."""
    query = load(schemas.ProgrammeSummaryQuery(), query or {})
    as_of = query.get("as_of") or today()
    year = query.get("year")
    with uow:
        repo = uow.repo
        region = scope_region(uow.context.actor, None)
        every, per_project = [], {}
        for project in repo.projects():
            plans = [p for p in repo.plans_of(project.code, year)
                     if region is None or p.region_code == region]
            every.extend(plans)
            figures = _figures_of(repo, plans, as_of)
            figures.pop("regions")
            per_project[project.code] = figures
        programme = _figures_of(repo, every, as_of)
        programme.pop("regions")
        return {"as_of": as_of.isoformat(), "year": year,
                "projects": {code: f["earned_value"] for code, f in per_project.items()},
                "by_project": per_project, "programme": programme["earned_value"],
                "totals": programme}
