"""kelisim.db.filters: a listing's optional filters narrow the query only when given."""
import datetime

import pytest
import sqlalchemy as sa

from kelisim.db.filters import where_given, within

TASKS = sa.Table("tasks", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("region", sa.String), sa.Column("year", sa.Integer),
                 sa.Column("due", sa.Date))
ROWS = [(1, "KZ-61", 2026, datetime.date(2026, 3, 1)), (2, "KZ-61", 2025, datetime.date(2025, 6, 1)),
        (3, "KZ-75", 2026, datetime.date(2026, 9, 1))]


@pytest.fixture
def tasks(engine):
    """The engine, its ``tasks`` table holding ROWS."""
    TASKS.create(engine)
    with engine.begin() as conn:
        conn.execute(TASKS.insert(), [dict(zip(("id", "region", "year", "due"), r, strict=True))
                                      for r in ROWS])
    return engine


def ids(engine, query):
    with engine.connect() as conn:
        return [row.id for row in conn.execute(query.order_by(TASKS.c.id))]


def test_each_given_value_narrows_and_an_absent_one_does_not(tasks):
    engine = tasks
    query = sa.select(TASKS)
    assert ids(engine, where_given(query, (TASKS.c.region, None), (TASKS.c.year, ""))) == [1, 2, 3]
    assert ids(engine, where_given(query, (TASKS.c.region, "KZ-61"), (TASKS.c.year, None))) == [1, 2]
    assert ids(engine, where_given(query, (TASKS.c.region, "KZ-61"), (TASKS.c.year, 2026))) == [1]


def test_a_range_takes_each_bound_only_when_given_both_inclusive(tasks):
    engine = tasks
    query = sa.select(TASKS)
    assert ids(engine, within(query, TASKS.c.due)) == [1, 2, 3]
    assert ids(engine, within(query, TASKS.c.due, datetime.date(2026, 3, 1))) == [1, 3]
    assert ids(engine, within(query, TASKS.c.due, None, datetime.date(2026, 3, 1))) == [1, 2]
    assert ids(engine, within(query, TASKS.c.due, datetime.date(2025, 6, 2),
                              datetime.date(2026, 9, 1))) == [1, 3]
