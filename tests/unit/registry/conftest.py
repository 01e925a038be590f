"""Registry unit tests: the service layer over a migrated SQLite file, no broker.

The schema is migrated with Alembic and the reference data loaded once per session into
a template file; each test works on its own copy of it.
"""

import pytest
import sqlalchemy as sa

from services.registry.adapters.orm import start_mappers
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer import org_units, reference
from tests.support import copy_of, template_database, units_of_work


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory):
    """A registry database at head with the reference data, built once."""
    start_mappers()
    return template_database(tmp_path_factory, "registry", reference.load_reference_data,
                             RegistryRepository)


@pytest.fixture
def registry_url(reference_db, tmp_path):
    return copy_of(reference_db, tmp_path)


@pytest.fixture
def sessions(registry_url, session_factory):
    return session_factory(registry_url)


@pytest.fixture
def uow(sessions):
    """``uow(actor)``: a fresh unit of work acting as ``actor`` (the RGU admin by default)."""
    return units_of_work(sessions, "registry", RegistryRepository)


@pytest.fixture
def rows(sessions):
    """``rows(table)``: every row of a platform table (outbox, audit_log) as dicts."""

    def read(table):
        with sessions() as session:
            query = sa.select(table).order_by(table.c.id)
            return [dict(r._mapping) for r in session.execute(query)]

    return read


@pytest.fixture
def kgu(uow):
    """The id of a region's KGU, as loaded by the reference data."""

    def find(region_code):
        with uow() as work:
            return work.repo.kgu_of(region_code).id

    return find


@pytest.fixture
def branch(uow, kgu):
    """A city branch of the Turkistan KGU."""
    return org_units.create_org_unit(uow(), {
        "code": "KGU-KZ-61-TURKISTAN", "name_kk": "Түркістан қалалық филиалы",
        "name_ru": "Туркестанский городской филиал", "kind": "kgu_branch", "level": "city",
        "region_code": "KZ-61", "parent_id": kgu("KZ-61"),
    })
