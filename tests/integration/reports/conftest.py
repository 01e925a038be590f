"""The reports service in nameko containers on a per-test vhost, with the registry when needed."""

import pytest
import sqlalchemy as sa
from kombu import Connection, Queue

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from kelisim.events.topology import event_exchange
from services.registry.adapters.repository import RegistryRepository
from services.registry.entrypoints.service import RegistryService
from services.registry.service_layer.reference import load_reference_data
from services.reports.adapters.repository import ReportsRepository
from tests.integration.gateway.conftest import start_gateway  # noqa: F401  (a fixture)
from tests.support import ADMIN, COORDINATOR, wait_for  # noqa: F401  (re-exported to the tests)

QUIET_JOB = {"REPORTS_JOB_EAGER": False, "REPORTS_JOB_INTERVAL": 3600}


@pytest.fixture
def registry(start, migrated, session_factory, tmp_path):
    """A running registry (SQLite) with its reference data: the 20 KGUs."""
    url = migrated("registry", f"sqlite:///{tmp_path / 'registry.db'}")
    load_reference_data(UnitOfWork(session_factory(url), Context(), RegistryRepository))
    return start(RegistryService, url)


@pytest.fixture
def reports_uow(session_factory):
    """``reports_uow(url)``: a unit of work on a reports database, as the system."""
    return lambda url: UnitOfWork(session_factory(url), Context(source="reports"),
                                  ReportsRepository)


@pytest.fixture
def report_events(amqp_uri):
    """A queue bound to every event on ``reports.events``: ``drain()`` takes what is there."""
    connection = Connection(amqp_uri)
    queue = Queue("test.reports-events", exchange=event_exchange("reports"), routing_key="#",
                  durable=False, auto_delete=True)(connection.channel())
    queue.declare()

    class Events:
        def drain(self):
            taken = []
            while True:
                message = queue.get(no_ack=True, accept=["json"])
                if message is None:
                    return taken
                taken.append(message.payload)

        def wait(self, count, timeout=10):
            """At least ``count`` events, waiting up to ``timeout`` seconds."""
            seen = []
            wait_for(lambda: seen.extend(self.drain()) or len(seen) >= count, timeout)
            return seen

    yield Events()
    connection.release()


@pytest.fixture
def table_rows(session_factory):
    """``table_rows(url, table)``: all rows of a table, as dicts."""

    def read(url, table):
        with session_factory(url)() as session:
            return [dict(r._mapping) for r in session.execute(sa.select(table))]

    return read
