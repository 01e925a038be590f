"""The unit of work: change, audit and events commit together; consumers dedupe by event id."""
import pytest
import sqlalchemy as sa

from kelisim.context import Context
from kelisim.db.tables import platform_tables
from kelisim.db.uow import UnitOfWork
from kelisim.events.envelope import parse_envelope

OUTBOX, AUDIT, PROCESSED = platform_tables(sa.MetaData())
ORG_UNIT = {"id": 5, "code": "KGU-KZ-61", "name_kk": "К", "name_ru": "К", "kind": "kgu",
            "level": "regional", "region_code": "KZ-61", "version": 1}
ACTOR = {"id": "u-1", "role": "rgu_admin", "region": None}


def count(sessions, table):
    with sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def test_emit_writes_a_valid_envelope_to_the_outbox_on_commit(sessions):
    context = Context(correlation_id="corr-9", actor=ACTOR, source="registry")
    with UnitOfWork(sessions, context) as uow:
        built = uow.emit("org_unit_created", ORG_UNIT, regions=["KZ-61"])
        uow.commit()

    with sessions() as session:
        row = session.execute(sa.select(OUTBOX)).one()
    assert row.event_id == built.id and row.event_type == "org_unit_created"
    assert row.attempts == 0 and row.published_at is None and row.claimed_until is None
    assert row.created_at.utcoffset().total_seconds() == 0
    assert parse_envelope(row.envelope) == built
    assert (built.source, built.correlation_id, built.regions) == ("registry", "corr-9", ["KZ-61"])


def test_audit_records_actor_correlation_and_states(sessions):
    context = Context(correlation_id="corr-1", actor=ACTOR)
    with UnitOfWork(sessions, context) as uow:
        uow.audit("update", "org_unit", 5, before={"v": 1}, after={"v": 2}, region="KZ-61")
        uow.commit()

    with UnitOfWork(sessions) as uow:
        [entry] = uow.audit_entries(entity="org_unit", entity_id=5)
    assert entry["actor_id"] == "u-1" and entry["actor_role"] == "rgu_admin"
    assert entry["correlation_id"] == "corr-1" and entry["entity_id"] == "5"
    assert entry["before"] == {"v": 1} and entry["after"] == {"v": 2}
    assert entry["occurred_at"].endswith("+00:00")


def test_without_a_context_the_system_acts(sessions):
    with UnitOfWork(sessions) as uow:
        uow.audit("create", "thing", 1)
        uow.commit()
        [entry] = uow.audit_entries()

    assert (entry["actor_id"], entry["actor_role"]) == ("system", "system")
    assert entry["correlation_id"]


def test_nothing_is_written_without_commit(sessions):
    with UnitOfWork(sessions) as uow:
        uow.emit("org_unit_created", ORG_UNIT)
        uow.audit("create", "org_unit", 5)

    assert count(sessions, OUTBOX) == 0 and count(sessions, AUDIT) == 0


def test_an_exception_rolls_back_everything(sessions):
    with pytest.raises(RuntimeError):
        with UnitOfWork(sessions) as uow:
            uow.emit("org_unit_created", ORG_UNIT)
            uow.audit("create", "org_unit", 5)
            uow.flush()
            raise RuntimeError("boom")

    assert count(sessions, OUTBOX) == 0 and count(sessions, AUDIT) == 0


def test_an_event_that_breaks_its_schema_is_refused_before_it_is_written(sessions):
    with UnitOfWork(sessions) as uow:
        with pytest.raises(ValueError):
            uow.emit("org_unit_created", {"id": 5})
        uow.commit()

    assert count(sessions, OUTBOX) == 0


def test_commit_wakes_the_relay_only_when_events_were_emitted(sessions):
    wakes = []
    with UnitOfWork(sessions, on_events=lambda: wakes.append(1)) as uow:
        uow.audit("create", "thing", 1)
        uow.commit()
    assert wakes == []

    with UnitOfWork(sessions, on_events=lambda: wakes.append(1)) as uow:
        uow.emit("org_unit_created", ORG_UNIT)
        uow.emit("org_unit_created", ORG_UNIT)
        uow.commit()
    assert wakes == [1]

    with UnitOfWork(sessions, on_events=lambda: wakes.append(1)) as uow:
        uow.emit("org_unit_created", ORG_UNIT)
    assert wakes == [1]


def test_first_time_is_true_once_per_event_and_consumer(sessions):
    with UnitOfWork(sessions) as uow:
        assert uow.first_time("event-1", "notifications.on_created") is True
        uow.commit()

    with UnitOfWork(sessions) as uow:
        assert uow.first_time("event-1", "notifications.on_created") is False
        assert uow.first_time("event-1", "reports.on_created") is True
        assert uow.first_time("event-2", "notifications.on_created") is True
        uow.commit()

    assert count(sessions, PROCESSED) == 3


def test_first_time_is_forgotten_when_the_handler_fails(sessions):
    with pytest.raises(RuntimeError):
        with UnitOfWork(sessions) as uow:
            assert uow.first_time("event-1", "consumer")
            raise RuntimeError("handler failed")

    with UnitOfWork(sessions) as uow:
        assert uow.first_time("event-1", "consumer") is True


def test_a_unit_of_work_can_be_entered_again(sessions):
    uow = UnitOfWork(sessions)
    for n in range(2):
        with uow:
            uow.audit("create", "thing", n)
            uow.commit()

    assert count(sessions, AUDIT) == 2
