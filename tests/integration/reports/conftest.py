"""The reports service in nameko containers on a per-test vhost, with the registry when needed
(``registry``, ``report_events``, ``start_gateway``: tests/fixtures/)."""

import pytest
import sqlalchemy as sa

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.reports.adapters.repository import ReportsRepository


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
