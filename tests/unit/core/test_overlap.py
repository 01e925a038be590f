"""kelisim.db.overlap.InFlight: a write in flight on PostgreSQL while the caller computes,
its error raised where the caller waits, and the caller's own error kept; at once on
SQLite."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from kelisim.db.engine import make_engine
from kelisim.db.overlap import InFlight

METADATA = sa.MetaData()
THINGS = sa.Table("things", METADATA, sa.Column("id", sa.Integer, primary_key=True))


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    METADATA.create_all(engine)
    yield sessionmaker(engine)
    engine.dispose()


def count(sessions):
    with sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(THINGS))


def test_the_caller_goes_on_while_postgresql_works(postgres_url):
    engine = make_engine(postgres_url)
    done = []

    def write(session):
        session.execute(sa.text("SELECT pg_sleep(0.3)"))
        done.append(True)

    try:
        with sessionmaker(engine)() as session, InFlight(session) as writing:
            assert writing.overlaps
            writing.start(write, session)
            assert done == []  # the statement is in PostgreSQL's hands, the caller's again
            writing.wait()
            assert done == [True]
    finally:
        engine.dispose()


def test_a_write_runs_at_once_on_sqlite(sqlite_url):
    engine = make_engine(sqlite_url)
    done = []
    try:
        with sessionmaker(engine)() as session, InFlight(session) as writing:
            assert not writing.overlaps
            writing.start(lambda: done.append(True))
            assert done == [True]
    finally:
        engine.dispose()


def test_writes_land_in_order_and_the_block_waits_for_the_last(sessions):
    with sessions() as session:
        with InFlight(session) as writing:
            for n in range(1, 4):
                writing.start(session.execute, THINGS.insert(), [{"id": n}])
        assert session.scalars(sa.select(THINGS.c.id).order_by(THINGS.c.id)).all() == [1, 2, 3]
        session.commit()


def test_the_write_s_error_is_raised_where_the_caller_waits(sessions):
    with sessions() as session:
        session.execute(THINGS.insert(), [{"id": 1}])
        writing = InFlight(session)
        writing.start(session.execute, THINGS.insert(), [{"id": 1}])
        with pytest.raises(IntegrityError):
            writing.wait()
        session.rollback()
    assert count(sessions) == 0


def test_the_block_s_own_error_wins_and_nothing_is_left_in_flight(sessions):
    with sessions() as session:
        with pytest.raises(ZeroDivisionError):
            with InFlight(session) as writing:
                writing.start(session.execute, THINGS.insert(), [{"id": 1}])
                writing.start(session.execute, THINGS.insert(), [{"id": 1}])  # refused
                1 / 0  # noqa: B018 - the caller's own failure while the write is in flight
        session.rollback()  # the connection is free again: no statement still running
        session.execute(THINGS.insert(), [{"id": 2}])
        session.commit()
    assert count(sessions) == 1


def test_the_write_logs_in_the_caller_s_context(postgres_url):
    import structlog

    engine = make_engine(postgres_url)
    seen = []
    structlog.contextvars.bind_contextvars(correlation_id="corr-in-flight")
    try:
        with sessionmaker(engine)() as session, InFlight(session) as writing:
            writing.start(lambda: (session.execute(sa.text("SELECT 1")),
                                   seen.append(structlog.contextvars.get_contextvars())))
    finally:
        structlog.contextvars.unbind_contextvars("correlation_id")
        engine.dispose()
    assert seen[0]["correlation_id"] == "corr-in-flight"
