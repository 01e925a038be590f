"""UtcDateTime: aware UTC in, aware UTC out, on SQLite (which forgets zones) too."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from kelisim.db.engine import make_engine
from kelisim.db.types import UtcDateTime, utcnow

ALMATY = timezone(timedelta(hours=5))


@pytest.fixture
def stamps():
    engine = make_engine("sqlite://")
    table = sa.Table("stamps", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("at", UtcDateTime))
    table.create(engine)
    yield engine, table
    engine.dispose()


def store_and_read(stamps, value):
    engine, table = stamps
    with engine.begin() as conn:
        row_id = conn.execute(table.insert().values(at=value)).inserted_primary_key[0]
        return conn.execute(sa.select(table.c.at).where(table.c.id == row_id)).scalar_one()


def test_aware_datetime_comes_back_in_utc(stamps):
    local = datetime(2024, 3, 22, 9, 30, tzinfo=ALMATY)

    read = store_and_read(stamps, local)

    assert read == local
    assert read.tzinfo is not None and read.utcoffset() == timedelta(0)
    assert read.hour == 4


def test_none_stays_none(stamps):
    assert store_and_read(stamps, None) is None


def test_naive_datetime_is_refused(stamps):
    with pytest.raises(StatementError, match="naive datetime"):
        store_and_read(stamps, datetime(2024, 3, 22, 9, 30))


def test_comparisons_follow_the_instant_not_the_wall_clock(stamps):
    engine, table = stamps
    earlier = datetime(2024, 1, 1, 10, 0, tzinfo=ALMATY)       # 05:00 UTC
    later = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)     # 06:00 UTC
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"at": later}, {"at": earlier}])
        first = conn.execute(sa.select(table.c.at).order_by(table.c.at)).scalars().first()
        count = conn.execute(sa.select(sa.func.count()).where(
            table.c.at < datetime(2024, 1, 1, 5, 30, tzinfo=UTC))).scalar_one()

    assert first == earlier
    assert count == 1


def test_utcnow_is_aware_utc():
    now = utcnow()

    assert now.utcoffset() == timedelta(0)
    assert abs((datetime.now(UTC) - now).total_seconds()) < 5
