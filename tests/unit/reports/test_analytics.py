"""Completeness and timeliness (DHIS2 reporting rates) and roll-ups with their exports."""
import base64
import csv
import io

import openpyxl
import pytest

from kelisim.errors import Forbidden, Invalid, NotFound
from services.reports.domain.periods import kz_today
from services.reports.service_layer import analytics, reports

from tests.unit.reports.conftest import COORDINATOR, quarters_ago


@pytest.fixture
def collected(uow, template, collect):
    """Three quarters (two past, the current one) of reports from every KGU; ``submit``."""
    first = quarters_ago(2)
    template(active_from=first.start.isoformat())
    collect()

    def find(region, period):
        [found] = reports.list_reports(uow(), {"region": region, "period": period.code})["items"]
        return found

    def submit(region, period, values):
        report = find(region, period)
        return reports.submit_report(uow(), report["id"], {"version": report["version"],
                                                           "values": values})

    return {"first": first, "current": quarters_ago(0), "submit": submit, "find": find}


def test_rates_per_region_template_period_and_nationally(uow, collected):
    first, current, submit = collected["first"], collected["current"], collected["submit"]
    late = submit("KZ-61", first, {"cases_received": 4, "resolved_by_mediation": 4})
    submit("KZ-61", current, {"cases_received": 10, "resolved_by_mediation": 5})
    submit("KZ-75", current, {"cases_received": 7, "resolved_by_mediation": 1})
    returned = submit("KZ-10", first, {"cases_received": 1, "resolved_by_mediation": 1})
    reports.return_report(uow(), returned["id"], {"version": returned["version"],
                                                  "comment": "check"})

    rates = analytics.reporting_rates(uow(), {"from": first.code, "to": current.code})

    assert late["on_time"] is False
    assert rates["national"] == {
        "template_code": None, "period": None, "region_code": None, "expected": 60,
        "reported": 3, "on_time": 2, "missing": 57, "reporting_rate": 5.0, "on_time_rate": 3.3}
    row = {(r["period"], r["region_code"]): r for r in rates["rows"]}
    assert (row[(first.code, "KZ-61")]["reporting_rate"],
            row[(first.code, "KZ-61")]["on_time_rate"]) == (100.0, 0.0)
    assert row[(first.code, "KZ-10")]["reported"] == 0
    assert len(rates["rows"]) == 60
    national = {r["period"]: r for r in rates["by_template"]}
    assert (national[current.code]["expected"], national[current.code]["reporting_rate"],
            national[current.code]["on_time_rate"]) == (20, 10.0, 10.0)
    region = {r["region_code"]: r for r in rates["by_region"]}
    assert (region["KZ-61"]["reporting_rate"], region["KZ-61"]["on_time_rate"]) == (66.7, 33.3)
    mine = analytics.reporting_rates(uow(COORDINATOR), {"from": first.code, "to": current.code})
    assert mine["national"]["expected"] == 3 and {r["region_code"] for r in mine["rows"]} == {
        "KZ-61"}
    with pytest.raises(Forbidden):
        analytics.reporting_rates(uow(COORDINATOR), {"region": "KZ-75"})
    with pytest.raises(Invalid):
        analytics.reporting_rates(uow(), {"from": current.code, "to": first.code})
    year = analytics.reporting_rates(uow(), {"year": kz_today().year})
    assert year["period_from"].endswith("-01-01") and year["national"]["expected"] > 0


def test_rollup_by_region_is_exact_and_can_keep_to_accepted_reports(uow, collected):
    first, current, submit = collected["first"], collected["current"], collected["submit"]
    submit("KZ-61", current, {"cases_received": 10, "resolved_by_mediation": 5,
                              "budget_spent": "100.10"})
    submit("KZ-61", first, {"cases_received": 4, "resolved_by_mediation": 4,
                            "budget_spent": "0.05"})
    accepted = submit("KZ-75", current, {"cases_received": 7, "resolved_by_mediation": 1})
    reports.accept_report(uow(), accepted["id"], {"version": accepted["version"]})
    query = {"template": "mediation-test", "from": first.code, "to": current.code}

    rollup = analytics.rollup(uow(), query)

    assert rollup["templates"] == ["mediation-test"] and rollup["by"] == "region"
    assert [f["code"] for f in rollup["fields"]] == [
        "cases_received", "resolved_by_mediation", "budget_spent"]
    groups = {g["group"]: g for g in rollup["groups"]}
    assert set(groups) == {"KZ-61", "KZ-75"} and groups["KZ-61"]["reports"] == 2
    assert groups["KZ-61"]["fields"]["cases_received"] == {
        "count": 2, "sum": "14", "avg": "7.00", "min": "4", "max": "10"}
    assert groups["KZ-61"]["fields"]["budget_spent"] == {
        "count": 2, "sum": "100.15", "avg": "50.08", "min": "0.05", "max": "100.10"}
    national = rollup["national"]
    assert national["reports"] == 3
    assert national["fields"]["cases_received"]["sum"] == "21"
    assert national["fields"]["budget_spent"]["count"] == 2
    only_accepted = analytics.rollup(uow(), dict(query, accepted_only=True))["national"]
    assert (only_accepted["reports"], only_accepted["fields"]["cases_received"]["sum"]) == (1, "7")
    mine = analytics.rollup(uow(COORDINATOR), query)
    assert [g["group"] for g in mine["groups"]] == ["KZ-61"]
    with pytest.raises(Invalid) as unnamed:
        analytics.rollup(uow(), {"from": first.code})
    assert "template" in unnamed.value.errors
    with pytest.raises(NotFound):
        analytics.rollup(uow(), {"template": "no-such"})


def test_rollup_by_base_project_spans_the_linked_templates(uow, template, collect):
    for code, project in (("proj-a", "mediation"), ("proj-b", "civic-identity")):
        template(code=code, project_code=project,
                 active_from=kz_today().replace(day=1).isoformat())
    collect()
    for code, cases in (("proj-a", 5), ("proj-b", 8)):
        [report] = reports.list_reports(uow(), {"region": "KZ-61", "template": code})["items"]
        reports.submit_report(uow(), report["id"], {"version": 1, "values": {
            "cases_received": cases, "resolved_by_mediation": 1}})

    rollup = analytics.rollup(uow(), {"by": "project"})

    assert sorted(rollup["templates"]) == ["proj-a", "proj-b"]
    groups = {g["group"]: g["fields"]["cases_received"]["sum"] for g in rollup["groups"]}
    assert groups == {"mediation": "5", "civic-identity": "8"}
    assert rollup["national"]["fields"]["cases_received"]["sum"] == "13"
    one = analytics.rollup(uow(), {"by": "project", "project": "mediation"})
    assert one["templates"] == ["proj-a"]


def test_exports_carry_the_same_figures_as_csv_and_xlsx(uow, collected):
    current = collected["current"]
    collected["submit"]("KZ-61", current, {"cases_received": 10, "resolved_by_mediation": 5,
                                           "budget_spent": "1234567.89"})
    query = {"template": "mediation-test", "from": current.code, "to": current.code}

    as_csv = analytics.export_rollup(uow(), dict(query, format="csv"))
    as_xlsx = analytics.export_rollup(uow(), dict(query, format="xlsx"))

    assert as_csv["filename"].endswith(".csv") and as_csv["content_type"].startswith("text/csv")
    text = base64.b64decode(as_csv["content"]).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    national = {r["field"]: r for r in table if r["group"] == "national"}
    assert national["budget_spent"]["sum"] == "1234567.89"
    assert national["cases_received"]["label_kk"] == "Түскен"
    assert {r["group"] for r in table} == {"KZ-61", "national"}
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(as_xlsx["content"])))
    sheet = book["rollup"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    budget = next(r for r in rows if r["group"] == "national" and r["field"] == "budget_spent")
    assert budget["sum"] == pytest.approx(1234567.89) and budget["label_ru"] == "Бюджет"
    assert as_xlsx["filename"].endswith(".xlsx")
