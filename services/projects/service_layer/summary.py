"""Where a project stands: progress, schedule and cost variance, earned value, risk heat map
and overdue counts per region; the same earned value for the whole programme."""
from collections import defaultdict
from decimal import Decimal

from kelisim.access import scope_region
from kelisim.schemas import load
from services.projects import schemas
from services.projects.domain.money import add_up, as_strings, earned_value, kzt
from services.projects.domain.risks import heat_map
from services.projects.service_layer.common import project_or_404, today, work_calendar
from services.projects.service_layer.projects import dump_indicator

STATUSES = ("planned", "in_progress", "done", "cancelled")


def _fractions(rows, as_of, calendar):
    """Planned and earned fraction (0..1) of the work in ``rows`` at ``as_of``,
    each task weighted by its duration in working days."""
    total = planned = earned = Decimal(0)
    for row in rows:
        if row.status == "cancelled" or row.kind == "phase":
            continue
        weight = Decimal(max(row.duration, 1))
        total += weight
        if as_of >= row.due_date:
            share = Decimal(1)
        elif as_of < row.start_date:
            share = Decimal(0)
        else:
            share = Decimal(calendar.duration(row.start_date, as_of)) / weight
        planned += weight * min(share, Decimal(1))
        earned += weight * Decimal(100 if row.status == "done" else row.progress) / 100
    if not total:
        return Decimal(0), Decimal(0), total
    return planned / total, earned / total, total


def plan_figures(repo, plans, as_of):
    """``{plan_id: (earned value figures, progress %, counts)}`` for ``plans``."""
    calendar = work_calendar()
    ids = [p.id for p in plans]
    leaves, lines = defaultdict(list), defaultdict(list)
    if ids:
        for row in repo.leaf_rows(ids):
            leaves[row.plan_id].append(row)
        for line in repo.budget_lines(ids):
            lines[line.plan_id].append(line)
    figures = {}
    for plan in plans:
        budget = sum((line.planned for line in lines[plan.id]), Decimal(0))
        actual = sum((line.actual for line in lines[plan.id]), Decimal(0))
        planned, earned, weight = _fractions(leaves[plan.id], as_of, calendar)
        counts = {status: 0 for status in STATUSES}
        for row in leaves[plan.id]:
            counts[row.status] += 1
        counts["overdue"] = sum(1 for r in leaves[plan.id] if r.status in ("planned", "in_progress")
                                and r.due_date < as_of)
        counts["weight"] = weight
        figures[plan.id] = (earned_value(budget, planned, earned, actual),
                            int((earned * 100).quantize(Decimal(1))), counts)
    return figures


def project_summary(uow, code, query=None):
    query = load(schemas.SummaryQuery(), query or {})
    as_of = query.get("as_of") or today()
    year = query.get("year")
    with uow:
        repo = uow.repo
        project_or_404(repo, code)
        region = scope_region(uow.context.actor, None)
        plans = [p for p in repo.plans_of(code, year) if region is None or p.region_code == region]
        figures = plan_figures(repo, plans, as_of)
        risks = repo.risks(plan_ids=[p.id for p in plans]) if plans else []
        by_region = defaultdict(list)
        for risk in risks:
            by_region[risk.region_code or "RGU"].append(risk)
        counts = {status: 0 for status in (*STATUSES, "overdue")}
        regions = []
        weight = done = Decimal(0)
        for plan in plans:
            ev, progress, plan_counts = figures[plan.id]
            plan_weight = plan_counts.pop("weight")
            weight += plan_weight
            done += plan_weight * progress
            for name, value in plan_counts.items():
                counts[name] += value
            regions.append({"plan_id": plan.id, "region_code": plan.region_code,
                            "year": plan.year, "status": plan.status, "progress": progress,
                            "overdue": plan_counts["overdue"],
                            "earned_value": as_strings(ev)})
        total = add_up([figures[p.id][0] for p in plans]) if plans else add_up([])
        lines = repo.budget_lines([p.id for p in plans]) if plans else []
        budget = {name: str(kzt(sum((getattr(line, name) for line in lines), Decimal(0))))
                  for name in ("planned", "committed", "actual")}
        overdue = {r["region_code"] or "RGU": r["overdue"] for r in regions}
        indicators = [dump_indicator(i) for i in repo.indicators() if code in i.projects]
        return {
            "project_code": code, "year": year, "as_of": as_of.isoformat(),
            "progress": int((done / weight).quantize(Decimal(1))) if weight else 0,
            "tasks": counts, "earned_value": as_strings(total), "budget": budget,
            "risk_heat_map": {"project": heat_map(risks),
                              "by_region": {k: heat_map(v)["cells"] for k, v in by_region.items()}},
            "overdue_by_region": overdue, "regions": regions, "indicators": indicators,
        }


def programme_summary(uow, query=None):
    """Earned value per project and for the whole programme."""
    query = load(schemas.ProgrammeSummaryQuery(), query or {})
    as_of = query.get("as_of") or today()
    with uow:
        repo = uow.repo
        region = scope_region(uow.context.actor, None)
        per_project = {}
        everything = []
        for project in repo.projects():
            plans = [p for p in repo.plans_of(project.code, query.get("year"))
                     if region is None or p.region_code == region]
            figures = [ev for ev, _, _ in plan_figures(repo, plans, as_of).values()]
            everything.extend(figures)
            per_project[project.code] = as_strings(add_up(figures))
        return {"as_of": as_of.isoformat(), "year": query.get("year"),
                "projects": per_project, "programme": as_strings(add_up(everything))}
