"""Projects unit tests: the service layer over a migrated SQLite file, no broker.

The registry is another service; here a small stand-in answers its questions (the
integration tests run the real one). The schema is migrated and the reference data
loaded once per session into a template file; each test works on a copy.
"""

import pytest

from services.projects.adapters.orm import start_mappers
from services.projects.adapters.repository import ProjectsRepository
from services.projects.service_layer import reference
from tests.support import service_layer_fixtures
from tests.support_projects import FakeRegistry

template_db, sessions, uow, rows, events = service_layer_fixtures(
    "projects", ProjectsRepository, start_mappers, reference.load_reference_data)


@pytest.fixture
def registry():
    return FakeRegistry()


@pytest.fixture
def rolled_out(uow, registry):
    """The mediation project rolled out for 2026 to Turkistan region and Almaty city."""
    from services.projects.service_layer.rollout import rollout

    return rollout(uow(), registry, "mediation", {"year": 2026, "regions": ["KZ-61", "KZ-75"]})
