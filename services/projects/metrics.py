"""The programme in numbers, for Prometheus: tasks and progress, overdue tasks, deadline
slips, open risks by score band and budget use, per base project and region.

Gauges are read from the database every few seconds by ``BackgroundGauges`` (one cheap
GROUP BY per family); every replica exports the same values, so aggregate with ``max``.
Labels: ``region`` is an ISO code, or ``RGU`` for a project's RGU plan; ``project`` a
base project code. Slips are counted when their ``deadline_slipped`` event is published.
"""
from decimal import Decimal

import sqlalchemy as sa
from prometheus_client import Counter

from kelisim import metrics
from kelisim.clock import today
from kelisim.metrics import StateGauge
from services.projects.adapters.orm import budget_lines, plans, risks, tasks
from services.projects.adapters.repository import late
from services.projects.domain.risks import ESCALATION_SCORE

RGU = "RGU"
LABELS = ("region", "project")
# Score = probability x impact (1..25); the top band is the red zone that escalates.
RISK_BANDS = (("low", 1, 4), ("medium", 5, 9), ("high", 10, ESCALATION_SCORE - 1),
              ("critical", ESCALATION_SCORE, 25))

TASKS = StateGauge("kelisim_tasks", "Tasks and milestones (not phases) by status.",
                   LABELS + ("status",))
TASKS_OVERDUE = StateGauge("kelisim_tasks_overdue",
                           "Open tasks past their due date (Kazakhstan's date).", LABELS)
PROGRESS = StateGauge("kelisim_tasks_progress_ratio",
                      "Work done (0..1), each task weighted by its duration; cancelled "
                      "tasks and phases left out.", LABELS)
RISKS_OPEN = StateGauge("kelisim_risks_open",
                        "Risks not closed, by score band (low 1-4, medium 5-9, high 10-14, "
                        "critical 15-25).", LABELS + ("band",))
BUDGET_PLANNED = StateGauge("kelisim_budget_planned_kzt", "Planned budget in tenge.", LABELS)
BUDGET_COMMITTED = StateGauge("kelisim_budget_committed_kzt", "Committed budget in tenge.",
                              LABELS)
BUDGET_ACTUAL = StateGauge("kelisim_budget_actual_kzt", "Actual spending in tenge.", LABELS)
BUDGET_UTILISATION = StateGauge("kelisim_budget_utilisation_ratio",
                                "Actual spending over the planned budget (above 1 is an "
                                "overrun).", LABELS)
DEADLINE_SLIPS = Counter("kelisim_deadline_slips_total",
                         "Tasks whose due date moved later (deadline_slipped published).",
                         list(LABELS))


def region_label(region_code):
    return region_code or RGU


def slip_labels(data):
    return region_label(data.get("region_code")), data.get("project_code") or "unknown"


metrics.count_published("projects", "deadline_slipped", DEADLINE_SLIPS, slip_labels)


def band_of(score):
    return next(name for name, low, high in RISK_BANDS if low <= score <= high)


def refresh(engine, day=None):
    """Read every gauge of this module from the projects database."""
    day = day or today()
    with engine.connect() as conn:
        _tasks(conn, day)
        _risks(conn)
        _budgets(conn)


def _tasks(conn, day):
    weight = sa.case((tasks.c.duration < 1, 1), else_=tasks.c.duration)
    done = sa.case((tasks.c.status == "done", 100), else_=tasks.c.progress)
    key = (tasks.c.region_code, tasks.c.project_code)
    counts, overdue, progress = {}, {}, {}
    for region, project, status, count in conn.execute(
            sa.select(*key, tasks.c.status, sa.func.count())
            .where(tasks.c.kind != "phase").group_by(*key, tasks.c.status)):
        counts[(region_label(region), project, status)] = count
    for region, project, count in conn.execute(
            sa.select(*key, sa.func.count())
            .where(late(tasks.c, day)).group_by(*key)):
        overdue[(region_label(region), project)] = count
    for region, project, total, earned in conn.execute(
            sa.select(*key, sa.func.sum(weight), sa.func.sum(weight * done))
            .where(tasks.c.kind != "phase", tasks.c.status != "cancelled").group_by(*key)):
        progress[(region_label(region), project)] = (earned or 0) / 100 / total if total else 0
    for region, project, _status in counts:  # every pair with tasks shows its overdue count
        overdue.setdefault((region, project), 0)
    TASKS.set_all(counts)
    TASKS_OVERDUE.set_all(overdue)
    PROGRESS.set_all(progress)


def _risks(conn):
    open_risks = {}
    for region, project, probability, impact in conn.execute(
            sa.select(risks.c.region_code, risks.c.project_code, risks.c.probability,
                      risks.c.impact).where(risks.c.status != "closed")):
        key = (region_label(region), project, band_of(probability * impact))
        open_risks[key] = open_risks.get(key, 0) + 1
    RISKS_OPEN.set_all(open_risks)


def _budgets(conn):
    key = (plans.c.region_code, plans.c.project_code)
    planned, committed, actual, used = {}, {}, {}, {}
    for region, project, plan_sum, committed_sum, actual_sum in conn.execute(
            sa.select(*key, sa.func.sum(budget_lines.c.planned),
                      sa.func.sum(budget_lines.c.committed), sa.func.sum(budget_lines.c.actual))
            .select_from(budget_lines.join(plans, budget_lines.c.plan_id == plans.c.id))
            .group_by(*key)):
        labels = (region_label(region), project)
        plan_sum, actual_sum = Decimal(plan_sum or 0), Decimal(actual_sum or 0)
        planned[labels], actual[labels] = plan_sum, actual_sum
        committed[labels] = Decimal(committed_sum or 0)
        if plan_sum:
            used[labels] = actual_sum / plan_sum
    BUDGET_PLANNED.set_all(planned)
    BUDGET_COMMITTED.set_all(committed)
    BUDGET_ACTUAL.set_all(actual)
    BUDGET_UTILISATION.set_all(used)
