"""The working calendar of Kazakhstan for every year the platform accepts (2020-2040):
public holidays from the `holidays` package's rules, Government transfer decrees as data."""
import json
import shutil
from datetime import date, timedelta

import holidays
import pytest

from kelisim import workdays
from kelisim.workdays.kazakhstan import TRANSFERS
from kelisim_platform.cli.main import main

# Days on which the platform deliberately differs from the pinned `holidays` package, each
# with its reason. Every row of transfers_kz.json the package does not know must be here.
DELIBERATE = {}


def every_day(first=workdays.FIRST, last=workdays.LAST):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_working_days_are_the_packages_for_every_year_2020_to_2040():
    calendar = workdays.kazakhstan()
    package = holidays.KZ(years=range(2020, 2041))
    differ = {day for day in every_day()
              if calendar.is_working_day(day) != package.is_working_day(day)}
    assert differ == set(DELIBERATE)
    problems, differences = workdays.check_transfers()
    assert problems == []
    assert {day: row.reason for day, row in differences.items()} == DELIBERATE


def test_a_2028_task_skips_womens_day_and_nauryz():
    calendar = workdays.kazakhstan()
    assert calendar.finish(date(2028, 3, 20), 3) == date(2028, 3, 27)  # 21-23 March: Nauryz
    assert not calendar.is_working_day(date(2028, 3, 8))
    assert not calendar.is_working_day(date(2040, 1, 1))
    # Kurban ait, on its lunar date, every year (2033 it falls on a Friday)
    kurban = [d for d, n in holidays.KZ(years=range(2020, 2041), language="en_US").items()
              if "Eid al-Adha" in n]
    assert len(kurban) >= 21 and not any(calendar.is_working_day(d) for d in kurban)


def test_a_decrees_working_saturday_is_worked():
    calendar = workdays.kazakhstan()
    assert calendar.is_working_day(date(2025, 1, 5))  # a Sunday, in exchange for 3 January
    assert not calendar.is_working_day(date(2025, 1, 3))


def test_every_day_off_has_its_names_in_kk_ru_and_en():
    for year in range(2020, 2041):
        for day in workdays.days_of_year(year):
            names = day["name"]
            assert all(names[lang].strip() for lang in ("kk", "ru", "en")), day
            assert names["ru"] != names["en"], day  # a ru name, not the English one
            assert day["source"].startswith("https://"), day
    nauryz = {d["date"]: d for d in workdays.days_of_year(2027)}[date(2027, 3, 22)]
    assert nauryz["name"] == {"kk": "Наурыз мейрамы", "ru": "Наурыз мейрамы",
                              "en": "Nowruz Holiday"}
    assert nauryz["working_day"] is False and nauryz["kind"] == "holiday"


def test_a_decrees_moved_day_names_the_day_it_came_from():
    """«{date} бастап» would say "starting from"; the day came *from* a date: «... күнінен»."""
    days = {d["date"]: d["name"] for d in workdays.days_of_year(2020)}
    assert days[date(2020, 1, 3)] == {"kk": "Демалыс күні (05.01.2020 күнінен ауыстырылды)",
                                      "ru": "Выходной день (перенесён с 05.01.2020)",
                                      "en": "Day off (moved from 05.01.2020)"}
    assert days[date(2020, 1, 5)]["kk"] == "Жұмыс күні (03.01.2020 демалыс күнінің орнына)"


def test_next_years_decree_is_added_by_a_command_and_checked(tmp_path, capsys):
    data = tmp_path / "transfers.json"
    shutil.copy(TRANSFERS, data)
    # a decree the package does not know yet: Friday 8 January 2027 off, Saturday 16th worked
    assert main(["calendar", "add-transfer", "--file", str(data), "--day-off", "2027-01-08",
                 "--working-day", "2027-01-16",
                 "--source", "https://adilet.zan.kz/kaz/docs/EXAMPLE"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("added") and "give the row a reason" in out  # flagged until explained
    assert main(["calendar", "check", "--file", str(data)]) == 1
    rows = json.loads(data.read_text("utf-8"))
    rows["transfers"][-1]["reason"] = "the 2027 decree is newer than the pinned package"
    data.write_text(json.dumps(rows), "utf-8")
    assert main(["calendar", "check", "--file", str(data)]) == 0
    problems, differences = workdays.check_transfers(data)
    assert problems == [] and set(differences) == {date(2027, 1, 8), date(2027, 1, 16)}
    # a day off already, and no source: refused, nothing written
    before = data.read_text("utf-8")
    assert main(["calendar", "add-transfer", "--file", str(data), "--day-off", "2027-03-22",
                 "--source", "none"]) == 1
    assert "day off already" in capsys.readouterr().out
    assert data.read_text("utf-8") == before


def test_leaving_the_calendar_is_a_422_error():
    calendar = workdays.kazakhstan()
    with pytest.raises(workdays.OutOfCalendar) as error:
        calendar.finish(date(2040, 12, 31), 5)
    assert error.value.status == 422
    with pytest.raises(workdays.OutOfCalendar):
        calendar.successor_start(date(2040, 12, 31))


def test_a_day_off_before_the_first_working_day_still_has_a_next_one():
    """1-4 January 2020 are days off and the calendar starts on the 1st: a predecessor
    finishing on one of them (a manual milestone) is followed from the first working day
    after it, not refused as leaving the calendar."""
    calendar = workdays.kazakhstan()
    first = calendar.on_or_after(date(2020, 1, 1))
    assert first > date(2020, 1, 2)
    for finish in (date(2020, 1, 1), date(2020, 1, 2)):
        assert calendar.successor_start(finish) == first
        assert calendar.successor_start(finish, 2) == calendar.add(first, 2)
        assert calendar.add(finish, 1) == first
    # the same rule as in mid-calendar: a day off counts as the working day before it
    saturday = date(2027, 3, 20)
    assert calendar.add(saturday, 1) == calendar.add(date(2027, 3, 19), 1)
    assert calendar.add(saturday, -1) == calendar.add(calendar.on_or_after(saturday), -1)
    assert calendar.add(saturday, 0) == calendar.on_or_after(saturday)
    assert calendar.add(date(2040, 12, 30), -1) == calendar.add(date(2040, 12, 31), -1)  # Sun
