"""The projects and registry services running for real on a per-test vhost.

The projects service asks the real registry for KGUs, structures and people; its events
are published by its outbox relay and read back from the broker.
"""

import eventlet
import pytest
from kombu import Connection, Queue

from kelisim.events.topology import event_exchange
from services.projects.entrypoints.service import ProjectsService
from services.registry.entrypoints.service import RegistryService


@pytest.fixture(autouse=True)
def _stop_quickly(quick_consumer_shutdown):
    """Every test here: containers stop within 50 ms."""


@pytest.fixture
def projects_db(database_url, migrated):
    return migrated("projects", database_url, reference=True)


@pytest.fixture
def platform(container_factory, service_config, projects_db, migrated, session_factory,
             tmp_path):
    """Registry (SQLite) and projects (SQLite and PostgreSQL) running; yields projects' config."""
    registry_url = migrated("registry", f"sqlite:///{tmp_path / 'registry.db'}", reference=True)
    containers = [container_factory(RegistryService, service_config("registry", registry_url)),
                  container_factory(ProjectsService, service_config("projects", projects_db))]
    for container in containers:
        container.start()
    yield service_config("projects", projects_db)
    for container in containers:
        container.kill()


@pytest.fixture
def project_events(amqp_uri):
    """A queue bound to every event on ``projects.events``."""
    connection = Connection(amqp_uri)
    channel = connection.channel()
    queue = Queue("test.projects-events", exchange=event_exchange("projects"),
                  routing_key="#", durable=False, auto_delete=True)(channel)
    queue.declare()

    class Events:
        def take(self, count, timeout=15):
            """``count`` events (bodies), waiting up to ``timeout`` seconds in all."""
            taken = []
            with eventlet.Timeout(timeout):
                while len(taken) < count:
                    message = queue.get(no_ack=True, accept=["json"])
                    if message is None:
                        eventlet.sleep(0.02)
                        continue
                    taken.append(message.payload)
            return taken

        def pending(self):
            return queue.queue_declare(passive=True).message_count

    yield Events()
    connection.release()


@pytest.fixture
def gateway(start_gateway, runner_factory, service_config, migrated, session_factory,
            tmp_path):
    """The gateway and registry (as in the gateway's tests), plus the projects service (SQLite)."""
    # a template is ~30 kB; cached reads outlive every test, so what drops them is a change
    gateway = start_gateway(MAX_REQUEST_BYTES=262_144, READ_CACHE_SECONDS=600)
    url = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}", reference=True)
    runner_factory(service_config("projects", url), ProjectsService).start()
    return gateway
