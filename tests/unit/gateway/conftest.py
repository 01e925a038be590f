"""Gateway unit tests: the token use cases over a migrated SQLite file, no broker."""
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from gateway.adapters.repository import TokenRepository
from kelisim.db import migrate
from kelisim.db.engine import make_engine
from kelisim.db.tables import platform_tables
from kelisim.db.uow import UnitOfWork

AUDIT = platform_tables(sa.MetaData())[1]


@pytest.fixture
def gateway_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    migrate.upgrade("gateway", url)
    return url


@pytest.fixture
def engine(gateway_url):
    engine = make_engine(gateway_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    """A fresh unit of work on the gateway database (call it once per use case)."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    return lambda: UnitOfWork(sessions, repositories=TokenRepository)


@pytest.fixture
def rows(engine):
    """``rows(table_name)``: every row of a table, as dicts."""
    def read(name):
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {name}"))]
    return read
