"""The registry service in a nameko container on a per-test vhost, on SQLite and PostgreSQL
(its events read back: ``registry_events``, tests/fixtures/registry.py)."""

import pytest

from services.registry.entrypoints.service import RegistryService


@pytest.fixture(autouse=True)
def _stop_quickly(quick_consumer_shutdown):
    """Every test here: containers stop within 50 ms."""


@pytest.fixture
def registry_db(database_url, migrated):
    """A migrated registry database with its reference data loaded."""
    return migrated("registry", database_url, reference=True)


@pytest.fixture
def registry(container_factory, service_config, registry_db):
    """A running registry service; yields its config. Killed before the vhost and the
    database go."""
    config = service_config("registry", registry_db)
    container = container_factory(RegistryService, config)
    container.start()
    yield config
    container.kill()
