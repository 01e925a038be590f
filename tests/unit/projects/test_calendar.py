"""The Kazakhstan working calendar: weekends, public holidays as data, lags."""
from datetime import date

from services.projects.service_layer.common import work_calendar


def test_holidays_and_weekends_are_days_off():
    calendar = work_calendar()
    assert not calendar.is_working_day(date(2026, 3, 21))  # Nauryz, a Saturday
    assert not calendar.is_working_day(date(2026, 3, 23))  # Nauryz, a Monday
    assert not calendar.is_working_day(date(2026, 3, 25))  # day off for the weekend Nauryz
    assert calendar.is_working_day(date(2026, 3, 26))
    assert not calendar.is_working_day(date(2025, 12, 16))  # Independence Day
    assert not calendar.is_working_day(date(2027, 1, 4))  # 2 January 2027 is a Saturday
    assert not calendar.is_working_day(date(2026, 5, 27))  # Kurban Ait


def test_working_day_arithmetic_skips_days_off():
    calendar = work_calendar()
    # Friday 20 March 2026 finishes; Nauryz and the weekend follow: next start is 26 March.
    assert calendar.successor_start(date(2026, 3, 20)) == date(2026, 3, 26)
    assert calendar.successor_start(date(2026, 3, 20), lag=2) == date(2026, 3, 30)
    assert calendar.finish(date(2026, 3, 19), 3) == date(2026, 3, 26)
    assert calendar.duration(date(2026, 3, 19), date(2026, 3, 26)) == 3
    assert calendar.add(date(2026, 3, 21), 1) == date(2026, 3, 26)  # Saturday + 1
    assert calendar.on_or_after(date(2026, 1, 1)) == date(2026, 1, 5)


def test_the_schedule_uses_the_package_calendar_for_every_year_2020_to_2040():
    import holidays

    from tests.unit.core.test_workdays import DELIBERATE, every_day

    calendar = work_calendar()
    package = holidays.KZ(years=range(2020, 2041))
    assert {d for d in every_day() if calendar.is_working_day(d) != package.is_working_day(d)} \
        == set(DELIBERATE)
    # a 3-day task starting Monday 20 March 2028 skips Nauryz (21-23 March)
    assert calendar.finish(date(2028, 3, 20), 3) == date(2028, 3, 27)
