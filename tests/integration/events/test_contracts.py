"""Contracts tolerate growth: every catalogued event, with a field its consumers do not know
(at the top and inside a nested object), is handled by each service that consumes it —
not retried, not dead-lettered — on the real broker, with the real consumers running.

This is a rolling upgrade in miniature: a producer one release ahead adds a field, the
older consumers keep working. A new catalogued event needs a sample below (the first test
says which); a new consumer of an event is found and checked by itself.
"""
import copy
import inspect
import uuid

import pytest
from amqp.exceptions import NotFound as ChannelNotFound
from kombu import Connection, Queue
from kombu.entity import PERSISTENT_DELIVERY_MODE

from kelisim import metrics
from kelisim.context import CORRELATION_KEY
from kelisim.events import catalogue, topology
from kelisim.events.envelope import new_envelope
from kelisim.events.handler import ReliableEventHandler
from kelisim.events.topology import event_exchange
from kelisim_platform.cli.components import BOOTSTRAPS, service_class
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer.reference import load_reference_data
from tests.support import on_database, wait_for

NAME = {"kk": "Медиация институтын дамыту", "ru": "Развитие института медиации"}
TASK = {"task_id": 7, "task_title": "Тренинг", "task_title_kk": "Тренинг", "plan_id": 3,
        "project_code": "mediation", "project_name": NAME, "region_code": "KZ-61",
        "start_date": "2026-03-01", "due_date": "2026-04-15"}
UNIT = {"kind": "org_unit", "id": 2, "name": "КГУ", "region_code": "KZ-61"}
REPORT = {"report_id": 5, "template_code": "quarterly", "template_title": "Тоқсандық есеп",
          "period": "2026-Q1", "org_unit_id": 2, "region_code": "KZ-61",
          "due_date": "2026-04-10"}
ORG_UNIT = {"id": 900, "code": "BR-KZ-61-900", "name_kk": "Филиал", "name_ru": "Филиал",
            "kind": "branch", "level": "district", "region_code": "KZ-61", "parent_id": 2,
            "opened_on": "2026-01-05", "closed_on": None, "version": 1}
STRUCTURE = {"id": 901, "type": "council_of_mothers", "name": "Аналар кеңесі",
             "org_unit_id": 2, "region_code": "KZ-61", "level": "city", "member_count": 12,
             "accreditation": None, "version": 1}
PERSON = {"id": 902, "full_name": "Айгүл Сапарова", "position": None, "email": None,
          "phone": None, "org_unit_id": 2, "structure_id": None, "region_code": "KZ-61",
          "version": 1}
ORGANISATION = {"id": 903, "code": "AKIMAT-KZ-61", "name_kk": "Түркістан облысының әкімдігі",
                "name_ru": "Акимат Туркестанской области", "name_en": None, "short_kk": None,
                "short_ru": None, "kind": "akimat", "region_code": "KZ-61",
                "contact_person": None, "email": None, "phone": None, "website": None,
                "address": None, "closed_on": None, "version": 1}

# One valid payload per catalogued event, as its producer sends it today.
SAMPLES = {
    "task_assigned": dict(TASK, assignment_id=11, role="R", assignee=UNIT),
    "task_reassigned": dict(TASK, assignment_id=11, role="R", assignee=UNIT,
                            previous_assignee=dict(UNIT, id=3)),
    "deadline_slipped": dict(TASK, old_due_date="2026-04-01", cause_task_id=6, chain=[6, 7],
                             reason="кешігу", responsible=[UNIT]),
    "task_overdue": dict(TASK, days_overdue=3, stage="first", responsible=[UNIT]),
    "budget_overrun": {"plan_id": 3, "project_code": "mediation", "project_name": NAME,
                       "region_code": "KZ-61", "budget_line_id": 9, "category": "events",
                       "planned": "1000000.00", "committed": "900000.00",
                       "actual": "1250000.50"},
    "risk_escalated": {"risk_id": 4, "project_code": "mediation", "project_name": NAME,
                       "region_code": "KZ-61", "title": "Медиаторлар жетіспейді",
                       "score": 20, "threshold": 15},
    "plan_status_changed": {"plan_id": 3, "project_code": "mediation", "project_name": NAME,
                            "region_code": "KZ-61", "year": 2026, "old_status": "draft",
                            "new_status": "approved"},
    "report_due_soon": dict(REPORT, days_left=5),
    "report_overdue": dict(REPORT, days_overdue=4, stage=1),
    "report_submitted": dict(REPORT, submitted_at="2026-04-09T10:00:00+05:00", on_time=True),
    "report_accepted": dict(REPORT, accepted_at="2026-04-11T10:00:00+05:00"),
    "report_returned": dict(REPORT, comment="Кестені толтырыңыз"),
    "report_reopened": dict(REPORT, reason="Қате сан"),
    "org_unit_created": ORG_UNIT,
    "org_unit_updated": {"changed": ["name_ru"], "current": dict(ORG_UNIT, version=2)},
    "structure_created": STRUCTURE,
    "structure_updated": {"changed": ["member_count"], "current": dict(STRUCTURE, version=2)},
    "person_created": PERSON,
    "person_updated": {"changed": ["position"], "current": dict(PERSON, version=2)},
    "organisation_created": ORGANISATION,
    "organisation_updated": {"changed": ["email"],
                             "current": dict(ORGANISATION, email="akimat@example.kz",
                                             version=2)},
}
REGISTERED = {"event_id": 40, "region_code": "KZ-61", "org_unit_id": 2, "org_unit_kind": "kgu",
              "kind": "mediation_training", "title_kk": "Медиация тренингі",
              "title_ru": "Тренинг по медиации", "starts_at": "2026-03-10T10:00:00+05:00",
              "local_date": "2026-03-10", "participants": 25, "structure_ids": [901],
              "structure_types": ["council_of_mothers"], "project_code": "mediation",
              "plan_id": 3, "task_id": 7, "initiative": None, "status": "recorded"}
SAMPLES.update({
    "event_recorded": REGISTERED,
    "event_updated": dict(REGISTERED, changed=["participants"]),
    "event_cancelled": dict(REGISTERED, status="cancelled", reason="карантин"),
})
ADDED = {"added_in_a_later_release": {"any": ["shape", 1]}}


def grown(payload):
    """The payload with an unknown field at the top and in each nested object."""
    payload = copy.deepcopy(payload)
    for value in payload.values():
        for item in (value if isinstance(value, list) else [value]):
            if isinstance(item, dict) and set(item) - {"kk", "ru", "en"}:
                item.update(ADDED)
    payload.update(ADDED)
    return payload


def consumers():
    """``{event_type: [component, ...]}`` from the service classes' event handlers."""
    found = {}
    for component in BOOTSTRAPS:
        for _, method in inspect.getmembers(service_class(component), inspect.isfunction):
            for entrypoint in getattr(method, "nameko_entrypoints", ()):
                if isinstance(entrypoint, ReliableEventHandler):
                    found.setdefault(entrypoint.event_type, []).append(component)
    return found


def counted(component, event_type, outcome):
    return metrics.EVENTS_CONSUMED.labels(component, event_type, outcome)._value.get()


def test_every_catalogued_event_has_a_sample_and_a_tolerant_schema():
    catalogued = catalogue.all_events()
    assert set(SAMPLES) == set(catalogued), "add a sample of each new event to SAMPLES"
    for event_type, spec in catalogued.items():
        assert issubclass(spec.schema, catalogue.EventData), event_type
        loaded = catalogue.read(event_type, spec.version, grown(SAMPLES[event_type]))
        assert "added_in_a_later_release" not in loaded, event_type


def test_the_catalogue_refuses_a_payload_that_would_reject_growth():
    from marshmallow import Schema, fields

    class Strict(Schema):
        id = fields.Int()

    with pytest.raises(TypeError, match="EventData"):
        catalogue.event("test", "strict_event")(Strict)
    with pytest.raises(TypeError, match="nested"):
        catalogue.event("test", "strict_nested")(
            catalogue.EventData.from_dict({"nested": fields.Nested(Strict)}))


def test_a_newer_version_is_refused_by_the_reader():
    with pytest.raises(catalogue.NewerVersion):
        catalogue.read("person_created", 2, PERSON)


@pytest.fixture
def platform(start, migrated, tmp_path):
    """Every component that consumes catalogued events, running on its own database."""
    urls = {name: migrated(name, f"sqlite:///{tmp_path / (name + '.db')}")
            for name in ("registry", "reports", "notifications")}
    on_database(urls["registry"], RegistryRepository, load_reference_data)
    start(service_class("registry"), urls["registry"])
    start(service_class("reports"), urls["reports"], REPORTS_JOB_EAGER=False)
    start(service_class("notifications"), urls["notifications"])


def publish(amqp_uri, event_type, data):
    spec = catalogue.get(event_type)
    envelope = new_envelope(event_type, SAMPLES[event_type], source=spec.source,
                            correlation_id=f"corr-{uuid.uuid4()}", regions=["KZ-61"])
    message = dict(envelope.to_message(), data=data)
    exchange = event_exchange(spec.source)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer(serializer="json").publish(
            message, exchange=exchange, declare=[exchange], routing_key=event_type,
            delivery_mode=PERSISTENT_DELIVERY_MODE,
            headers={f"nameko.{CORRELATION_KEY}": envelope.correlation_id},
            message_id=envelope.id)


def test_each_consumer_handles_each_event_with_fields_it_does_not_know(platform, amqp_uri):
    expected = consumers()
    assert expected["task_assigned"] == ["notifications"]  # the discovery finds handlers
    before = {(c, t, o): counted(c, t, o) for t, cs in expected.items() for c in cs
              for o in ("handled", "retried", "dead_lettered")}

    for event_type in catalogue.all_events():
        publish(amqp_uri, event_type, grown(SAMPLES[event_type]))

    def progress():
        return {(c, t, o): counted(c, t, o) - n for (c, t, o), n in before.items() if
                counted(c, t, o) != n}

    pairs = {(c, t) for t, cs in expected.items() for c in cs}
    try:
        wait_for(lambda: {(c, t) for (c, t, o) in progress()} >= pairs, timeout=15)
    except AssertionError:
        pass  # the comparison below names what was not handled
    assert progress() == {(c, t, "handled"): 1 for c, t in pairs}
    for component in {c for c, _ in pairs}:
        assert dead_letters(amqp_uri, component) in (0, None), component


def dead_letters(amqp_uri, component):
    """Messages in the component's dead-letter queue (None: there is none)."""
    with Connection(amqp_uri) as conn:
        queue = Queue(topology.dead_letter_queue(component, {}).name, channel=conn.channel())
        try:
            return queue.queue_declare(passive=True).message_count
        except ChannelNotFound:
            return None
