"""kelisim.events.payloads: the payload of every catalogued event, typed or as text, is
what marshmallow's load then dump gives, to the byte, and what the schema refuses is
refused with the same message."""
import copy
from datetime import date, datetime

import orjson
import pytest
from marshmallow import fields

from kelisim.events import catalogue, payloads
from services.projects.domain.events import DeadlineSlipped, TaskAssigned, envelope_of
from tests.support_events import SAMPLES, UNIT


def marshmallow_way(event_type, data):
    schema = catalogue.get(event_type).schema()
    return schema.dump(schema.load(copy.deepcopy(data)))


def typed(schema, data):
    """``data`` with each Date field's ISO text a ``date``, as our producers hold them."""
    out = dict(data)
    for name, field in schema.fields.items():
        value = out.get(name)
        if isinstance(field, fields.Date) and not isinstance(field, fields.DateTime) and \
                isinstance(value, str):
            out[name] = date.fromisoformat(value)
        elif isinstance(field, fields.Nested) and isinstance(value, dict):
            out[name] = typed(field.schema, value)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested) and \
                isinstance(value, list):
            out[name] = [typed(field.inner.schema, each) for each in value]
    return out


def same(event_type, data):
    expected = marshmallow_way(event_type, data)
    got = payloads.dump(event_type, copy.deepcopy(data))
    assert got == expected
    assert orjson.dumps(got) == orjson.dumps(expected)  # same keys in the same order


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_every_catalogued_payload_typed_or_as_text_is_dumped_as_marshmallow_dumps_it(event_type):
    schema = catalogue.get(event_type).schema()
    same(event_type, SAMPLES[event_type])
    same(event_type, typed(schema, SAMPLES[event_type]))
    same(event_type, {**typed(schema, SAMPLES[event_type]), "added_later": {"x": 1}})
    optional = [name for name, field in schema.fields.items() if not field.required]
    same(event_type, {k: v for k, v in typed(schema, SAMPLES[event_type]).items()
                      if k not in optional})


def test_the_projects_payloads_take_the_fast_path():
    for event_type in ("task_assigned", "task_reassigned", "deadline_slipped", "task_overdue",
                       "risk_escalated", "plan_status_changed"):
        assert payloads._plan(event_type) is not None, event_type


def task(**more):
    return {"task_id": 7, "task_title": "Тренинг", "task_title_kk": None, "plan_id": 3,
            "project_code": "mediation", "region_code": "KZ-61",
            "start_date": date(2026, 3, 2), "due_date": date(2026, 4, 15), **more}


def test_a_domain_events_payload_is_the_catalogues():
    slipped = DeadlineSlipped(**task(), old_start_date=date(2026, 3, 1),
                              old_due_date=date(2026, 4, 1), cause_task_id=6,
                              chain=list(range(6, 56)), reason="кешігу",
                              responsible=[UNIT, dict(UNIT, kind="structure", id=9)],
                              constraint_conflicts=[{"task_id": 9, "date": "2026-05-01"}])
    assigned = TaskAssigned(**task(), assignment_id=11, role="A", assignee=UNIT)
    for event in (slipped, assigned):
        event_type, data, _regions = envelope_of(event)
        same(event_type, data)
        same(event_type, {**data, "project_name": {"kk": "М", "ru": "М", "en": None}})


@pytest.mark.parametrize("broken, field", [
    ({"role": "X"}, "role"),                                  # a validator (OneOf)
    ({"assignment_id": True}, "assignment_id"),               # a bool is not an Integer
    ({"assignment_id": "11"}, None),                          # text of an int: loaded as 11
    ({"task_id": None}, "task_id"),                           # None where none is allowed
    ({"due_date": datetime(2026, 4, 15, 10)}, None),          # a datetime: as marshmallow takes it
    ({"assignee": dict(UNIT, kind="alien")}, "assignee"),     # nested validator
    ({"assignee": dict(UNIT, id=None)}, "assignee"),
    ({"project_name": {"kk": 5}}, "project_name"),
])
def test_what_the_fast_path_does_not_take_goes_through_marshmallow(broken, field):
    data = {**task(), "assignment_id": 11, "role": "R", "assignee": UNIT, **broken}
    if field is None:
        same("task_assigned", data)
        return
    with pytest.raises(ValueError, match=field):
        marshmallow_way_as_value_error(data)
    with pytest.raises(ValueError, match=field):
        payloads.dump("task_assigned", data)


def marshmallow_way_as_value_error(data):
    from marshmallow import ValidationError
    try:
        marshmallow_way("task_assigned", data)
    except ValidationError as exc:
        raise ValueError(str(exc.messages)) from exc


def test_a_missing_required_field_is_refused_naming_it():
    data = {k: v for k, v in task(chain=[1], cause_task_id=1,
                                  old_due_date=date(2026, 4, 1)).items() if k != "task_title"}
    with pytest.raises(ValueError, match="task_title"):
        payloads.dump("deadline_slipped", data)


def test_a_chain_that_is_not_all_ints_is_checked_by_marshmallow():
    data = task(chain=[1, "2"], cause_task_id=1, old_due_date=date(2026, 4, 1))
    same("deadline_slipped", data)
    with pytest.raises(ValueError, match="chain"):
        payloads.dump("deadline_slipped", {**data, "chain": [1, "x"]})
