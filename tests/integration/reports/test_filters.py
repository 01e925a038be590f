"""Issue 12.7 through the gateway: ``from``/``to`` narrow the reporting rates, roll-ups and
exports (they used to be validated and then dropped: the answer covered the whole year),
report lists filter by due date and sort, and an unknown parameter is a 422 naming it."""
import csv
import io

from tests.integration.gateway.helpers import API, ok, problem
from tests.support_reports import mediation_template

FILLED = {"cases_received": 4, "resolved_by_mediation": 3, "budget_spent": "2500.00"}


def test_from_and_to_narrow_rates_rollups_and_exports(platform, rpc):
    gw, service = platform
    ok(gw.post(f"{API}/report-templates", mediation_template(active_from="2026-01-01")), 201)
    with rpc("reports") as reports:
        reports.run_collection("2026-09-20")
    mine = ok(gw.get(f"{API}/reports", params={"region": "KZ-61", "sort": "period_start"}))
    periods = [r["period"] for r in mine["items"]]
    assert periods[:2] == ["2026-Q1", "2026-Q2"] and periods == sorted(periods)
    q2 = mine["items"][1]
    ok(gw.post(f"{API}/reports/{q2['id']}/submit", {"version": q2["version"], "values": FILLED},
               who="turkistan"))
    q1_only = {"template": "mediation-test", "from": "2026-Q1", "to": "2026-Q1"}
    everything = {"template": "mediation-test", "year": "2026"}

    rates, all_rates = (ok(gw.get(f"{API}/reporting-rates", params=p))
                        for p in (q1_only, everything))
    assert {r["period"] for r in rates["rows"]} == {"2026-Q1"}
    assert rates["national"]["expected"] == 20 < all_rates["national"]["expected"]
    assert (rates["period_from"], rates["period_to"]) == ("2026-01-01", "2026-03-31")

    rollup, all_rollup = (ok(gw.get(f"{API}/rollups", params=p)) for p in (q1_only, everything))
    assert rollup["national"]["reports"] == 0 and all_rollup["national"]["reports"] == 1

    exported = gw.get(f"{API}/rollups/export", params=q1_only, who="observer")
    assert exported.status_code == 200, exported.text
    assert "2026-01-01-2026-03-31" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert not [r for r in rows if r["field"] == "budget_spent" and r["sum"] not in ("", "0")]


def test_report_lists_filter_by_due_date_and_sort_and_refuse_unknown_parameters(
        platform, rpc):
    gw, service = platform
    ok(gw.post(f"{API}/report-templates", mediation_template(active_from="2026-01-01")), 201)
    with rpc("reports") as reports:
        reports.run_collection("2026-09-20")
    every = ok(gw.get(f"{API}/reports", params={"limit": 200}))
    dues = sorted({r["due_date"] for r in every["items"]})
    assert len(dues) >= 2
    first_due = ok(gw.get(f"{API}/reports", params={"due_before": dues[0], "limit": 200}))
    assert 0 < first_due["total"] < every["total"]
    assert {r["due_date"] for r in first_due["items"]} == {dues[0]}
    later = ok(gw.get(f"{API}/reports", params={"due_after": dues[1], "limit": 200}))
    assert later["total"] == every["total"] - first_due["total"]
    newest_due = ok(gw.get(f"{API}/reports", params={"sort": "-due_date,region_code"}))
    keys = [(r["due_date"], r["region_code"]) for r in newest_due["items"]]
    assert keys[0][0] == dues[-1] and [k[0] for k in keys] == sorted(
        [k[0] for k in keys], reverse=True)
    backwards = problem(gw.get(f"{API}/reports", params={"due_after": dues[1],
                                                         "due_before": dues[0]}), 422)
    assert "due_before" in backwards["errors"]
    bad = problem(gw.get(f"{API}/reports", params={"sort": "password"}), 422)
    assert "sort" in bad["errors"]
    unknown = problem(gw.get(f"{API}/reports", params={"q": "x", "due_befor": "2026-01-01"}),
                      422)
    assert unknown["errors"] == {"q": "unknown query parameter",
                                 "due_befor": "unknown query parameter"}
