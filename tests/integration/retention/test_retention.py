"""The retention job: what it prunes and keeps, once per interval across replicas, on the
embedded SQLite and on PostgreSQL; the bound that keeps processed-event ids long enough."""
from datetime import UTC, datetime, timedelta

import eventlet
import pytest
import sqlalchemy as sa

from kelisim import config, retention
from kelisim.db.engine import make_engine
from services.notifications.adapters import orm

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
DAYS = {"outbox": 7, "processed": 30, "delivery_attempts": 90, "archived_inbox": 365}
T = orm.metadata.tables


def ago(days):
    return NOW - timedelta(days=days)


def _outbox(conn, n, created, published):
    conn.execute(T["outbox"].insert().values(
        event_id=f"ev-{n}", event_type="t", envelope={}, created_at=created,
        published_at=published, attempts=0))


def _inbox(conn, n, created, archived):
    conn.execute(T["inbox_items"].insert().values(
        org_unit_id=1, event_id=f"in-{n}", event_type="t", critical=False, title_kk="a",
        title_ru="a", body_kk="b", body_ru="b", created_at=created, archived_at=archived))


def _populate(engine):
    with engine.begin() as conn:
        _outbox(conn, 1, ago(20), ago(10))  # published 10 days ago: pruned
        _outbox(conn, 2, ago(2), ago(1))  # published yesterday: kept
        _outbox(conn, 3, ago(100), None)  # never published: kept, whatever its age
        for n, days in ((1, 40), (2, 10)):
            conn.execute(T["processed_events"].insert().values(
                event_id=f"p-{n}", consumer="c", processed_at=ago(days)))
        delivery = conn.execute(T["deliveries"].insert().values(
            event_id="d", event_type="t", channel="email", recipient="r", target="x",
            status="delivered", attempts=2, created_at=ago(200))).inserted_primary_key[0]
        for days in (100, 91, 5):
            conn.execute(T["delivery_attempts"].insert().values(
                delivery_id=delivery, attempted_at=ago(days), outcome="ok"))
        _inbox(conn, 1, ago(500), ago(400))  # archived over a year ago: pruned
        _inbox(conn, 2, ago(500), ago(10))  # archived recently: kept
        _inbox(conn, 3, ago(1000), None)  # never archived: kept
        conn.execute(T["audit_log"].insert().values(
            occurred_at=ago(3000), actor_id="a", actor_role="r", action="x", entity="e",
            entity_id="1"))


def _count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(T[table])).scalar()


@pytest.fixture
def notifications_db(database_url, migrated):
    engine = make_engine(migrated("notifications", database_url))
    _populate(engine)
    yield engine
    engine.dispose()


def test_prunes_what_is_past_its_time_and_keeps_the_rest(notifications_db):
    before = retention.PRUNED.labels("notifications", "outbox")._value.get()

    pruned = retention.prune(notifications_db, "notifications", now=NOW, days=DAYS,
                             interval=3600)

    assert pruned == {"outbox": 1, "processed_events": 1, "delivery_attempts": 2,
                      "inbox_items": 1}
    with notifications_db.connect() as conn:
        assert sorted(conn.execute(sa.select(T["outbox"].c.event_id)).scalars()) == [
            "ev-2", "ev-3"]
        assert sorted(conn.execute(sa.select(T["inbox_items"].c.event_id)).scalars()) == [
            "in-2", "in-3"]
        assert set(conn.execute(sa.select(T["processed_events"].c.event_id)).scalars()) == {
            "p-2", f"retention:{int(NOW.timestamp() // 3600)}"}
    assert _count(notifications_db, "delivery_attempts") == 1
    assert _count(notifications_db, "audit_log") == 1  # the audit log is never pruned
    assert retention.PRUNED.labels("notifications", "outbox")._value.get() == before + 1


def test_zero_days_keeps_that_kind_for_ever(notifications_db):
    pruned = retention.prune(notifications_db, "notifications", now=NOW,
                             days={**DAYS, "archived_inbox": 0, "outbox": 0}, interval=3600)
    assert "inbox_items" not in pruned and "outbox" not in pruned
    assert _count(notifications_db, "inbox_items") == 3
    assert _count(notifications_db, "outbox") == 3


def test_runs_once_per_interval_across_replicas(notifications_db, database_url):
    # Two replicas (two engines, as two processes would have) fire at the same moment.
    other = make_engine(str(notifications_db.url.render_as_string(hide_password=False)))
    try:
        runs = [eventlet.spawn(retention.prune, engine, "notifications", NOW, DAYS, 3600)
                for engine in (notifications_db, other)]
        results = [run.wait() for run in runs]
    finally:
        other.dispose()
    assert sorted(results, key=lambda r: r is None) == [
        {"outbox": 1, "processed_events": 1, "delivery_attempts": 2, "inbox_items": 1}, None]
    # later in the same interval: skipped; in the next one: runs (nothing left to prune)
    assert retention.prune(notifications_db, "notifications", NOW + timedelta(minutes=59),
                           DAYS, 3600) is None
    assert retention.prune(notifications_db, "notifications", NOW + timedelta(hours=1),
                           DAYS, 3600) == {"outbox": 0, "processed_events": 0,
                                           "delivery_attempts": 0, "inbox_items": 0}


def test_a_database_without_platform_tables_is_left_alone(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert retention.prune(engine, "gateway", now=NOW, days=DAYS) == {}
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_processed_ids_must_outlive_the_retries():
    with pytest.raises(ValueError, match="KELISIM_RETENTION_PROCESSED_DAYS=1"):
        retention.check_bounds({**DAYS, "processed": 1}, [3600.0] * 30)
    retention.check_bounds({**DAYS, "processed": 1}, [1, 5, 30, 120, 600])
    retention.check_bounds({**DAYS, "processed": 0}, [10 ** 9])  # never pruned


def test_retention_settings_come_from_the_environment(monkeypatch):
    assert config.retention_days() == DAYS
    assert config.retention_interval() == 3600
    monkeypatch.setenv("KELISIM_RETENTION_OUTBOX_DAYS", "2")
    monkeypatch.setenv("KELISIM_RETENTION_INTERVAL", "60")
    assert config.retention_days()["outbox"] == 2 and config.retention_interval() == 60
    monkeypatch.setenv("KELISIM_RETENTION_PROCESSED_DAYS", "-1")
    with pytest.raises(ValueError, match="KELISIM_RETENTION_PROCESSED_DAYS"):
        config.retention_days()


def test_every_service_runs_the_job_on_its_timer(start, migrated, tmp_path):
    from services.registry.entrypoints.service import RegistryService
    from tests.support import wait_for

    url = migrated("registry", f"sqlite:///{tmp_path / 'registry.db'}")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _outbox(conn, 1, ago(20), datetime.now(UTC) - timedelta(days=8))
        start(RegistryService, url, RETENTION_INTERVAL=0.2)
        assert wait_for(lambda: _count(engine, "outbox") == 0, timeout=10)
    finally:
        engine.dispose()
