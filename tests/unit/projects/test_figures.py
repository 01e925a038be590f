"""Plan figures computed by the domain (services/projects/domain/figures.py) from plain rows:
earned value against the baseline or the current dates, counts, and a summary of plans."""
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace as Row

from kelisim.workdays import kazakhstan
from services.projects.domain.baseline import NO_BASELINE, Baseline, BaselineTask
from services.projects.domain.figures import PlanFigures, summarise, task_counts
from services.projects.domain.money import BudgetLine
from services.projects.domain.risks import Risk

CALENDAR = kazakhstan()
AS_OF = date(2026, 3, 13)  # a Friday: the first week of a two-week task is done


def row(id_, status="in_progress", progress=50, kind="task", plan_id=1,
        start=date(2026, 3, 2), due=date(2026, 3, 16), duration=10):
    return Row(id=id_, plan_id=plan_id, kind=kind, status=status, progress=progress,
               start_date=start, due_date=due, duration=duration)


def test_a_plan_without_a_baseline_is_measured_on_its_current_dates_and_budget():
    rows = [row(1), row(2, status="done", progress=100), row(3, status="cancelled"),
            row(4, kind="phase"), row(5, status="planned", progress=0,
                                      due=date(2026, 3, 12), duration=9)]
    lines = [BudgetLine(plan_id=1, category="training", planned=Decimal("1000.00"),
                        actual=Decimal("300.00"))]
    figures = PlanFigures.of(rows, lines, None, AS_OF, CALENDAR)
    # weights 10, 10, 9: planned 9/10 (9 March is a day off), 1, 1; earned 0.5, 1, 0
    assert figures.weight == 29
    assert figures.measured_against == "current" and figures.baseline_summary() is None
    assert figures.earned_value is figures.current
    assert figures.current["bac"] == Decimal("1000.00")
    assert figures.current["ev"] == Decimal("517.24")  # 1000 x 15/29
    assert figures.current["ac"] == Decimal("300.00")
    assert figures.current["cpi"] == Decimal("1.724")
    assert figures.progress == 52
    assert figures.counts == {"planned": 1, "in_progress": 2, "done": 1, "cancelled": 1,
                              "overdue": 1}  # a phase is counted, never overdue


def test_with_a_baseline_planned_value_follows_the_approved_dates():
    rows = [row(1, progress=0, start=date(2026, 3, 16), due=date(2026, 3, 27))]  # slipped
    baseline = Baseline(plan_id=1, number=1, budget=Decimal("500"),
                        tasks=[BaselineTask(1, date(2026, 3, 2), date(2026, 3, 13), 9)],
                        captured_at=datetime(2026, 2, 20, tzinfo=UTC))
    figures = PlanFigures.of(rows, [], baseline, AS_OF, CALENDAR)
    assert figures.measured_against == "baseline"
    assert figures.earned_value["pv"] == Decimal("500.00")  # all of it was due by now
    assert figures.earned_value["spi"] == Decimal("0.000")
    assert figures.current["pv"] == Decimal("0.00") and figures.current["spi"] is None
    assert figures.baseline_summary() == {"number": 1,
                                          "captured_at": "2026-02-20T00:00:00+00:00",
                                          "budget": "500.00"}


def test_overdue_counts_open_work_due_before_the_day():
    rows = [row(1, due=date(2026, 3, 12)), row(2, status="done", due=date(2026, 3, 1)),
            row(3, kind="phase", due=date(2026, 3, 1))]
    assert task_counts(rows, AS_OF)["overdue"] == 1
    assert task_counts(rows, date(2026, 3, 12))["overdue"] == 0


def test_a_summary_adds_plans_up_by_work_region_and_risk():
    plans = [Row(id=1, project_code="mediation", region_code="KZ-61", year=2026,
                 status="in_progress"),
             Row(id=2, project_code="mediation", region_code=None, year=2026,
                 status="draft")]
    figures = {1: PlanFigures.of([row(1, progress=100, status="done")],
                                 [BudgetLine(plan_id=1, category="media",
                                             planned=Decimal("100"))], None, AS_OF, CALENDAR),
               2: PlanFigures.of([row(2, plan_id=2, progress=0, duration=30,
                                      due=date(2026, 3, 12))], [], None, AS_OF, CALENDAR)}
    risks = [Risk(plan_id=1, project_code="mediation", region_code="KZ-61", title="r",
                  probability=3, impact=4),
             Risk(plan_id=2, project_code="mediation", region_code=None, title="r",
                  probability=5, impact=5, status="closed")]
    lines = [BudgetLine(plan_id=1, category="media", planned=Decimal("100"),
                        committed=Decimal("20"))]
    found = summarise(plans, figures, risks, lines)
    assert found["progress"] == 25  # 10 of 40 working days of work done
    assert found["tasks"]["done"] == 1 and found["tasks"]["overdue"] == 1
    assert found["overdue_by_region"] == {"KZ-61": 0, "RGU": 1}
    assert found["baseline"] == {"with": 0, "without": [1, 2], "note": NO_BASELINE}
    assert found["budget"] == {"planned": "100.00", "committed": "20.00", "actual": "0.00"}
    assert found["earned_value"]["bac"] == "100.00" and found["earned_value"]["ev"] == "100.00"
    assert found["risk_heat_map"]["project"]["cells"] == {"3,4": 1}  # a closed one is out
    assert found["risk_heat_map"]["by_region"] == {"KZ-61": {"3,4": 1}, "RGU": {}}
    assert [r["plan_id"] for r in found["regions"]] == [1, 2]
    assert found["regions"][1]["earned_value"]["spi"] is None
    empty = summarise([], {}, [], [])
    assert empty["progress"] == 0 and empty["baseline"]["note"] is None
