"""The projects and registry services running for real on a per-test vhost.

The projects service asks the real registry for KGUs, structures and people; its events
are published by its outbox relay and read back from the broker.
"""

import pytest

from services.projects.entrypoints.service import ProjectsService
from services.registry.entrypoints.service import RegistryService
from tests.support import EventQueue


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
    """Every event on ``projects.events`` (tests/support.EventQueue: ``take(count)``)."""
    events = EventQueue(amqp_uri, "projects")
    yield events
    events.close()


@pytest.fixture
def gateway(start_gateway, runner_factory, service_config, migrated, session_factory,
            tmp_path):
    """The gateway and registry (as in the gateway's tests), plus the projects service (SQLite)."""
    # a template is ~30 kB; cached reads outlive every test, so what drops them is a change
    gateway = start_gateway(MAX_REQUEST_BYTES=262_144, READ_CACHE_SECONDS=600)
    url = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}", reference=True)
    runner_factory(service_config("projects", url), ProjectsService).start()
    return gateway
