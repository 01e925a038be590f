"""The events register's rules: time kept in UTC with the Kazakhstan date, counts by group."""
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kelisim.errors import Conflict, Invalid
from services.reports.domain.events import Event, tally

ALMATY = timezone(timedelta(hours=5))


def event(**fields):
    made = Event(region_code="KZ-61", org_unit_id=1, org_unit_kind="kgu",
                 starts_at=None, kind="meeting", title_kk="Отырыс")
    for name, value in fields.items():
        setattr(made, name, value)
    return made


def test_a_late_evening_in_almaty_is_that_day_there_and_the_day_before_nowhere():
    made = event()
    made.set_time(datetime(2026, 7, 1, 0, 30, tzinfo=ALMATY))
    assert made.starts_at == datetime(2026, 6, 30, 19, 30, tzinfo=UTC)
    assert made.local_date == date(2026, 7, 1)


def test_a_title_in_one_language_is_needed_and_an_end_not_before_the_start():
    untitled = event(title_kk=" ", title_ru=None)
    untitled.set_time(datetime(2026, 5, 1, 10, tzinfo=ALMATY))
    with pytest.raises(Invalid) as refused:
        untitled.check()
    assert "title_kk" in refused.value.errors
    backwards = event(title_ru="Заседание")
    backwards.set_time(datetime(2026, 5, 1, 10, tzinfo=ALMATY),
                       datetime(2026, 5, 1, 9, tzinfo=ALMATY))
    with pytest.raises(Invalid) as refused:
        backwards.check()
    assert "ends_at" in refused.value.errors


def test_a_cancelled_event_needs_a_reason_and_then_cannot_change():
    made = event()
    with pytest.raises(Invalid):
        made.cancel(" ", None)
    made.cancel("ауа райы", None)
    assert made.status == "cancelled"
    with pytest.raises(Conflict):
        made.ensure_changeable()


def test_counts_by_structure_type_count_each_type_once_and_periods_are_kazakh():
    rows = [
        {"region_code": "KZ-61", "structure_types": ["council_of_mothers"] * 2 + [
            "mediation_council"], "kind": "meeting", "local_date": date(2026, 3, 31),
         "participants": 10, "media_count": 1},
        {"region_code": "KZ-61", "structure_types": [], "kind": "video",
         "local_date": date(2026, 4, 1), "participants": 0, "media_count": 2},
        {"region_code": "KZ-75", "structure_types": ["council_of_mothers"], "kind": "meeting",
         "local_date": date(2026, 4, 2), "participants": 5, "media_count": 0},
    ]
    by_type = {r["key"]["structure_type"]: r for r in tally(rows, ["structure_type"])}
    assert by_type["council_of_mothers"]["events"] == 2
    assert by_type["council_of_mothers"]["participants"] == 15
    assert by_type["mediation_council"]["events"] == 1 and by_type["none"]["events"] == 1
    periods = [(r["key"], r["events"]) for r in tally(rows, ["region", "period"])]
    assert periods == [({"region": "KZ-61", "period": "2026-Q1"}, 1),
                       ({"region": "KZ-61", "period": "2026-Q2"}, 1),
                       ({"region": "KZ-75", "period": "2026-Q2"}, 1)]
    assert [r["key"]["period"] for r in tally(rows, ["period"], "monthly")] == [
        "2026-03", "2026-04"]
