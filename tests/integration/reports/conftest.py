"""The reports service in nameko containers on a per-test vhost, with the registry when needed
(``registry``, ``report_events``, ``start_gateway``: tests/fixtures/)."""

import pytest
import sqlalchemy as sa

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.reports.adapters.repository import ReportsRepository
from services.reports.entrypoints.service import ReportsService


@pytest.fixture
def reports_uow(session_factory):
    """``reports_uow(url)``: a unit of work on a reports database, as the system."""
    return lambda url: UnitOfWork(session_factory(url), Context(source="reports"),
                                  ReportsRepository)


@pytest.fixture
def table_rows(session_factory):
    """``table_rows(url, table)``: all rows of a table, as dicts."""

    def read(url, table):
        with session_factory(url)() as session:
            return [dict(r._mapping) for r in session.execute(sa.select(table))]

    return read


@pytest.fixture
def platform(start_gateway, start, migrated, tmp_path):
    """(gateway, reports container): the registry, the gateway and the reports service
    (SQLite; the collection job runs when asked, not at start)."""
    gateway = start_gateway()
    service = start(ReportsService, migrated("reports", f"sqlite:///{tmp_path / 'reports.db'}"),
                    REPORTS_JOB_EAGER=False)
    return gateway, service
