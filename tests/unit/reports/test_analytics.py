"""Completeness and timeliness (DHIS2 reporting rates) and roll-ups with their exports."""
import base64
import csv
import io

import openpyxl
import pytest

from kelisim.errors import Forbidden, Invalid, NotFound
from services.reports.domain.periods import kz_today
from services.reports.service_layer import analytics, reports
from tests.support import COORDINATOR
from tests.support_reports import quarters_ago


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

    # by default only reports already due are expected (DHIS2): the current period is not
    due = analytics.reporting_rates(uow(), {"from": first.code, "to": current.code})
    due_periods = {r["period"] for r in due["rows"]}
    assert first.code in due_periods and current.code not in due_periods
    assert due["national"]["expected"] == len(due["rows"]) < 60
    assert due["national"]["reported"] == 1  # KZ-61's late one; the current two are not due
    rates = analytics.reporting_rates(uow(), {"from": first.code, "to": current.code,
                                              "include_not_due": True})

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
    mine = analytics.reporting_rates(uow(COORDINATOR), {"from": first.code, "to": current.code,
                                                        "include_not_due": True})
    assert mine["national"]["expected"] == 3 and {r["region_code"] for r in mine["rows"]} == {
        "KZ-61"}
    with pytest.raises(Forbidden):
        analytics.reporting_rates(uow(COORDINATOR), {"region": "KZ-75"})
    with pytest.raises(Invalid):
        analytics.reporting_rates(uow(), {"from": current.code, "to": first.code})
    year = analytics.reporting_rates(uow(), {"year": kz_today().year, "include_not_due": True})
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
    as_xlsx = analytics.export_rollup(uow(), dict(query, format="xlsx", lang="ru"),
                                      regions=REGIONS)

    assert as_csv["filename"].endswith(".csv") and as_csv["content_type"].startswith("text/csv")
    text = base64.b64decode(as_csv["content"]).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    national = {r["field"]: r for r in table if r["group"] == "national"}
    assert national["budget_spent"]["sum"] == "1234567.89"
    assert national["cases_received"]["label_kk"] == "Түскен"
    assert {r["group"] for r in table} == {"KZ-61", "national"}
    rows = xlsx_rows(as_xlsx)
    budget = rows[("Казахстан (итого по республике)", "Бюджет")]
    assert budget["Сумма"] == pytest.approx(1234567.89)
    assert as_xlsx["filename"].endswith(".xlsx")


REGIONS = {"KZ-61": {"kk": "Түркістан облысы", "ru": "Туркестанская область",
                     "en": "Turkistan Region"},
           "KZ-75": {"kk": "Алматы қаласы", "ru": "город Алматы", "en": "Almaty"}}


def xlsx_rows(exported):
    """{(group, indicator): {header: value}} of an exported workbook's first sheet, and the
    sheet itself under the key "sheet"."""
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(exported["content"])))
    sheet = book.worksheets[0]
    lines = list(sheet.iter_rows())
    header_at = next(i for i, row in enumerate(lines) if row[2].value is not None)
    header = [c.value for c in lines[header_at]]
    found = {"sheet": sheet, "title": [lines[0][0].value, lines[1][0].value],
             "header": header}
    for row in lines[header_at + 1:]:
        found[(row[0].value, row[1].value)] = {h: c.value for h, c in zip(header, row, strict=False)}
        found[(row[0].value, row[1].value, "formats")] = {h: c.number_format
                                                           for h, c in zip(header, row, strict=False)}
    return found


def test_the_xlsx_a_ministry_can_hand_on(uow, template, collect):
    fields = [
        {"code": "events_held", "type": "integer", "label_kk": "Өткізілген іс-шаралар",
         "label_ru": "Проведено мероприятий"},
        {"code": "budget_spent", "type": "money", "label_kk": "Игерілген бюджет",
         "label_ru": "Освоено бюджета"},
        {"code": "coverage", "type": "percent", "label_kk": "Қамту үлесі",
         "label_ru": "Доля охвата"}]
    first = quarters_ago(1)
    template(code="coverage", fields=fields, rules=[], active_from=first.start.isoformat())
    collect()
    current = quarters_ago(0)
    values = {"KZ-61": (3, "1500000", "80"), "KZ-75": (5, "250000.50", "40")}
    for region, (events, spent, coverage) in values.items():
        [found] = reports.list_reports(uow(), {"region": region, "period": current.code,
                                               "template": "coverage"})["items"]
        reports.submit_report(uow(), found["id"], {"version": found["version"], "values": {
            "events_held": events, "budget_spent": spent, "coverage": coverage}})
    query = {"template": "coverage", "from": current.code, "to": current.code,
             "format": "xlsx"}

    kk = xlsx_rows(analytics.export_rollup(uow(), dict(query, lang="kk"), regions=REGIONS))
    ru = xlsx_rows(analytics.export_rollup(uow(), dict(query, lang="ru"), regions=REGIONS))

    assert kk["header"] == ["Өңір", "Көрсеткіш", "Есептер", "Мәндер", "Жиыны", "Орташа мәні",
                            "Ең кішісі", "Ең үлкені"]
    assert ru["header"][:2] == ["Регион", "Показатель"] and kk["sheet"].title == "Жиынтық"
    # the template by its title in the reader's language, months lower-case mid-sentence
    assert "«Медиация есебі» есептерінің өңірлер бойынша жиынтығы" in kk["title"][0]
    assert "coverage" not in kk["title"][0] + ru["title"][0]
    month = kk["title"][0].split("жиынтығы, ")[1].split(" ")[2]
    assert month == month.lower(), kk["title"][0]
    assert kk["title"][1].startswith("Жасалған уақыты: ") and "Астана уақыты" in kk["title"][1]
    assert "Свод отчётов «Отчёт по медиации» по регионам" in ru["title"][0]
    # an average of whole numbers keeps its decimals (3 and 5 events: 4.00, 6.75 not 7)
    assert ru[("Казахстан (итого по республике)", "Проведено мероприятий", "formats")][
        "Среднее"] == "#,##0.00"
    # region names, not codes; labels in the reader's language
    money = ru[("Туркестанская область", "Освоено бюджета")]
    assert money["Сумма"] == pytest.approx(1500000)
    assert ru[("Туркестанская область", "Освоено бюджета", "formats")]["Сумма"] == \
        '#,##0.00 "₸"'
    assert ("Түркістан облысы", "Қамту үлесі") in kk and ("KZ-61", "Доля охвата") not in ru
    # a percent is averaged, never summed
    national = ru[("Казахстан (итого по республике)", "Доля охвата")]
    assert national["Сумма"] is None and national["Среднее"] == pytest.approx(60)
    assert ru[("Казахстан (итого по республике)", "Доля охвата", "formats")]["Среднее"] == \
        '0.0 "%"'
    assert ru[("Казахстан (итого по республике)", "Проведено мероприятий")]["Сумма"] == 8
    # the JSON roll-up agrees with the files: no sum for a percent field, in every group
    rolled = analytics.rollup(uow(), {"template": "coverage", "from": current.code,
                                      "to": current.code})
    for group in [rolled["national"], *rolled["groups"]]:
        assert group["fields"]["coverage"]["sum"] is None, group
        assert group["fields"]["events_held"]["sum"] is not None
    assert rolled["national"]["fields"]["coverage"]["avg"] == "60.00"
    assert rolled["national"]["fields"]["events_held"]["sum"] == "8"
