"""The reports routes through the gateway: regions, roles, problems, downloads."""
import csv
import io

import openpyxl

from services.reports.domain.periods import kz_today
from tests.integration.gateway.helpers import API, as_documented, ok, problem
from tests.support_reports import mediation_template


def test_templates_reports_workflow_rates_and_exports(platform, rpc):
    gw, service = platform
    problem(gw.post(f"{API}/report-templates", mediation_template(), who="turkistan"), 403)
    bad = problem(gw.post(f"{API}/report-templates", mediation_template(period_type="weekly")),
                  422)
    assert "period_type" in bad["errors"]
    template = ok(gw.post(f"{API}/report-templates", mediation_template(
        active_from=kz_today().replace(day=1).isoformat())), 201)
    assert ok(gw.get(f"{API}/report-templates/{template['id']}", who="observer")) == template
    assert [t["code"] for t in ok(gw.get(f"{API}/report-templates"))] == ["mediation-test"]

    with rpc("reports") as reports:  # the job, as the timer would run it
        reports.run_collection(kz_today().isoformat())
    mine = ok(gw.get(f"{API}/reports", who="turkistan"))
    assert mine["total"] == 1 and mine["items"][0]["region_code"] == "KZ-61"
    report = mine["items"][0]
    rid = report["id"]
    problem(gw.get(f"{API}/reports", params={"region": "KZ-75"}, who="turkistan"), 403)
    problem(gw.get(f"{API}/reports/{rid}", who="almaty"), 404)
    problem(gw.request("PUT", f"{API}/reports/{rid}", who="almaty",
                       json={"version": 1, "values": {}}), 404)
    assert ok(gw.get(f"{API}/reports", params={"missing": "true"}))["total"] == 20

    saved = ok(gw.request("PUT", f"{API}/reports/{rid}", who="turkistan",
                          json={"version": 1, "values": {"cases_received": 4}}))
    refused = problem(gw.post(f"{API}/reports/{rid}/submit", {"version": 2, "values": {
        "cases_received": 4, "resolved_by_mediation": 6}}, who="turkistan"), 422)
    assert refused["errors"]["resolved_by_mediation"].startswith(
        "rule resolved_by_mediation <= cases_received")
    submitted = ok(gw.post(f"{API}/reports/{rid}/submit", {"version": 2, "values": {
        "cases_received": 4, "resolved_by_mediation": 3, "budget_spent": "2500.00"}},
        who="turkistan"))
    problem(gw.post(f"{API}/reports/{rid}/accept", {"version": 3}, who="turkistan"), 403)
    problem(gw.post(f"{API}/reports/{rid}/return", {"version": 3}), 422)
    problem(gw.post(f"{API}/reports/{rid}/accept", {"version": 2}), 409)
    accepted = ok(gw.post(f"{API}/reports/{rid}/accept", {"version": 3}))
    problem(gw.request("PUT", f"{API}/reports/{rid}", who="turkistan",
                       json={"version": 4, "values": {}}), 409)
    reopened = ok(gw.post(f"{API}/reports/{rid}/reopen", {"version": 4, "reason": "қате"}))
    history = ok(gw.get(f"{API}/reports/{rid}/history", who="turkistan"))

    assert saved["values"] == {"cases_received": 4} and submitted["status"] == "submitted"
    assert accepted["status"] == "accepted" and reopened["status"] == "reopened"
    assert [h["action"] for h in history] == ["reopen", "accept", "submit", "save"]

    # only the current period is owed, not yet due: expected by default are reports due
    due = ok(gw.get(f"{API}/reporting-rates", params={"template": "mediation-test"}))
    assert due["national"]["expected"] == 0 and due["rows"] == []
    rates = ok(gw.get(f"{API}/reporting-rates", params={"template": "mediation-test",
                                                        "include_not_due": "true"}))
    assert rates["national"]["expected"] == 20 and rates["national"]["reported"] == 0
    rollup = ok(gw.get(f"{API}/rollups", params={"template": "mediation-test"}))
    assert rollup["national"]["reports"] == 0
    problem(gw.get(f"{API}/rollups", params={"by": "nothing"}), 422)

    ok(gw.post(f"{API}/reports/{rid}/submit", {"version": 5}, who="turkistan"))
    as_csv = gw.get(f"{API}/rollups/export", params={"template": "mediation-test"},
                    who="observer")
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    assert as_documented(gw, as_csv, "GET", f"{API}/rollups/export") == "text/csv"
    assert 'filename="rollup-mediation-test-by-region' in as_csv.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert {(r["group"], r["field"], r["sum"]) for r in table if r["field"] == "budget_spent"} \
        == {("KZ-61", "budget_spent", "2500.00"), ("national", "budget_spent", "2500.00")}
    as_xlsx = gw.get(f"{API}/rollups/export", params={"template": "mediation-test",
                                                      "format": "xlsx"},
                     headers={"Accept-Language": "kk"})
    assert as_xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    as_documented(gw, as_xlsx, "GET", f"{API}/rollups/export")  # it documented text/csv only
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))["Жиынтық"]
    # a title, when it was made, a blank line, the header; KZ-61 and national, three fields
    assert sheet.max_row == 4 + 2 * 3
    assert sheet["A4"].value == "Өңір" and sheet["A5"].value == "Түркістан облысы"
    russian = gw.get(f"{API}/rollups/export", params={"template": "mediation-test",
                                                      "format": "xlsx", "lang": "ru"})
    sheet = openpyxl.load_workbook(io.BytesIO(russian.content))["Свод"]
    assert sheet["A5"].value == "Туркестанская область"

