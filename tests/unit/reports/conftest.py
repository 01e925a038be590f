"""Reports unit tests: the service layer over a migrated SQLite file, no broker.

The schema is migrated once per session into a template file; each test works on its
own copy, with the 20 KGUs of the registry's reference data as local org units.
"""
import pytest

from services.reports.adapters import orm
from services.reports.adapters.orm import start_mappers
from services.reports.adapters.repository import ReportsRepository
from services.reports.domain.periods import kz_today
from services.reports.service_layer import collection, org_units, templates
from tests.support import service_layer_fixtures
from tests.support_reports import KGUS, mediation_template, quarters_ago

# each test with the 20 KGUs of the registry's reference data as local org units
template_db, sessions, uow, rows, events = service_layer_fixtures(
    "reports", ReportsRepository, start_mappers, prepare=lambda uow: org_units.sync(uow, KGUS))


@pytest.fixture
def template(uow):
    """``template(**overrides)``: create a template (active from a year ago by default)."""

    def create(**overrides):
        overrides.setdefault("active_from", (quarters_ago(4).start).isoformat())
        return templates.create_template(uow(), mediation_template(**overrides))

    return create


@pytest.fixture
def collect(uow):
    """``collect(today)``: one run of the collection job on ``today`` (a date)."""

    def run(today=None):
        return collection.run(uow(), today or kz_today())

    return run


@pytest.fixture
def stamps(rows):
    return lambda: rows(orm.reminder_stamps)
