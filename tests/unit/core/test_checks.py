"""The compiled checks of envelopes and payloads (kelisim/events/checks.py): "surely
valid" only for what marshmallow accepts, anything else left to marshmallow, so
parse_envelope accepts and refuses exactly what it did."""
import copy

import pytest
from marshmallow import ValidationError

from kelisim.events import catalogue
from kelisim.events.envelope import (
    _ENVELOPE_SCHEMA,
    MalformedEvent,
    _payload_check,
    _surely_valid,
    new_envelope,
    parse_envelope,
)
from tests.support_notifications import SAMPLES

SLIP = {"task_id": 7, "task_title": "Задача", "task_title_kk": "Тапсырма",
        "project_name": {"kk": "Медиация", "ru": "Медиация"}, "project_code": "mediation",
        "region_code": "KZ-61", "start_date": "2027-03-01", "due_date": "2027-03-03",
        "old_due_date": "2027-02-24", "cause_task_id": 1, "chain": [1, 4, 7],
        "reason": "late", "responsible": [{"kind": "org_unit", "id": 16, "name": "KGU"}]}


def slip(**overrides):
    message = new_envelope("deadline_slipped", SLIP, source="projects", correlation_id="c-1",
                           regions=["KZ-61"]).to_message()
    for path, value in overrides.items():
        *parents, last = path.split(".")
        target = message
        for name in parents:
            target = target[int(name)] if isinstance(target, list) else target[name]
        if value is DROP:
            del target[last]
        else:
            target[int(last) if isinstance(target, list) else last] = value
    return message


DROP = object()


def marshmallow_accepts(message):
    try:
        _ENVELOPE_SCHEMA.load(message)
        catalogue.read(message["type"], message["version"], message["data"])
    except (ValidationError, KeyError, catalogue.NewerVersion):
        return False
    return True


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_events_as_producers_send_them_pass_the_fast_check(event_type):
    message = new_envelope(event_type, SAMPLES[event_type], source="projects",
                           correlation_id="c-1", regions=["KZ-61"]).to_message()

    assert _payload_check(event_type) is not None
    assert _surely_valid(message) and marshmallow_accepts(message)
    assert parse_envelope(message).to_message() == message


REFUSED = {  # what marshmallow refuses: the fast check is not sure, marshmallow says why
    "no id": {"id": DROP}, "id not a uuid": {"id": "not-a-uuid"},
    "version as text": {"version": "1"}, "version a bool": {"version": True},
    "naive time": {"occurred_at": "2026-03-02T06:30:00"}, "time not a time": {"occurred_at": "x"},
    "unknown envelope key": {"extra": 1}, "regions not a list": {"regions": "KZ-61"},
    "a region not text": {"regions": [61]}, "data not a dict": {"data": []},
    "unknown type": {"type": "no_such_event"}, "newer version": {"version": 2},
    "no task id": {"data.task_id": DROP}, "task id null": {"data.task_id": None},
    "task id a bool": {"data.task_id": True}, "title a number": {"data.task_title": 5},
    "bad date": {"data.old_due_date": "2027-02-30"}, "date a number": {"data.due_date": 20270303},
    "chain item text": {"data.chain": [1, "x"]}, "chain not a list": {"data.chain": 5},
    "name value a number": {"data.project_name": {"kk": 5}},
    "assignee kind unknown": {"data.responsible": [{"kind": "alien", "id": 1}]},
    "assignee without id": {"data.responsible": [{"kind": "org_unit"}]},
    "reason message not a dict": {"data.reason_message": "x"},
}
BUDGET_REFUSED = {"amount not a number": "12,5", "amount infinite": "Infinity",
                  "amount not a number at all": "NaN", "amount a bool": True}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_marshmallow_refuses_is_never_surely_valid(case):
    message = slip(**REFUSED[case])

    assert not _surely_valid(message)
    assert not marshmallow_accepts(message)
    with pytest.raises(MalformedEvent):
        parse_envelope(copy.deepcopy(message))


@pytest.mark.parametrize("case", sorted(BUDGET_REFUSED))
def test_money_marshmallow_refuses_is_never_surely_valid(case):
    message = new_envelope("budget_overrun", SAMPLES["budget_overrun"], source="projects",
                           correlation_id="c-1", regions=["KZ-61"]).to_message()
    message["data"]["planned"] = BUDGET_REFUSED[case]

    assert not _surely_valid(message) and not marshmallow_accepts(message)
    with pytest.raises(MalformedEvent):
        parse_envelope(message)


ACCEPTED_BY_MARSHMALLOW = {  # coerced or ignored by marshmallow: the slow path accepts them
    "task id as text": {"data.task_id": "7"}, "unknown payload key": {"data.new_field": 1},
    "nullable left null": {"data.start_date": None}, "optional left out": {"data.plan_id": DROP},
    "offset time": {"occurred_at": "2026-03-02T11:30:00+05:00"},
}


@pytest.mark.parametrize("case", sorted(ACCEPTED_BY_MARSHMALLOW))
def test_what_marshmallow_accepts_is_still_accepted(case):
    message = slip(**ACCEPTED_BY_MARSHMALLOW[case])

    assert marshmallow_accepts(message)
    assert parse_envelope(message).to_message() == message
