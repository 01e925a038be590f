"""Where a project stands, and the whole programme: progress, tasks by status, earned value
against each plan's baseline (beside the figures on current dates), risk heat map and
overdue counts per region. The use cases load and scope; the figures, their names and
sources (PMI's PV, EV, AC, SV, CV, SPI, CPI) are services/projects/domain/figures.py's.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from kelisim.access import scope_region
from kelisim.clock import today
from kelisim.schemas import load
from services.projects.contract import schemas
from services.projects.domain.figures import PlanFigures, summarise
from services.projects.service_layer.common import project_or_404, work_calendar
from services.projects.service_layer.projects import dump_indicator

if TYPE_CHECKING:
    from datetime import date

    from kelisim.db.uow import UnitOfWork
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.domain.model import Plan


def _figures_of(repo: ProjectsRepository, plans: list[Plan], as_of: date) -> dict[str, Any]:
    """Everything a summary shows for ``plans`` (one project, or the programme): loads
    their leaf tasks, budget lines, latest baselines and risks, and lets the domain
    compute (services/projects/domain/figures.py)."""
    calendar = work_calendar()
    ids = [p.id for p in plans]
    leaves, lines_of = defaultdict(list), defaultdict(list)
    baselines = repo.baselines(ids) if ids else {}
    lines = repo.budget_lines(ids) if ids else []
    if ids:
        for row in repo.leaf_rows(ids):
            leaves[row.plan_id].append(row)
    for line in lines:
        lines_of[line.plan_id].append(line)
    figures = {plan.id: PlanFigures.of(leaves[plan.id], lines_of[plan.id],
                                       (baselines.get(plan.id) or [None])[0], as_of, calendar)
               for plan in plans}
    risks = repo.risks(plan_ids=ids) if plans else []
    return summarise(plans, figures, risks, lines)


def project_summary(uow: UnitOfWork, code: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
    """One base project: see the module docstring; ``year`` and ``as_of`` from the query."""
    query = load(schemas.SummaryQuery, query or {})
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


def programme_summary(uow: UnitOfWork, query: dict[str, Any] | None = None) -> dict[str, Any]:
    """The four base projects together and each on its own: progress, tasks by status,
    earned value (baseline and current), risk heat map and overdue counts per region
    (``projects`` keeps each project's earned value, as before, for old clients)."""
    query = load(schemas.ProgrammeSummaryQuery, query or {})
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
