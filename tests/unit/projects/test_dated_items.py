"""Dated and recurring template items: the format (on, not_before, within, repeat) and its
422s in kk/ru/en (services/projects/domain/template.py)."""
from datetime import date

import pytest

from kelisim.errors import Invalid
from services.projects.domain import template as templates
from services.projects.service_layer import projects, rollout, tasks


def item(key, **extra):
    return {"key": key, "kind": "task", "title_ru": key, "title_kk": key, "duration": 2,
            **extra}


def put(uow, registry, items):
    version = projects.get_template(uow(), "mediation")["version"]
    return projects.put_template(uow(), registry, "mediation",
                                 {"version": version, "items": items})


def errors_of(exc):
    found = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            found[prefix] = value
    walk("", exc.value.errors_in("en"))
    return found


def test_a_template_item_can_be_dated_pinned_to_a_period_or_recurring(uow, registry):
    saved = put(uow, registry, [
        item("day", on="05-01"), item("after-march", not_before="03-01"),
        item("q4", within="Q4"), item("h2-late", within="H2", not_before="11-01"),
        item("councils", repeat="FREQ=YEARLY;BYMONTH=3,7,11;BYMONTHDAY=15"),
        item("mothers", repeat="FREQ=MONTHLY;BYMONTHDAY=10,25;COUNT=18", after=[
            {"key": "day"}])])
    by_key = {i["key"]: i for i in saved["items"]}
    assert by_key["day"]["on"] == "05-01" and by_key["q4"]["within"] == "Q4"
    assert by_key["councils"]["repeat"] == "FREQ=YEARLY;BYMONTH=3,7,11;BYMONTHDAY=15"
    assert "on" not in by_key["q4"]  # an undated item's document is unchanged


@pytest.mark.parametrize("bad, field, text", [
    (item("x", on="5 May"), "items.0.on", "a day of every year as MM-DD, such as 05-01"),
    (item("x", on="02-29"), "items.0.on", "a day of every year as MM-DD, such as 05-01"),
    (item("x", not_before="13-01"), "items.0.not_before",
     "a day of every year as MM-DD, such as 05-01"),
    (item("x", within="Q5"), "items.0.within", "Q1 to Q4, H1 or H2"),
    (item("x", repeat="FREQ=SOMETIMES"), "items.0.repeat",
     "an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
    (item("x", repeat="FREQ=YEARLY;UNTIL=20270101"), "items.0.repeat",
     "an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
    (item("x", repeat="FREQ=DAILY"), "items.0.repeat", "from 1 to 60 dates a year"),
    (item("x", repeat="FREQ=MINUTELY"), "items.0.repeat",
     "an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
    # never matches: dateutil alone would search up to year 9999 for seconds
    (item("x", repeat="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"), "items.0.repeat",
     "from 1 to 60 dates a year"),
    (item("x", repeat="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"), "items.0.repeat",
     "from 1 to 60 dates a year"),  # not every year
    # 1 January unless a Sunday: a date in each of 2024-2031, none in 2023, 2034 or 2040
    (item("x", repeat="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1;BYDAY=MO,TU,WE,TH,FR,SA"),
     "items.0.repeat", "from 1 to 60 dates a year"),
    # times of day: two tasks due on one date; and a day of every minute is 1440 dates
    # to enumerate (minutes of CPU with BYSECOND) before the count is refused
    (item("x", repeat="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1;BYHOUR=9,15"), "items.0.repeat",
     "an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
    (item("x", repeat="FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=" + ",".join(map(str, range(24)))
          + ";BYMINUTE=" + ",".join(map(str, range(60)))
          + ";BYSECOND=" + ",".join(map(str, range(60)))), "items.0.repeat",
     "an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
    # a rule set behind white space (dateutil reads it as a second line: was a 500), and
    # digits RFC 5545 does not know
    (item("x", repeat="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1 EXDATE:20270301"),
     "items.0.repeat",
     "an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
    (item("x", repeat="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1\rRRULE:FREQ=DAILY"),
     "items.0.repeat",
     "an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
    (item("x", repeat="FREQ=MONTHLY;BYMONTHDAY=1;COUNT=\u0663"), "items.0.repeat",
     "an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
])
@pytest.mark.timeout(10)
def test_a_malformed_date_period_or_rule_is_a_422_naming_the_field(
        uow, registry, bad, field, text):
    with pytest.raises(Invalid) as exc:
        put(uow, registry, [bad])
    assert exc.value.status == 422
    found = errors_of(exc)
    assert field in found, found
    for lang in ("en", "ru", "kk"):
        rendered = exc.value.errors_in(lang)
        for part in field.split("."):
            rendered = rendered[part]
        rendered = rendered[0] if isinstance(rendered, list) else rendered
        assert (rendered == text) == (lang == "en"), (lang, rendered)


@pytest.mark.parametrize("bad, field, text", [
    ([item("x", on="05-01", within="Q2")], "items.0.within",
     "«on» fixes the date: no other date rule"),
    ([item("x", repeat="FREQ=YEARLY", within="Q2")], "items.0.within",
     "«repeat» dates each occurrence: no other date rule"),
    ([{**item("p"), "kind": "phase", "duration": 0, "within": "Q1"}], "items.0.within",
     "a phase spans its children: date its tasks"),
    ([item("x", within="Q2", not_before="09-01")], "items.0.not_before",
     "must fall in the period Q2"),
    ([item("x" * 37, repeat="FREQ=YEARLY")], "items.0.key",
     "at most 36 characters for a recurring item"),
    ([item("meet", repeat="FREQ=YEARLY"), item("meet.2")], "items.0.key",
     "meet.2 would be the key of an occurrence"),
    ([{**item("x", repeat="FREQ=YEARLY"), "title_ru": "Я" * 495}], "items.0.title_ru",
     "at most 490 characters for a recurring item"),
    # longer than the quarter: was accepted and rolled out starting months before it,
    # with no conflict reported (no predecessor to blame)
    ([item("x", within="Q1", duration=100)], "items.0.duration",
     "at most 55 working days: no more fit in Q1 every year"),
    ([item("x", within="Q4", not_before="12-20", duration=10)], "items.0.duration",
     "at most 8 working days: no more fit in Q4 every year"),
    # New Year: was a task of the 2027 plan due 31 December 2026 (overdue before its plan
    # starts), and a 422 for every rollout of 2020
    ([item("x", on="01-02", duration=1)], "items.0.on",
     "a day off with no working day of its year before it in some year 2020-2040: the "
     "task would be due in the previous year"),
    ([item("x", on="01-05", duration=1)], "items.0.on",
     "a day off with no working day of its year before it in some year 2020-2040: the "
     "task would be due in the previous year"),
    # 30 working days due 20 January: was started in the previous December
    ([item("x", on="01-20", duration=30)], "items.0.duration",
     "at most 10 working days: no more fit between 1 January and 01-20 every year"),
    # the same for an occurrence: was accepted, and the 2027 plan held an occurrence due
    # on 31 December 2026 (1 January) and one started in the previous December (6 January)
    ([item("x", repeat="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1,15", duration=1)],
     "items.0.repeat",
     "a day off with no working day of its year before it in some year 2020-2040: the "
     "task would be due in the previous year"),
    ([item("x", repeat="FREQ=MONTHLY;BYMONTHDAY=6", duration=3)], "items.0.duration",
     "at most 1 working days: no more fit between 1 January and 01-06 every year"),
])
def test_date_rules_that_contradict_each_other_are_a_422(uow, registry, bad, field, text):
    with pytest.raises(Invalid) as exc:
        put(uow, registry, bad)
    assert exc.value.errors_in("en")[field] == text
    assert exc.value.errors_in("ru")[field] != text  # translated
    assert exc.value.errors_in("kk")[field] != text


@pytest.mark.parametrize("year", [2026, 2028, 2036])
def test_the_longest_task_a_quarter_takes_every_year_rolls_out_inside_it(
        uow, registry, year):
    put(uow, registry, [item("longest", within="Q1", duration=55),
                        item("late", within="Q4", not_before="12-20", duration=8)])
    result = rollout.rollout(uow(), registry, "mediation", {"year": year,
                                                            "regions": ["KZ-61"]})
    assert result["constraint_conflicts"] == []
    found = {t["template_key"]: t for t in tasks.list_tasks(
        uow(), {"project": "mediation", "year": year})["items"]}
    assert date(year, 1, 1) < date.fromisoformat(found["longest"]["start_date"])
    assert date.fromisoformat(found["longest"]["due_date"]) <= date(year, 3, 31)
    assert date(year, 12, 20) <= date.fromisoformat(found["late"]["start_date"])
    assert date.fromisoformat(found["late"]["due_date"]) <= date(year, 12, 31)


def test_occurrences_and_periods_of_a_year():
    assert templates.occurrences("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1", 2026) == [
        date(2026, 3, 1)]
    assert len(templates.occurrences("FREQ=MONTHLY;BYMONTHDAY=10,25;COUNT=18", 2026)) == 18
    assert templates.occurrences("FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20", 2026)[-1] \
        == date(2026, 12, 20)
    assert templates.period_bounds("Q4", 2026) == (date(2026, 10, 1), date(2026, 12, 31))
    assert templates.period_bounds("H1", 2028) == (date(2028, 1, 1), date(2028, 6, 30))
    assert templates.period_bounds("Q1", 2028) == (date(2028, 1, 1), date(2028, 3, 31))


def test_a_template_read_can_be_put_back_as_it_is(uow, registry):
    """GET /projects/{code}/template answers project_code beside items and version: PUT
    took that answer back as a 422 «project_code: unknown field». The code is accepted when
    it is the address's project; another project's is a 422 naming it."""
    read = projects.get_template(uow(), "mediation")
    saved = projects.put_template(uow(), registry, "mediation", read)
    assert saved["items"] == read["items"]
    with pytest.raises(Invalid) as other:
        projects.put_template(uow(), registry, "mediation",
                              {**saved, "project_code": "civic-identity"})
    assert set(other.value.errors_in("kk")) == {"project_code"}
    assert other.value.errors_in("ru")["project_code"] != other.value.errors_in("en")[
        "project_code"]
