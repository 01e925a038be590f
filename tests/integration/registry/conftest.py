"""The registry service in a nameko container on a per-test vhost, on SQLite and PostgreSQL."""

import eventlet
import pytest
from kombu import Connection, Queue
from kombu.mixins import ConsumerMixin

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from kelisim.events.topology import event_exchange
from services.registry.adapters.repository import RegistryRepository
from services.registry.entrypoints.service import RegistryService
from services.registry.service_layer.reference import load_reference_data
from tests.support import ADMIN, COORDINATOR, OBSERVER  # noqa: F401  (re-exported to the tests)


@pytest.fixture(autouse=True)
def quick_consumer_shutdown(monkeypatch):
    """nameko's consumers look for a stop request once a second (kombu's safety interval),
    so each container takes up to a second to die; in tests they look every 50 ms."""
    consume = ConsumerMixin.consume

    def eager(self, *args, safety_interval=0.05, **kwargs):
        return consume(self, *args, safety_interval=safety_interval, **kwargs)

    monkeypatch.setattr(ConsumerMixin, "consume", eager)


@pytest.fixture
def registry_db(database_url, migrated, session_factory):
    """A migrated registry database with its reference data loaded."""
    url = migrated("registry", database_url)
    load_reference_data(UnitOfWork(session_factory(url), Context(), RegistryRepository))
    return url


@pytest.fixture
def registry(container_factory, service_config, registry_db):
    """A running registry service; yields its config. Killed before the vhost and the
    database go."""
    config = service_config("registry", registry_db)
    container = container_factory(RegistryService, config)
    container.start()
    yield config
    container.kill()


@pytest.fixture
def registry_events(amqp_uri):
    """A queue bound to every event on ``registry.events``; ``next(timeout)`` takes one."""
    connection = Connection(amqp_uri)
    channel = connection.channel()
    queue = Queue("test.registry-events", exchange=event_exchange("registry"),
                  routing_key="#", durable=False, auto_delete=True)(channel)
    queue.declare()

    class Events:
        def next(self, timeout=10):
            """The next event's (body, message), waiting up to ``timeout`` seconds."""
            with eventlet.Timeout(timeout):
                while True:
                    message = queue.get(no_ack=True, accept=["json"])
                    if message is not None:
                        return message.payload, message
                    eventlet.sleep(0.02)

        def pending(self):
            return queue.queue_declare(passive=True).message_count

    yield Events()
    connection.release()
