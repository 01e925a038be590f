"""Where plans stand, computed from what was loaded: progress, tasks by status, earned value
against each plan's baseline (beside the figures on current dates), budget, risk heat map
and overdue counts per region.

Earned value, as PMI defines it (PMBOK Guide, 7th ed., and *The Standard for Earned Value
Management*, 2019; computed by :func:`~.money.earned_value`, in KZT):

* BAC, budget at completion: the plan's budget (the baseline's, when measured against it);
* PV, planned value: BAC x the fraction of the work planned to be done by ``as_of``;
* EV, earned value: BAC x the fraction done (a done task wholly, else its progress);
* AC, actual cost: what the budget lines say was spent;
* SV = EV - PV and CV = EV - AC (negative: behind schedule, over cost);
* SPI = EV / PV and CPI = EV / AC (below 1: behind, over; None when PV or AC is 0).

PV follows the baseline the RGU approved, so a slip shows as a slip; EV is today's progress
of the baselined work (:func:`~.baseline.baseline_fractions`). A plan without a baseline
(not approved yet) is measured against its current dates and budget, and the figures say so
(``measured_against: "current"``, ``baseline.without`` and its note). Work is weighted by
duration in working days (a milestone weighs one day); phases span their children and
cancelled work is out.
"""
from dataclasses import dataclass
from decimal import Decimal

from services.projects.domain.baseline import (
    NO_BASELINE,
    baseline_fractions,
    earned_share,
    planned_share,
)
from services.projects.domain.model import TASK_STATUSES, is_overdue
from services.projects.domain.money import add_up, as_strings, earned_value, kzt
from services.projects.domain.risks import heat_map

RGU = "RGU"  # the key of the RGU's own plans and risks in per-region figures
BUDGET_FIGURES = ("planned", "committed", "actual")


def current_fractions(rows, as_of, calendar):
    """``(planned, earned, weight)``: the planned and earned fraction (0..1, Decimal) of
    the work in ``rows`` (leaf task rows: ``kind``, ``status``, dates, ``duration``,
    ``progress``) at the end of ``as_of`` on their current dates, each task weighted by
    its duration in working days on ``calendar`` (kelisim.workdays); ``weight`` is that
    total (0 for no work: both fractions 0)."""
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


def task_counts(rows, as_of):
    """``{status: count}`` of ``rows`` for every task status, and ``overdue``: open tasks
    and milestones due before ``as_of``."""
    counts = {status: 0 for status in TASK_STATUSES}
    for row in rows:
        counts[row.status] += 1
    counts["overdue"] = sum(1 for r in rows if is_overdue(r.status, r.kind, r.due_date, as_of))
    return counts


@dataclass
class PlanFigures:
    """One plan's figures: ``earned_value`` (against its baseline, or its current dates
    when it has none), ``current`` (always on current dates and budget), both dicts of
    Decimal (see the module docstring); ``weight``, its work in working days; ``baseline``
    (None or the :class:`~.baseline.Baseline` measured against); ``progress`` (% of its
    work done, an int); ``counts`` (:func:`task_counts`)."""

    earned_value: dict
    current: dict
    weight: Decimal
    baseline: object
    progress: int
    counts: dict

    @classmethod
    def of(cls, rows, lines, baseline, as_of, calendar):
        """The figures of a plan from its leaf task ``rows``, its budget ``lines``
        (:class:`~.money.BudgetLine`), its latest ``baseline`` (or None), at ``as_of``."""
        budget = sum((line.planned for line in lines), Decimal(0))
        actual = sum((line.actual for line in lines), Decimal(0))
        planned, earned, weight = current_fractions(rows, as_of, calendar)
        current = earned_value(budget, planned, earned, actual)
        measured = current
        if baseline is not None:
            b_planned, b_earned = baseline_fractions(baseline, rows, as_of, calendar)
            measured = earned_value(baseline.budget, b_planned, b_earned, actual)
        return cls(earned_value=measured, current=current, weight=weight, baseline=baseline,
                   progress=int((earned * 100).quantize(Decimal(1))),
                   counts=task_counts(rows, as_of))

    @property
    def measured_against(self):
        return "baseline" if self.baseline is not None else "current"

    def baseline_summary(self):
        """None, or the baseline's ``number``, ``captured_at`` (ISO) and ``budget`` (KZT
        as a string)."""
        if self.baseline is None:
            return None
        return {"number": self.baseline.number,
                "captured_at": self.baseline.captured_at.isoformat(),
                "budget": str(kzt(self.baseline.budget))}

    def of_plan(self, plan):
        """The plan's line in a project's summary (``regions``)."""
        return {"plan_id": plan.id, "project_code": plan.project_code,
                "region_code": plan.region_code, "year": plan.year, "status": plan.status,
                "progress": self.progress, "overdue": self.counts["overdue"],
                "earned_value": as_strings(self.earned_value),
                "earned_value_current": as_strings(self.current),
                "measured_against": self.measured_against,
                "baseline": self.baseline_summary()}


def summarise(plans, figures, risks, lines):
    """What a summary shows for ``plans`` (one project, or the programme) with their
    ``figures`` (``{plan_id: PlanFigures}``), ``risks`` (:class:`~.risks.Risk`) and
    budget ``lines``: ``progress`` (% weighted by work), ``tasks`` (counts), earned value
    against baselines and on current dates (strings, added up: ratios from the sums),
    ``baseline`` (how many plans have one, the ids of those without and the note),
    ``budget`` (planned, committed, actual KZT), ``risk_heat_map`` (the project's and
    each region's cells), ``overdue_by_region`` and ``regions`` (a line per plan)."""
    mine = [figures[plan.id] for plan in plans]
    weight = sum((f.weight for f in mine), Decimal(0))
    done = sum((f.weight * f.progress for f in mine), Decimal(0))
    without = [plan.id for plan, f in zip(plans, mine, strict=True) if f.baseline is None]
    return {
        "progress": int((done / weight).quantize(Decimal(1))) if weight else 0,
        "tasks": added_counts(mine),
        "earned_value": as_strings(add_up([f.earned_value for f in mine])),
        "earned_value_current": as_strings(add_up([f.current for f in mine])),
        "baseline": {"with": len(plans) - len(without), "without": without,
                     "note": NO_BASELINE if without else None},
        "budget": budget_totals(lines),
        "risk_heat_map": risk_heat_maps(risks),
        "overdue_by_region": overdue_by_region(plans, mine),
        "regions": [f.of_plan(plan) for plan, f in zip(plans, mine, strict=True)],
    }


def added_counts(figures):
    """The :func:`task_counts` of several plans' ``figures`` added up."""
    counts = {status: 0 for status in (*TASK_STATUSES, "overdue")}
    for plan_figures in figures:
        for name, value in plan_figures.counts.items():
            counts[name] += value
    return counts


def overdue_by_region(plans, figures):
    """``{region code or RGU: overdue tasks}`` of ``plans`` and their ``figures`` (lists
    in the same order), regions in the order of their first plan."""
    overdue = {}
    for plan, plan_figures in zip(plans, figures, strict=True):
        where = plan.region_code or RGU
        overdue[where] = overdue.get(where, 0) + plan_figures.counts["overdue"]
    return overdue


def budget_totals(lines):
    """``{planned, committed, actual}`` of budget ``lines`` added up, KZT as strings."""
    return {name: str(kzt(sum((getattr(line, name) for line in lines), Decimal(0))))
            for name in BUDGET_FIGURES}


def risk_heat_maps(risks):
    """``{"project": heat map, "by_region": {region or RGU: cells}}`` of ``risks``."""
    by_region = {}
    for risk in risks:
        by_region.setdefault(risk.region_code or RGU, []).append(risk)
    return {"project": heat_map(risks),
            "by_region": {key: heat_map(found)["cells"] for key, found in by_region.items()}}
