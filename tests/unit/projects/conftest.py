"""Projects unit tests: the service layer over a migrated SQLite file, no broker.

The registry is another service; here a small stand-in answers its questions (the
integration tests run the real one). The schema is migrated and the reference data
loaded once per session into a template file; each test works on a copy.
"""

import pytest
import sqlalchemy as sa

from services.projects.adapters.orm import start_mappers
from services.projects.adapters.repository import ProjectsRepository
from services.projects.service_layer import reference
from tests.support import OUTBOX, copy_of, template_database, units_of_work
from tests.support_projects import FakeRegistry


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory):
    """A projects database at head with the reference data, built once."""
    start_mappers()
    return template_database(tmp_path_factory, "projects", reference.load_reference_data,
                             ProjectsRepository)


@pytest.fixture
def projects_url(reference_db, tmp_path):
    return copy_of(reference_db, tmp_path)


@pytest.fixture
def sessions(projects_url, session_factory):
    return session_factory(projects_url)


@pytest.fixture
def uow(sessions):
    """``uow(actor)``: a fresh unit of work acting as ``actor`` (the RGU admin by default)."""
    return units_of_work(sessions, "projects", ProjectsRepository)


@pytest.fixture
def registry():
    return FakeRegistry()


@pytest.fixture
def events(sessions):
    """``events(type=None)``: the outbox's envelopes, oldest first."""

    def read(event_type=None):
        with sessions() as session:
            query = sa.select(OUTBOX.c.envelope).order_by(OUTBOX.c.id)
            if event_type:
                query = query.where(OUTBOX.c.event_type == event_type)
            return [row[0] for row in session.execute(query)]

    return read


@pytest.fixture
def rolled_out(uow, registry):
    """The mediation project rolled out for 2026 to Turkistan region and Almaty city."""
    from services.projects.service_layer.rollout import rollout

    return rollout(uow(), registry, "mediation", {"year": 2026, "regions": ["KZ-61", "KZ-75"]})
