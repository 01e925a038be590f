"""Core unit tests: the platform tables on an in-memory SQLite engine."""
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from kelisim.db.engine import make_engine
from kelisim.db.tables import platform_tables


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'core.db'}")
    metadata = sa.MetaData()
    platform_tables(metadata)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return sessionmaker(engine, expire_on_commit=False)
