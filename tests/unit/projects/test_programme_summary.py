"""Issue 12.8: the programme summary gives what the README promises: progress, earned value,
the risk heat map and overdue counts per region, per project and for the programme."""
from services.projects.service_layer import risks, rollout, summary


def test_the_programme_summary_has_progress_heat_map_and_overdue_per_region(
        rolled_out, uow, registry):
    rollout.rollout(uow(), registry, "civic-identity", {"year": 2026, "regions": ["KZ-61"]})
    plan_id = rolled_out["created"][0]["plan_id"]
    risks.create_risk(uow(), plan_id, {"title": "Отток медиаторов", "probability": 4,
                                       "impact": 4})
    as_of = "2026-03-02"
    result = summary.programme_summary(uow(), {"year": 2026, "as_of": as_of})
    mediation = summary.project_summary(uow(), "mediation", {"year": 2026, "as_of": as_of})
    figures = result["by_project"]["mediation"]
    for name in ("progress", "tasks", "earned_value", "earned_value_current",
                 "risk_heat_map", "overdue_by_region", "baseline", "budget"):
        assert figures[name] == mediation[name], name
    assert figures["overdue_by_region"]["KZ-75"] > 0
    assert figures["risk_heat_map"]["by_region"] == {"KZ-61": {"4,4": 1}}
    civic = result["by_project"]["civic-identity"]
    totals = result["totals"]
    for region in ("KZ-61", "KZ-75"):
        assert totals["overdue_by_region"][region] == sum(
            p["overdue_by_region"].get(region, 0) for p in result["by_project"].values())
    assert totals["tasks"]["planned"] == sum(p["tasks"]["planned"]
                                             for p in result["by_project"].values())
    assert totals["risk_heat_map"]["project"]["cells"] == {"4,4": 1}
    assert min(figures["progress"], civic["progress"]) <= totals["progress"] <= max(
        figures["progress"], civic["progress"])
    # what older clients read is still there
    assert result["projects"]["mediation"] == figures["earned_value"]
    assert result["programme"] == totals["earned_value"]
