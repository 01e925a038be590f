"""Registry unit tests: the service layer over a migrated SQLite file, no broker.

The schema is migrated with Alembic and the reference data loaded once per session into
a template file; each test works on its own copy of it.
"""

import pytest

from services.registry.adapters.orm import start_mappers
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer import org_units, reference
from tests.support import service_layer_fixtures

template_db, sessions, uow, rows, events = service_layer_fixtures(
    "registry", RegistryRepository, start_mappers, reference.load_reference_data)


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
