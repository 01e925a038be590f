"""The event bus end to end: a producer named ``registry`` with the outbox relay, and a
``probe`` consumer using ``on_event``, ``Database`` and ``first_time``, on the real broker.

The probe's behaviour is chosen by the event itself: a ``full_name`` of ``fail-N`` fails
the first N deliveries, ``always-fail`` never succeeds, ``huge-error`` never succeeds with
a 200 kB message, anything else succeeds.
"""
import collections
import contextlib

import pytest
import sqlalchemy as sa
from amqp.exceptions import NotFound as ChannelNotFound
from kombu import Connection, Exchange, Queue
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy

from kelisim.context import RequestContext
from kelisim.db.provider import Database
from kelisim.db.tables import platform_tables
from kelisim.events import topology
from kelisim.events.handler import on_event
from tests.integration.registry.conftest import quick_consumer_shutdown  # noqa: F401

OUTBOX, AUDIT, PROCESSED = platform_tables(sa.MetaData())
CONSUMER = "probe.on_person"
PROBE_QUEUE = "evt-registry-person_created--probe.on_person"

# What the probe saw, per test: event id -> [correlation id of each delivery].
DELIVERIES = collections.defaultdict(list)


class Producer:
    """Stands in for the registry: writes person_created to its outbox."""

    name = "registry"
    db = Database()

    @rpc
    def emit_person(self, full_name, commit=True):
        with self.db as uow:
            envelope = uow.emit("person_created", {
                "id": 1, "full_name": full_name, "org_unit_id": 2, "region_code": "KZ-61",
                "version": 1}, regions=["KZ-61"])
            if commit:
                uow.commit()
        return envelope.id


class Probe:
    """An idempotent consumer whose failures are scripted by the event payload."""

    name = "probe"
    context = RequestContext()
    db = Database(relay=False)

    @on_event("registry", "person_created")
    def on_person(self, event):
        DELIVERIES[event.id].append(self.context.correlation_id)
        plan = event.data["full_name"]
        with self.db as uow:
            if not uow.first_time(event.id, CONSUMER):
                return "duplicate"
            uow.audit("handled", "event", event.id, after={
                "name": plan, "correlation_id": self.context.correlation_id})
            if plan == "always-fail":
                raise RuntimeError("this handler always fails")
            if plan == "huge-error":
                raise RuntimeError("x" * 200_000)
            if plan.startswith("fail-") and len(DELIVERIES[event.id]) <= int(plan[5:]):
                raise RuntimeError(f"failure {len(DELIVERIES[event.id])} of {plan}")
            uow.commit()
        return "handled"


@pytest.fixture(autouse=True)
def fresh_deliveries():
    DELIVERIES.clear()
    yield
    DELIVERIES.clear()


@pytest.fixture
def dbs(tmp_path, migrated):
    """Migrated databases of the producer and the probe (separate SQLite files)."""
    return {name: migrated("registry", f"sqlite:///{tmp_path / (name + '.db')}")
            for name in ("producer", "probe")}


@pytest.fixture
def producer(start, dbs):
    return start(Producer, dbs["producer"])


@pytest.fixture
def probe(start, dbs):
    return start(Probe, dbs["probe"])


@pytest.fixture
def emit_with():
    """``emit_with(producer_container)``: an ``emit`` function for that producer."""

    def bind(container):
        def call(full_name, correlation_id=None, commit=True):
            context_data = {"correlation_id": correlation_id} if correlation_id else {}
            with ServiceRpcProxy("registry", container.config, context_data=context_data,
                                 timeout=10) as service:
                return service.emit_person(full_name, commit)

        return call

    return bind


@pytest.fixture
def emit(producer, emit_with):
    """``emit(full_name, correlation_id=None, commit=True)`` over RPC; returns the event id."""
    return emit_with(producer)


@pytest.fixture
def table_rows(session_factory):
    """``table_rows(url, table)``: all rows of a platform table."""

    def read(url, table):
        with session_factory(url)() as session:
            return session.execute(sa.select(table)).all()

    return read


@pytest.fixture
def broker(amqp_uri):
    """Raw access to the vhost: publish to an exchange, drain or count a queue."""

    class Broker:
        def publish(self, body, routing_key="person_created", exchange="registry.events",
                    **kwargs):
            with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
                producer = conn.Producer(serializer="json")
                producer.publish(body, exchange=topology.event_exchange("registry")
                                 if exchange == "registry.events" else Exchange(exchange),
                                 routing_key=routing_key,
                                 delivery_mode=PERSISTENT_DELIVERY_MODE, **kwargs)

        def drain(self, queue_name):
            """Every message now in ``queue_name`` (acked), as kombu messages."""
            taken = []
            with Connection(amqp_uri) as conn:
                channel = conn.channel()
                queue = Queue(queue_name, channel=channel)
                while True:
                    message = queue.get(no_ack=True, accept=["json", "text/plain"])
                    if message is None:
                        return taken
                    taken.append(message)

        def count(self, queue_name):
            """Messages ready in ``queue_name``; None if there is no such queue."""
            with Connection(amqp_uri) as conn:
                queue = Queue(queue_name, channel=conn.channel())
                try:
                    return queue.queue_declare(passive=True).message_count
                except ChannelNotFound:
                    return None

        @contextlib.contextmanager
        def bound_queue(self, name="test.registry-events"):
            """A durable-less queue bound to all registry events for the block's duration."""
            with Connection(amqp_uri) as conn:
                queue = Queue(name, exchange=topology.event_exchange("registry"),
                              routing_key="#", channel=conn.channel())
                queue.declare()
                try:
                    yield name
                finally:
                    queue.delete()

    return Broker()
