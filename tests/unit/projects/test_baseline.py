"""Issue 12.5: earned value is measured against the baseline the RGU approved, so a slip
shows as a slip; the RGU re-baselines with a reason, kept in history."""
from decimal import Decimal

import pytest

from kelisim.errors import Conflict, Forbidden, Invalid
from services.projects.service_layer import baselines, budgets, plans, summary, tasks
from tests.support import COORDINATOR

AS_OF = "2026-03-10"


def by_key(uow, region):
    page = tasks.list_tasks(uow(), {"region": region, "limit": 200})
    return {t["template_key"]: t for t in page["items"]}


def approve(uow, plan_id):
    plan = plans.get_plan(uow(), plan_id)
    return plans.update_plan(uow(), plan_id, {"version": plan["version"], "status": "approved"})


def row_of(uow, plan_id, as_of=AS_OF):
    result = summary.project_summary(uow(), "mediation", {"year": 2026, "as_of": as_of})
    return [r for r in result["regions"] if r["plan_id"] == plan_id][0], result


def slip(uow, key="rgu.method", due="2026-03-02"):
    """Slip a task (by default the RGU's methodology, which every region's trainings
    follow: they move later, keeping their durations)."""
    page = tasks.list_tasks(uow(), {"project": "mediation", "limit": 200})
    task = [t for t in page["items"] if t["template_key"] == key][0]
    return tasks.update_task(uow(), task["id"], {"version": task["version"], "due_date": due,
                                                 "reason": "the akimat moved the hall"})


@pytest.fixture
def approved_plan(rolled_out, uow):
    plan_id = rolled_out["created"][0]["plan_id"]
    budgets.create_budget_line(uow(), plan_id, {"category": "events", "planned": "2500000"})
    approve(uow, plan_id)
    return plan_id


def test_a_slip_lowers_planned_value_only_on_current_dates_never_against_the_baseline(
        approved_plan, uow):
    before, _ = row_of(uow, approved_plan)
    assert before["measured_against"] == "baseline" and before["baseline"]["number"] == 1
    assert before["earned_value"] == before["earned_value_current"]  # nothing moved yet
    pv = Decimal(before["earned_value"]["pv"])
    assert pv > 0

    slip(uow)
    after, total = row_of(uow, approved_plan)
    # against the baseline the planned value stays where the RGU approved it ...
    assert Decimal(after["earned_value"]["pv"]) == pv
    assert Decimal(after["earned_value"]["sv"]) <= Decimal(before["earned_value"]["sv"])
    # ... while on the slipped dates it fell, which used to make the schedule look better
    assert Decimal(after["earned_value_current"]["pv"]) < pv
    # the RGU's own plan is approved as it is rolled out; Almaty's is still a draft
    assert total["baseline"]["with"] == 2 and len(total["baseline"]["without"]) == 1
    baseline = baselines.get_baseline(uow(), approved_plan)["baseline"]
    moved = [t for t in baseline["tasks"] if t["slipped"]]
    assert moved and all(t["current_due_date"] > t["due_date"] for t in moved)


def test_a_plan_without_a_baseline_says_so_instead_of_silently_using_current_dates(
        rolled_out, uow):
    plan_id = rolled_out["created"][0]["plan_id"]
    row, result = row_of(uow, plan_id)
    assert row["measured_against"] == "current" and row["baseline"] is None
    assert plan_id in result["baseline"]["without"] and result["baseline"]["note"]
    answer = baselines.get_baseline(uow(), plan_id)
    assert answer["baseline"] is None and answer["history"] == [] and answer["note"]


def test_approval_captures_once_and_the_rgu_rebaselines_with_a_reason_kept_in_history(
        approved_plan, uow):
    first = baselines.get_baseline(uow(), approved_plan)
    assert first["baseline"]["budget"] == "2500000.00" and first["baseline"]["number"] == 1
    assert first["baseline"]["reason"]
    # reopening and approving again keeps the baseline: only a re-baseline moves it
    plan = plans.get_plan(uow(), approved_plan)
    plans.update_plan(uow(), approved_plan, {"version": plan["version"], "status": "draft",
                                             "reason": "budget to be revised"})
    slip(uow)
    approve(uow, approved_plan)
    assert baselines.get_baseline(uow(), approved_plan)["baseline"]["number"] == 1

    with pytest.raises(Forbidden):
        baselines.rebaseline(uow(COORDINATOR), approved_plan, {"reason": "we are late"})
    with pytest.raises(Invalid) as missing:
        baselines.rebaseline(uow(), approved_plan, {})
    assert "reason" in missing.value.errors
    again = baselines.rebaseline(uow(), approved_plan, {"reason": "the ministry moved the "
                                                                  "start of the trainings"})
    assert again["baseline"]["number"] == 2
    assert [h["number"] for h in again["history"]] == [2, 1]
    assert again["history"][0]["reason"].startswith("the ministry")
    assert not any(t["slipped"] for t in again["baseline"]["tasks"])
    row, _ = row_of(uow, approved_plan)
    assert row["earned_value"]["pv"] == row["earned_value_current"]["pv"]
    history = plans.plan_history(uow(), approved_plan)["items"]
    assert any(h["action"] == "baseline" and h["reason"].startswith("the ministry")
               for h in history)


def test_a_draft_plan_cannot_be_rebaselined(rolled_out, uow):
    with pytest.raises(Conflict):
        baselines.rebaseline(uow(), rolled_out["created"][0]["plan_id"], {"reason": "why not"})
