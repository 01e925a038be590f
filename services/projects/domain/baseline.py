"""A plan's performance measurement baseline (PMI's EVM standard: the approved schedule and
budget that planned value is measured against), and the planned/earned fractions of work.

A baseline is captured when the RGU approves a plan and again only when the RGU
re-baselines it with a reason; slipping a task moves its current dates, never its
baseline. Work is weighted by duration in working days (a milestone weighs one day).
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from kelisim.i18n import _

# a message (its dict form): the gateway renders it in the reader's language
NO_BASELINE = _("no baseline yet: it is captured when the RGU approves the plan; until then "
                "earned value is measured against the current dates and budget").to_dict()


@dataclass(frozen=True)
class BaselineTask:
    """One unit of work as approved: its dates and duration in working days."""

    task_id: int
    start_date: date
    due_date: date
    duration: int

    @property
    def weight(self):
        return Decimal(max(self.duration, 1))

    def to_row(self):
        return [self.task_id, self.start_date.isoformat(), self.due_date.isoformat(),
                self.duration]

    @classmethod
    def from_row(cls, row):
        task_id, start, due, duration = row
        return cls(task_id, date.fromisoformat(start), date.fromisoformat(due), duration)


@dataclass
class Baseline:
    """The n-th baseline of a plan: budget at completion (KZT) and the approved work."""

    plan_id: int
    number: int
    budget: Decimal
    captured_at: datetime  # UTC
    tasks: list[BaselineTask] = field(default_factory=list)
    actor_id: str | None = None
    reason: str | None = None
    id: int | None = None


def counts_as_work(row):
    """Tasks and milestones carry work; phases span their children; cancelled work is out."""
    return row.kind != "phase" and row.status != "cancelled"


def capture(plan_id, number, budget, leaf_rows, captured_at):
    """A new baseline of ``plan_id`` from the plan's leaf tasks as they stand at
    ``captured_at`` (now, UTC)."""
    work = [BaselineTask(r.id, r.start_date, r.due_date, r.duration)
            for r in leaf_rows if counts_as_work(r)]
    return Baseline(plan_id=plan_id, number=number, budget=Decimal(budget),
                    captured_at=captured_at, tasks=work)


def planned_share(start, due, duration, as_of, calendar):
    """How much (0..1) of one unit of work is planned to be done by the end of ``as_of``."""
    if as_of >= due:
        return Decimal(1)
    if as_of < start:
        return Decimal(0)
    # working days only: a task dated on a day off has none planned until its first
    return min(Decimal(calendar.count(start, as_of)) / Decimal(max(duration, 1)), Decimal(1))


def earned_share(row):
    """How much (0..1) of a task is done now: a done task wholly, else its progress."""
    if row is None or row.status == "cancelled":
        return Decimal(0)
    return Decimal(100 if row.status == "done" else row.progress) / 100


def baseline_fractions(baseline, current_rows, as_of, calendar):
    """Planned and earned fraction (0..1) of the baselined work at ``as_of``.

    Planned follows the baseline's dates; earned is today's progress of the same tasks,
    weighted by their baseline durations. A task added after the baseline earns nothing
    until the RGU re-baselines; a baselined task cancelled since keeps its planned value
    and earns nothing (descoping is a re-baseline, as PMI has it).
    """
    by_id = {row.id: row for row in current_rows}
    total = planned = earned = Decimal(0)
    for item in baseline.tasks:
        total += item.weight
        planned += item.weight * planned_share(item.start_date, item.due_date, item.duration,
                                               as_of, calendar)
        earned += item.weight * earned_share(by_id.get(item.task_id))
    if not total:
        return Decimal(0), Decimal(0)
    return planned / total, earned / total
