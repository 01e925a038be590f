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


def test_the_write_s_error_is_raised_where_the_caller_waits(sessions, capfd):
    with sessions() as session:
        session.execute(THINGS.insert(), [{"id": 1}])
        writing = InFlight(session)
        writing.start(session.execute, THINGS.insert(), [{"id": 1}])
        with pytest.raises(IntegrityError):
            writing.wait()
        session.rollback()
    assert count(sessions) == 0
    assert "Traceback" not in capfd.readouterr().err  # eventlet's hub printed it as well


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


INTERRUPTED = r'''
import eventlet; eventlet.monkey_patch()
import sys
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from kelisim.db.engine import make_engine
from kelisim.db.overlap import InFlight

url, how = sys.argv[1], sys.argv[2]
engine = make_engine(url)
session = sessionmaker(engine)()

def caller():
    with InFlight(session) as writing:
        writing.start(session.execute,
                      sa.text("SELECT pg_advisory_xact_lock(4242), pg_sleep(1)"))
        writing.wait()

if how == "timeout":
    try:
        with eventlet.Timeout(0.3):
            caller()
    except eventlet.Timeout:
        print("timed out", flush=True)
else:  # a worker killed as nameko kills them
    worker = eventlet.spawn(caller)
    eventlet.sleep(0.3)
    worker.kill()
    print("killed", flush=True)
session.rollback()  # as the unit of work's exit does
session.close()
with engine.connect() as connection:
    print("next", connection.scalar(sa.text("SELECT 42")), flush=True)
'''


@pytest.mark.parametrize("how", ["timeout", "kill"])
def test_a_caller_interrupted_while_its_write_runs_leaves_the_process_working(
        postgres_url, tmp_path, how):
    """Before: the rollback after the interruption blocked on psycopg2's connection lock,
    the hub with it: the process froze, the transaction's locks held. In a process of its
    own, so that a freeze fails the test instead of the suite."""
    import subprocess
    import sys
    import time

    script = tmp_path / "interrupted.py"
    script.write_text(INTERRUPTED)
    done = subprocess.run([sys.executable, str(script), postgres_url, how], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["timed out" if how == "timeout" else "killed",
                                           "next 42"]
    engine = make_engine(postgres_url)
    try:
        deadline = time.monotonic() + 10
        while True:  # the server ends the killed statement (its pg_sleep) and its lock
            with engine.connect() as connection:
                held = connection.scalar(sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"))
            if held == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert held == 0
    finally:
        engine.dispose()

