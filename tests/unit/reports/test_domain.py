"""The reports domain without a database: periods, field types, rules, reminders, roll-ups."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from kelisim.errors import Conflict, Invalid
from services.reports.domain.periods import Period, kz_date, parse_period, period_containing, periods_starting_between
from services.reports.domain.reminders import reminder_for
from services.reports.domain.reports import Report
from services.reports.domain.rollups import roll_up
from services.reports.domain.templates import Template
from tests.support_reports import mediation_template


def make_template(**overrides):
    data = mediation_template(**overrides)
    return Template(**{k: v for k, v in data.items()})


@pytest.mark.parametrize("text, start, end", [
    ("2026-07", date(2026, 7, 1), date(2026, 7, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
])
def test_periods_parse_and_span_their_days(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end, period.code) == (start, end, text)


def test_period_sequences_cross_years():
    assert [p.code for p in periods_starting_between("quarterly", date(2025, 11, 5),
                                                     date(2026, 7, 1))] == [
        "2026-Q1", "2026-Q2", "2026-Q3"]
    assert Period(2026, "monthly", 12).next().code == "2027-01"
    assert period_containing(date(2026, 8, 9), "half_yearly").code == "2026-H2"
    with pytest.raises(ValueError):
        parse_period("2026-Q5")
    with pytest.raises(ValueError):
        parse_period("2026-Q1", "monthly")


def test_kazakhstan_date_is_utc_plus_five():
    assert kz_date(datetime(2026, 3, 31, 18, 59, tzinfo=UTC)) == date(2026, 3, 31)
    assert kz_date(datetime(2026, 3, 31, 19, 0, tzinfo=UTC)) == date(2026, 4, 1)


@pytest.mark.parametrize("field_type, raw, stored", [
    ("integer", 12, 12), ("decimal", "1.125", "1.125"), ("money", "1500000.50", "1500000.50"),
    ("money", 7, "7.00"), ("percent", "99.5", "99.50"), ("date", "2026-03-31", "2026-03-31"),
    ("text", "Түркістан — ынтымақ", "Түркістан — ынтымақ"), ("choice", "high", "high"),
])
def test_each_field_type_stores_an_exact_value(field_type, raw, stored):
    template = make_template(fields=[{"code": "f", "type": field_type, "label_kk": "f",
                                      "label_ru": "f", "choices": ["low", "high"]}], rules=[])
    assert template.validate({"f": raw}, complete=True) == {"f": stored}


@pytest.mark.parametrize("field_type, raw, rule", [
    ("integer", True, "type:"), ("integer", 1.5, "type:"), ("integer", -1, "min:"),
    ("money", "10.005", "type:"), ("money", "-3", "min:"), ("money", "NaN", "type:"),
    ("percent", "100.01", "range:"), ("decimal", "abc", "type:"), ("date", "31.03.2026", "type:"),
    ("choice", "medium", "choice:"), ("text", 5, "type:"),
])
def test_a_bad_value_names_its_field_and_rule(field_type, raw, rule):
    template = make_template(fields=[{"code": "f", "type": field_type, "label_kk": "f",
                                      "label_ru": "f", "min": 0 if field_type == "integer" else None,
                                      "choices": ["low", "high"]}], rules=[])
    with pytest.raises(Invalid) as caught:
        template.validate({"f": raw}, complete=False)
    assert caught.value.errors["f"].startswith(rule)


def test_required_fields_and_rules_are_checked_on_submit_only():
    template = make_template()
    draft = {"resolved_by_mediation": 9, "cases_received": 4}
    assert template.validate(draft, complete=False) == draft
    with pytest.raises(Invalid) as caught:
        template.validate(draft, complete=True)
    assert caught.value.errors == {"resolved_by_mediation": (
        "rule resolved_by_mediation <= cases_received: must satisfy resolved_by_mediation <= "
        "cases_received (here 9 <= 4 is false)")}
    with pytest.raises(Invalid) as missing:
        template.validate({"notes": "x", "nonsense": 1}, complete=True)
    assert missing.value.errors == {
        "nonsense": "unknown: not a field of this template",
        "cases_received": "required: a value is needed to submit",
        "resolved_by_mediation": "required: a value is needed to submit"}


def test_a_rule_may_sum_fields_and_compare_with_a_number():
    template = make_template(rules=[
        {"left": ["resolved_by_mediation", "cases_received"], "op": "<", "right": 100,
         "message": "too many"}])
    assert template.validate({"cases_received": 50, "resolved_by_mediation": 49}, True)
    with pytest.raises(Invalid) as caught:
        template.validate({"cases_received": 50, "resolved_by_mediation": 50}, True)
    assert "too many" in caught.value.errors["resolved_by_mediation"]


def test_a_template_refuses_rules_on_text_fields_and_duplicate_codes():
    with pytest.raises(Invalid) as caught:
        make_template(rules=[{"left": "notes", "op": "<=", "right": "cases_received"}]).check()
    assert "notes" in caught.value.errors["rules.0"]
    fields = mediation_template()["fields"]
    with pytest.raises(Invalid) as duplicate:
        make_template(fields=fields + fields[:1]).check()
    assert duplicate.value.errors["fields"] == "field codes must be unique"


def report(due, status="draft", first_submitted_at=None):
    return Report(template_id=1, template_code="t", template_version=1, period="2026-Q1",
                  period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), org_unit_id=1,
                  due_date=due, timely_until=due, status=status,
                  first_submitted_at=first_submitted_at)


def test_reminders_come_due_soon_then_overdue_in_stages():
    template = make_template(remind_days_before=5, overdue_every_days=7)
    due = date(2026, 4, 10)
    assert reminder_for(report(due), template, date(2026, 4, 4)) is None
    soon = reminder_for(report(due), template, date(2026, 4, 5))
    assert (soon.kind, soon.stage, soon.data) == ("report_due_soon", 1, {"days_left": 5})
    stages = [reminder_for(report(due), template, due + timedelta(days=late)).stage
              for late in (1, 7, 8, 14, 15)]
    assert stages == [1, 1, 2, 2, 3]
    assert reminder_for(report(due, "submitted"), template, date(2026, 5, 1)) is None
    assert reminder_for(report(due, "returned", first_submitted_at=1), template,
                        date(2026, 4, 8)) is None
    assert reminder_for(report(due, "returned", first_submitted_at=1), template,
                        date(2026, 4, 11)).kind == "report_overdue"


def test_the_workflow_refuses_steps_out_of_order():
    r = report(date(2026, 4, 10))
    now = datetime(2026, 4, 9, tzinfo=UTC)
    with pytest.raises(Conflict):
        r.accept(now, "admin")
    r.submit({}, now, date(2026, 4, 9))
    assert r.on_time is True and r.submission_count == 1
    with pytest.raises(Invalid):
        r.return_for_correction(now, "admin", "  ")
    r.accept(now, "admin")
    with pytest.raises(Conflict) as locked:
        r.save({}, now)
    assert "locked" in locked.value.detail
    r.reopen(now, "admin", "figures changed")
    later = datetime(2026, 6, 1, tzinfo=UTC)
    r.submit({}, later, date(2026, 6, 1))
    assert (r.status, r.submission_count, r.on_time) == ("submitted", 2, True)


def test_roll_up_is_exact():
    rows = [({"a": "0.10", "b": 1}, "KZ-61"), ({"a": "0.20", "b": 2}, "KZ-61"),
            ({"a": "0.05"}, "KZ-75")]
    result = roll_up(rows, ["a", "b"], lambda region: (region, "national"))
    assert result["national"]["a"] == {"count": 3, "sum": "0.35", "avg": "0.12",
                                       "min": "0.05", "max": "0.20"}
    assert result["KZ-61"]["b"] == {"count": 2, "sum": "3", "avg": "1.50", "min": "1", "max": "2"}
    assert result["KZ-75"]["b"]["count"] == 0 and result["KZ-75"]["b"]["sum"] is None
    assert Decimal(result["national"]["a"]["sum"]) == Decimal("0.35")
