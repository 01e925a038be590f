"""Reports unit tests: the service layer over a migrated SQLite file, no broker.

The schema is migrated once per session into a template file; each test works on its
own copy, with the 20 KGUs of the registry's reference data as local org units.
"""
import pytest
import sqlalchemy as sa

from services.reports.adapters import orm
from services.reports.adapters.orm import start_mappers
from services.reports.adapters.repository import ReportsRepository
from services.reports.domain.periods import kz_today
from services.reports.service_layer import collection, org_units, templates
from tests.support import OUTBOX, copy_of, template_database, units_of_work
from tests.support_reports import KGUS, mediation_template, quarters_ago


@pytest.fixture(scope="session")
def schema_db(tmp_path_factory):
    start_mappers()
    return template_database(tmp_path_factory, "reports")


@pytest.fixture
def reports_url(schema_db, tmp_path):
    return copy_of(schema_db, tmp_path)


@pytest.fixture
def sessions(reports_url, session_factory):
    return session_factory(reports_url)


@pytest.fixture
def uow(sessions):
    """``uow(actor)``: a fresh unit of work acting as ``actor`` (the RGU admin by default)."""

    make = units_of_work(sessions, "reports", ReportsRepository)
    org_units.sync(make(), KGUS)
    return make


@pytest.fixture
def rows(sessions):
    """``rows(table)``: every row of a table (outbox, audit_log, reminder_stamps) as dicts."""

    def read(table):
        with sessions() as session:
            return [dict(r._mapping) for r in session.execute(sa.select(table))]

    return read


@pytest.fixture
def events(rows):
    """``events(type=None)``: envelopes in the outbox, oldest first."""

    def read(event_type=None):
        found = sorted(rows(OUTBOX), key=lambda r: r["id"])
        return [r["envelope"] for r in found if event_type in (None, r["event_type"])]

    return read


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
