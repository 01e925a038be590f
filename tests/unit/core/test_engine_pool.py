"""A SQLite engine keeps as many connections as a PostgreSQL one (KELISIM_DB_POOL_SIZE):
with QueuePool's default of five, every checkout beyond the fifth opened a new SQLite
connection (its pragmas, its functions) and closed it on return, on every request of a
component running ten workers."""
import sqlalchemy as sa

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
