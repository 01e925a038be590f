"""The event bus end to end: a producer named ``registry`` with the outbox relay, and a
``probe`` consumer, on the real broker (tests/integration/events/probe.py; their fixtures:
tests/fixtures/event_bus.py)."""
import pytest
import sqlalchemy as sa


@pytest.fixture(autouse=True)
def _fresh_and_quick(fresh_deliveries, quick_consumer_shutdown):
    """Every test here: the probe's record starts empty; containers stop within 50 ms."""


@pytest.fixture
def table_rows(session_factory):
    """``table_rows(url, table)``: all rows of a platform table."""

    def read(url, table):
        with session_factory(url)() as session:
            return session.execute(sa.select(table)).all()

    return read
