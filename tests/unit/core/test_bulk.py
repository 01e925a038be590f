"""kelisim.db.bulk.insert_rows: the rows an executemany writes, on SQLite and PostgreSQL."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kelisim.db import bulk
from kelisim.db.engine import make_engine
from kelisim.db.types import UtcDateTime

METADATA = sa.MetaData()
THINGS = sa.Table(
    "things", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(20), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("count", sa.Integer, nullable=False, default=0),
    sa.Column("flag", sa.Boolean, nullable=False, default=False),
    sa.Column("at", UtcDateTime, nullable=True),
    sa.Column("data", sa.JSON, nullable=True),
)
AT = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
SHARED = {"kk": "Медиация", "list": [1, 2, 3], "nested": {"a": None}}


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    METADATA.create_all(engine)
    yield engine
    engine.dispose()


def rows():
    return [
        {"code": "a", "title": "Тапсырма «1»", "at": AT, "data": SHARED, "flag": True},
        {"code": "b", "title": None, "at": AT.astimezone(timezone(timedelta(hours=5))),
         "data": None, "flag": False},
        {"code": "c", "title": "x'y\"z", "at": None, "data": SHARED, "flag": True},
    ]


def read(engine):
    with engine.connect() as connection:
        found = [dict(row._mapping) for row in connection.execute(
            sa.select(THINGS).order_by(THINGS.c.id))]
        nulls = connection.scalar(sa.select(sa.func.count()).where(THINGS.c.data.is_(None)))
    return found, nulls


def test_rows_are_written_in_order_with_the_columns_values(engine):
    with sa.orm.Session(engine) as session:
        bulk.insert_rows(session, THINGS, rows())
        bulk.insert_rows(session, THINGS, [])
        session.commit()

    found, sql_nulls = read(engine)
    assert [(r["code"], r["title"], r["count"], r["flag"]) for r in found] == [
        ("a", "Тапсырма «1»", 0, True), ("b", None, 0, False), ("c", "x'y\"z", 0, True)]
    assert [r["id"] for r in found] == sorted(r["id"] for r in found)
    assert [r["at"] for r in found] == [AT, AT, None]
    assert found[0]["at"].tzinfo is not None
    assert [r["data"] for r in found] == [SHARED, None, SHARED]
    assert sql_nulls == 0  # None is JSON null, as the column writes it


def test_the_same_rows_as_an_executemany(database_url, engine):
    with sa.orm.Session(engine) as session:
        session.execute(THINGS.insert(), rows())
        session.commit()
        expected, expected_nulls = read(engine)
        session.execute(THINGS.delete())
        bulk.insert_rows(session, THINGS, rows())
        session.commit()
    found, nulls = read(engine)
    assert [dict(r, id=None) for r in found] == [dict(r, id=None) for r in expected]
    assert nulls == expected_nulls


def test_a_duplicate_key_or_a_naive_time_is_refused(engine):
    with sa.orm.Session(engine) as session:
        bulk.insert_rows(session, THINGS, rows()[:1])
        session.commit()
        with pytest.raises(IntegrityError):
            bulk.insert_rows(session, THINGS, rows()[:2])
        session.rollback()
        with pytest.raises((ValueError, sa.exc.StatementError)):
            bulk.insert_rows(session, THINGS, [{"code": "n", "title": None, "at": AT.replace(
                tzinfo=None), "data": None, "flag": False}])
        session.rollback()
    found, _nulls = read(engine)
    assert [r["code"] for r in found] == ["a"]


def test_a_text_too_long_for_its_column_is_refused_not_cut(database_url, engine):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps a text of any length")
    with sa.orm.Session(engine) as session:
        with pytest.raises(sa.exc.DataError):
            bulk.insert_rows(session, THINGS, [dict(rows()[0], code="x" * 21)])


TRICKY = ["", " ", "NULL", "null", "{}", "{a,b}", 'a"b', "a\\b", "a\\\"b\\", "a,b", "  x  ",
          "'", "''", "\t\n", "ә «ө» ü 😀", "\\N", '"', "\\"]


def test_texts_of_any_shape_come_back_as_given(engine):
    given = [{"code": f"t{n}", "title": text, "at": AT, "data": {"text": text}, "flag": n % 2}
             for n, text in enumerate(TRICKY)]
    given = [dict(row, flag=bool(row["flag"])) for row in given]
    with sa.orm.Session(engine) as session:
        bulk.insert_rows(session, THINGS, given)
        session.commit()
    found, _nulls = read(engine)
    assert [(r["title"], r["data"], r["flag"]) for r in found] == [
        (text, {"text": text}, bool(n % 2)) for n, text in enumerate(TRICKY)]


def test_numbered_rows_get_their_ids_in_the_rows_order(engine):
    """The ids given back belong to the rows in the order given, also when another
    transaction's rows took numbers of the same sequence in between."""
    concurrent = engine.dialect.name == "postgresql"  # SQLite has one writer at a time
    with sa.orm.Session(engine) as session, sa.orm.Session(engine) as other:
        first = bulk.insert_rows(session, THINGS, rows(), numbered=True)
        if concurrent:  # a number of the sequence taken between the two batches
            other.execute(THINGS.insert(), [{"code": "other-1"}])
            other.commit()
        later = [dict(row, code=f"z{n}") for n, row in enumerate(reversed(rows() * 40))]
        ids = bulk.insert_rows(session, THINGS, later, numbered=True)
        assert bulk.insert_rows(session, THINGS, [], numbered=True) == []
        assert bulk.insert_rows(session, THINGS, rows()[:0]) is None
        session.commit()
        by_id = {row["id"]: row["code"] for row in read(engine)[0]}
    assert [by_id[i] for i in first] == ["a", "b", "c"]
    assert [by_id[i] for i in ids] == [row["code"] for row in later]
    assert len(set(first + ids)) == 123


def test_numbering_asks_for_a_serial_key():
    plain = sa.Table("plain", sa.MetaData(), sa.Column("code", sa.String(5), primary_key=True))
    with pytest.raises(ValueError, match="plain has no autoincrement"):
        bulk._serial(plain)
