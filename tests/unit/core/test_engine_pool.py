"""A SQLite engine keeps as many connections as a PostgreSQL one (KELISIM_DB_POOL_SIZE):
with QueuePool's default of five, every checkout beyond the fifth opened a new SQLite
connection (its pragmas, its functions) and closed it on return, on every request of a
component running ten workers."""
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool, QueuePool

from kelisim.config import db_pool
from kelisim.db.engine import make_engine


def test_sqlite_connections_are_reused_up_to_the_pool_size(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    opened = []
    sa.event.listen(engine, "connect", lambda *_: opened.append(1))
    size = db_pool()[0]
    try:
        for _ in range(3):  # as ten workers at once would, three times over
            held = [engine.connect() for _ in range(size)]
            for connection in held:
                connection.execute(sa.text("SELECT 1"))
            for connection in held:
                connection.close()
        assert len(opened) == size
    finally:
        engine.dispose()


def test_the_sqlite_pool_follows_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("KELISIM_DB_POOL_SIZE", "3")
    monkeypatch.setenv("KELISIM_DB_MAX_OVERFLOW", "4")
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    try:
        assert (engine.pool.size(), engine.pool._max_overflow) == (3, 4)
    finally:
        engine.dispose()


@pytest.mark.parametrize("url, kwargs", [
    ("sqlite://", {}),
    ("sqlite:///:memory:", {}),
    ("sqlite:///file:kelisim_pool?mode=memory&cache=shared&uri=true", {}),
    ("sqlite:///{folder}/null.db", {"poolclass": NullPool}),
])
def test_other_sqlite_pools_take_no_queue_pool_setting(tmp_path, monkeypatch, url, kwargs):
    """An in-memory database (SQLAlchemy gives it a single connection's pool) or a pool
    class of the caller's: the size settings are not passed (they raised TypeError)."""
    monkeypatch.chdir(tmp_path)  # a file: URI must make no folder of its own
    engine = make_engine(url.format(folder=tmp_path), **kwargs)
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
        assert not isinstance(engine.pool, QueuePool)
        assert list(tmp_path.glob("file:*")) == []
    finally:
        engine.dispose()
