"""Issue 12.5, 12.6 and 12.8 through the gateway: baselines, the approval milestone, a KGU
reading the RGU tasks it follows, targets beyond 2026, the programme summary."""
from tests.integration.gateway.helpers import API, ok, problem


def test_baselines_rules_and_the_programme_summary_through_the_gateway(gateway):
    ok(gateway.post(f"{API}/projects/mediation/rollouts",
                    {"year": 2026, "regions": ["KZ-61", "KZ-75"]}), 201)
    plan = ok(gateway.get(f"{API}/plans", params={"region": "KZ-61"}))["items"][0]
    draft = ok(gateway.get(f"{API}/plans/{plan['id']}/baseline", who="turkistan"))
    assert draft["baseline"] is None and draft["note"]
    ok(gateway.post(f"{API}/plans/{plan['id']}/budget-lines",
                    {"category": "training", "planned": "2500000"}, who="turkistan"), 201)
    plan = ok(gateway.get(f"{API}/plans/{plan['id']}"))
    ok(gateway.patch(f"{API}/plans/{plan['id']}", {"version": plan["version"],
                                                    "status": "approved"}))
    tasks = ok(gateway.get(f"{API}/tasks", params={"region": "KZ-61", "limit": 200},
                           who="turkistan"))["items"]
    by_key = {t["template_key"]: t for t in tasks}
    assert by_key["org.approved"]["status"] == "done"
    baseline = ok(gateway.get(f"{API}/plans/{plan['id']}/baseline"))
    assert baseline["baseline"]["number"] == 1 and baseline["baseline"]["budget"] == \
        "2500000.00"
    problem(gateway.post(f"{API}/plans/{plan['id']}/baseline", {"reason": "late"},
                         who="turkistan"), 403)
    problem(gateway.post(f"{API}/plans/{plan['id']}/baseline", {}), 422)
    again = ok(gateway.post(f"{API}/plans/{plan['id']}/baseline",
                            {"reason": "the trainings moved to spring"}), 201)
    assert [h["number"] for h in again["history"]] == [2, 1]

    # the RGU methodology the trainings follow: readable by Turkistan, not writable
    rgu_ids = [p["predecessor_id"] for p in by_key["train.selection"]["predecessors"]]
    method = [ok(gateway.get(f"{API}/tasks/{i}")) for i in rgu_ids]
    method = [t for t in method if t["region_code"] is None][0]
    assert ok(gateway.get(f"{API}/tasks/{method['id']}", who="turkistan"))["id"] == method["id"]
    problem(gateway.patch(f"{API}/tasks/{method['id']}", {"version": method["version"],
                                                           "progress": 10},
                          who="turkistan"), 403)

    indicator = ok(gateway.get(f"{API}/indicators"))[0]
    changed = ok(gateway.request("PUT", f"{API}/indicators/{indicator['code']}/targets/2027",
                                 json={"value": "81.2", "version": indicator["version"]}))
    assert changed["targets"]["2027"] == "81.2"
    history = ok(gateway.get(f"{API}/indicators/{indicator['code']}/history"))
    assert history["items"][0]["changes"] == {"2027": [None, "81.2"]}

    summary = ok(gateway.get(f"{API}/projects/mediation/summary",
                             params={"year": 2026, "as_of": "2026-03-10"}))
    row = [r for r in summary["regions"] if r["plan_id"] == plan["id"]][0]
    assert row["measured_against"] == "baseline" and row["baseline"]["number"] == 2
    programme = ok(gateway.get(f"{API}/programme/summary",
                               params={"year": 2026, "as_of": "2026-03-10"}, who="observer"))
    mediation = programme["by_project"]["mediation"]
    assert mediation["overdue_by_region"] == summary["overdue_by_region"]
    assert mediation["progress"] == summary["progress"]
    assert "by_region" in programme["totals"]["risk_heat_map"]
