"""Budgets in exact KZT, amendments, overruns, earned value; risks, escalation, heat map."""
from datetime import date
from decimal import Decimal

import pytest

from kelisim.errors import Invalid, NotFound, StaleVersion
from services.projects.service_layer import budgets, plans, risks, summary, tasks
from tests.support import COORDINATOR, OTHER_COORDINATOR


def test_budget_lines_keep_exact_tenge_and_amendments_need_a_reason(rolled_out, uow, events):
    plan_id = rolled_out["created"][0]["plan_id"]
    line = budgets.create_budget_line(uow(COORDINATOR), plan_id, {
        "category": "training", "planned": "1500000.10", "committed": "0.20"})
    second = budgets.create_budget_line(uow(), plan_id, {"category": "media",
                                                         "planned": "999999999999.99"})
    listed = budgets.list_budget_lines(uow(), plan_id)
    assert listed["items"][0]["planned"] == "1500000.10"
    assert listed["totals"]["planned"] == "1000001500000.09"  # no float on the way
    for bad in ({"category": "training", "planned": "-1"},
                {"category": "training", "planned": "1", "actual": "abc"},
                {"category": "caviar", "planned": "1"}):
        with pytest.raises(Invalid):
            budgets.create_budget_line(uow(), plan_id, bad)
    with pytest.raises(Invalid) as no_reason:
        budgets.update_budget_line(uow(), line["id"], {"version": 1, "planned": "1600000"})
    assert "reason" in no_reason.value.errors
    amended = budgets.update_budget_line(uow(), line["id"], {
        "version": 1, "planned": "1600000", "reason": "a fourth training group"})
    assert amended["planned"] == "1600000.00" and amended["version"] == 2
    with pytest.raises(StaleVersion):
        budgets.update_budget_line(uow(), line["id"], {"version": 1, "actual": "5"})
    assert events("budget_overrun") == []
    over = budgets.update_budget_line(uow(), line["id"], {"version": 2, "actual": "1600000.01"})
    assert over["overrun"] and over["variance"]["actual"] == "-0.01"
    budgets.update_budget_line(uow(), line["id"], {"version": 3, "committed": "1700000"})
    overruns = events("budget_overrun")
    assert len(overruns) == 1  # announced when it went over, not again while over
    assert overruns[0]["data"]["actual"] == "1600000.01" and overruns[0]["regions"] == ["KZ-61"]
    with pytest.raises(NotFound):
        budgets.update_budget_line(uow(OTHER_COORDINATOR), second["id"], {"version": 1,
                                                                           "actual": "1"})
    assert plans.get_plan(uow(), plan_id)["budget"]["actual"] == "1600000.01"


def test_risks_score_escalate_once_and_fill_the_heat_map(rolled_out, uow, events):
    plan_id = rolled_out["created"][0]["plan_id"]
    low = risks.create_risk(uow(), plan_id, {"title": "Мало кандидатов в медиаторы",
                                             "probability": 3, "impact": 4,
                                             "category": "organisational",
                                             "owner": "Совет медиации"})
    assert (low["score"], low["escalated"]) == (12, False)
    with pytest.raises(Invalid):
        risks.create_risk(uow(), plan_id, {"title": "x", "probability": 6, "impact": 1})
    raised = risks.update_risk(uow(), low["id"], {"version": 1, "probability": 4,
                                                  "residual_probability": 2,
                                                  "residual_impact": 3})
    assert (raised["score"], raised["residual_score"], raised["escalated"]) == (16, 6, True)
    risks.update_risk(uow(), low["id"], {"version": 2, "status": "mitigating",
                                         "mitigation": "second call for candidates"})
    escalations = events("risk_escalated")
    assert len(escalations) == 1
    assert escalations[0]["data"]["score"] == 16 and escalations[0]["data"]["threshold"] == 15
    risks.create_risk(uow(), plan_id, {"title": "Закрытый", "probability": 1, "impact": 1,
                                       "status": "closed"})
    heat = summary.project_summary(uow(), "mediation", {"year": 2026})["risk_heat_map"]
    assert heat["project"]["cells"] == {"4,4": 1}
    assert heat["by_region"] == {"KZ-61": {"4,4": 1}}
    assert heat["project"]["matrix"][1][3] == 1  # impact 4 (second row from the top), p 4


def test_earned_value_per_plan_project_and_programme(rolled_out, uow):
    plan_id = rolled_out["created"][0]["plan_id"]
    budgets.create_budget_line(uow(), plan_id, {"category": "events", "planned": "1000000",
                                                "actual": "300000"})
    region = {t["template_key"]: t for t in
              tasks.list_tasks(uow(), {"plan_id": plan_id, "limit": 200})["items"]}
    for key in ("org.plan", "org.budget", "org.risks"):
        tasks.update_task(uow(), region[key]["id"], {"version": region[key]["version"],
                                                     "status": "done"})
    as_of = "2026-02-05"
    result = summary.project_summary(uow(), "mediation", {"year": 2026, "as_of": as_of})
    turkistan = [r for r in result["regions"] if r["region_code"] == "KZ-61"][0]
    ev = turkistan["earned_value"]
    assert ev["bac"] == "1000000.00" and ev["ac"] == "300000.00"
    # earned: the three organisation tasks (10 + 5 + 3 working days) of the plan's weight
    weight = sum(max(t["duration"], 1) for t in region.values() if t["kind"] != "phase")
    earned = (Decimal(1000000) * 18 / weight).quantize(Decimal("0.01"))
    assert Decimal(ev["ev"]) == earned
    # planned: those, the milestone due that day and work under way (the programme's start)
    assert Decimal(ev["pv"]) > earned and Decimal(ev["sv"]) == earned - Decimal(ev["pv"])
    assert Decimal(ev["spi"]) < 1
    assert Decimal(ev["cv"]) == earned - 300000
    assert Decimal(ev["cpi"]) == (earned / 300000).quantize(Decimal("0.001"))
    assert result["earned_value"]["bac"] == "1000000.00"
    assert result["tasks"]["done"] == 3 and turkistan["progress"] > 0
    programme = summary.programme_summary(uow(), {"year": 2026, "as_of": as_of})
    assert programme["programme"]["ev"] == ev["ev"]
    assert programme["projects"]["civic-identity"]["bac"] == "0.00"
    late = summary.project_summary(uow(), "mediation", {"year": 2026, "as_of": "2026-03-02"})
    assert late["overdue_by_region"]["KZ-75"] > 0 and late["overdue_by_region"]["KZ-61"] < \
        late["overdue_by_region"]["KZ-75"]
    assert date.fromisoformat(late["as_of"]) == date(2026, 3, 2)


@pytest.mark.parametrize("field", ["planned", "committed", "actual"])
@pytest.mark.parametrize("amount", ["1.005", "1.025", "0.005", "0.001", "10000000000000",
                                    "1e30", "1E+999999999", "-0.01", "NaN", "Infinity",
                                    # issue 11.4: only the OpenAPI pattern ^\\d{1,13}(\\.\\d{1,2})?$
                                    "1e3", " 12 ", "12 ", "1_000", "+5", "\u0661\u0662",
                                    "\uff11\uff12", ".5", "5.", "1,5"])
def test_money_is_exact_to_the_tiyn_and_bounded_or_refused_naming_the_field(
        rolled_out, uow, field, amount):
    plan_id = rolled_out["created"][0]["plan_id"]
    body = {"category": "training", "planned": "1.00", field: amount}
    with pytest.raises(Invalid) as refused:
        budgets.create_budget_line(uow(), plan_id, body)
    assert set(refused.value.errors) == {field}
    line = budgets.create_budget_line(uow(), plan_id, {"category": "media", "planned": "5"})
    with pytest.raises(Invalid) as refused:
        budgets.update_budget_line(uow(), line["id"], {"version": 1, field: amount,
                                                       "reason": "a test"})
    assert set(refused.value.errors) == {field}
    assert budgets.list_budget_lines(uow(), plan_id)["totals"]["planned"] == "5.00"


def test_the_largest_amount_is_kept_exactly(rolled_out, uow):
    plan_id = rolled_out["created"][0]["plan_id"]
    line = budgets.create_budget_line(uow(), plan_id, {
        "category": "media", "planned": "9999999999999.99", "actual": "1.1"})
    assert (line["planned"], line["actual"]) == ("9999999999999.99", "1.10")
