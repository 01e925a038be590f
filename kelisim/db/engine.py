"""Engines for a service's own database: SQLite by default, PostgreSQL when configured."""
from pathlib import Path
from sqlite3 import Connection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.engine.base import Engine
from sqlalchemy.pool.base import _ConnectionRecord

from kelisim.config import db_pool
from kelisim.db.search import register_sqlite_functions


def _green_psycopg() -> None:
    """Make psycopg2 cooperative when running under eventlet's monkey patching."""
    try:
        import eventlet.patcher
    except ImportError:  # pragma: no cover - eventlet is a hard dependency
        return
    if eventlet.patcher.is_monkey_patched("socket"):
        import psycogreen.eventlet

        psycogreen.eventlet.patch_psycopg()


def _sqlite_pragmas(dbapi_connection: Connection, _record: _ConnectionRecord) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    register_sqlite_functions(dbapi_connection)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite files get their folder, WAL and foreign keys. A file's
    pool and PostgreSQL's are sized alike (:func:`kelisim.config.db_pool`): at
    QueuePool's default of five, each checkout past the fifth opened a SQLite connection
    (its pragmas, its functions) and closed it on return."""
    parsed = make_url(url)
    pool_size, max_overflow = db_pool()
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
        if not in_memory and not database.startswith("file:"):  # a URI names no folder
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # a file gets SQLAlchemy's QueuePool, sized as PostgreSQL's; the single-connection
        # pool of a database in memory, or a pool class of the caller's, takes neither
        if not in_memory and "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", pool_size)
            kwargs.setdefault("max_overflow", max_overflow)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    _green_psycopg()
    kwargs.setdefault("pool_pre_ping", True)
    # per process: replicas x components x (size + overflow) must stay under PostgreSQL's
    # max_connections (100 by default), which two replicas at the defaults already reach
    kwargs.setdefault("pool_size", pool_size)
    kwargs.setdefault("max_overflow", max_overflow)
    return sa.create_engine(url, **kwargs)
