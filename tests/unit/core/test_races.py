"""Unique-key races become repeats, and named locks serialise writers (SQLite here; the
PostgreSQL side runs in tests/integration/projects/test_concurrent_changes.py)."""
import eventlet
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kelisim.db.engine import make_engine
from kelisim.db.races import UNIQUE_ATTEMPTS, hold_lock, is_unique_violation, retry_on_unique
from kelisim.db.types import UtcDateTime
from kelisim.errors import Conflict

threading = eventlet.patcher.original("threading")  # SQLite waits block a real thread

metadata = sa.MetaData()
LOCKS = sa.Table("locks", metadata, sa.Column("name", sa.String(20), primary_key=True),
                 sa.Column("locked_at", UtcDateTime, nullable=False))
ITEMS = sa.Table("items", metadata, sa.Column("code", sa.String(20), primary_key=True),
                 sa.Column("size", sa.Integer, sa.CheckConstraint("size > 0")))


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'races.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _violation(engine, **row):
    with engine.begin() as conn:
        if conn.execute(sa.select(ITEMS.c.code).where(ITEMS.c.code == "a")).first() is None:
            conn.execute(ITEMS.insert().values(code="a", size=1))
    try:
        with engine.begin() as conn:
            conn.execute(ITEMS.insert().values(**row))
    except IntegrityError as exc:
        return exc
    raise AssertionError("no integrity error")


def test_unique_violations_are_told_from_other_integrity_errors(engine):
    assert is_unique_violation(_violation(engine, code="a", size=2))
    assert not is_unique_violation(_violation(engine, code="b", size=-1))
    assert not is_unique_violation(ValueError("UNIQUE constraint failed"))


def test_a_lost_unique_race_runs_the_use_case_again_and_answers_as_a_repeat(engine):
    calls = []

    @retry_on_unique
    def get_or_create(code):
        calls.append(code)
        with engine.begin() as conn:
            if conn.execute(sa.select(ITEMS.c.code).where(ITEMS.c.code == code)).first():
                return "exists"
            if len(calls) == 1:  # a concurrent request inserts it between check and insert
                with engine.begin() as other:
                    other.execute(ITEMS.insert().values(code=code, size=1))
            conn.execute(ITEMS.insert().values(code=code, size=1))
            return "created"

    assert get_or_create("x") == "exists"
    assert calls == ["x", "x"]


def test_a_use_case_losing_every_attempt_is_a_409_and_other_errors_pass_unchanged(engine):
    attempts = []
    insert = _violation(engine, code="a", size=2)
    check = _violation(engine, code="c", size=0)

    @retry_on_unique(what="the item")
    def always(error):
        attempts.append(1)
        raise error

    with pytest.raises(Conflict) as conflict:
        always(insert)
    assert "the item" in str(conflict.value) and len(attempts) == UNIQUE_ATTEMPTS
    with pytest.raises(IntegrityError):
        always(check)
    assert len(attempts) == UNIQUE_ATTEMPTS + 1


def test_a_held_lock_makes_the_next_holder_wait_for_the_commit(engine):
    order = []
    held = threading.Event()

    def first():
        with engine.connect() as conn, sa.orm.Session(conn) as session:
            hold_lock(session, LOCKS, name="2026")
            held.set()
            eventlet.patcher.original("time").sleep(0.3)
            order.append("first commits")
            session.commit()

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    with sa.orm.Session(engine) as session:
        hold_lock(session, LOCKS, name="2026")
        order.append("second holds")
        session.commit()
    thread.join()
    assert order == ["first commits", "second holds"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(LOCKS)).scalar() == 1


def test_a_lock_is_taken_by_a_statement_compiled_once_and_kept_up_to_date(engine):
    """hold_lock runs on every change of a schedule: its statement is served from
    SQLAlchemy's compiled cache (an ON CONFLICT construct has no cache key, and was
    compiled on every call), and a second take of the lock updates its time."""
    outcomes = []

    @sa.event.listens_for(engine, "after_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO locks"):
            outcomes.append(context.cache_hit)

    times = []
    for _ in range(3):
        with sa.orm.Session(engine) as session, session.begin():
            hold_lock(session, LOCKS, name="schedule")
            times.append(session.execute(sa.select(LOCKS.c.locked_at)).scalar_one())
    assert [str(outcome).rsplit(".", 1)[-1] for outcome in outcomes] == \
        ["CACHE_MISS", "CACHE_HIT", "CACHE_HIT"]
    assert times == sorted(times) and times[0] < times[-1]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(LOCKS)).scalar() == 1


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_lock_table_may_be_named_anyhow_and_live_in_a_schema(database, request, tmp_path):
    """The lock's SQL is text: its table (schema included) and columns are quoted as the
    dialect quotes them, so reserved words and mixed case stay names."""
    if database == "postgresql":
        engine, schema = make_engine(request.getfixturevalue("postgres_url")), "side"
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA side")
    else:
        engine, schema = make_engine(f"sqlite:///{tmp_path / 'names.db'}"), "main"
    table = sa.Table("order", sa.MetaData(schema=schema),
                     sa.Column("user", sa.String(20), primary_key=True),
                     sa.Column("Year", sa.Integer, primary_key=True),
                     sa.Column("locked_at", UtcDateTime, nullable=False))
    table.metadata.create_all(engine)
    try:
        for _ in range(2):
            with sa.orm.Session(engine) as session, session.begin():
                hold_lock(session, table, Year=2026, user="schedule")
        with engine.connect() as conn:
            rows = conn.execute(sa.select(table.c.user, table.c.Year, table.c.locked_at)).all()
        assert [(row.user, row.Year) for row in rows] == [("schedule", 2026)]
        assert rows[0].locked_at.utcoffset() is not None
    finally:
        engine.dispose()
