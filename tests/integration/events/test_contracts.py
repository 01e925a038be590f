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
from tests.support_events import PERSON, SAMPLES

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
