"""The slip's bulk writes on both databases: outbox rows (one INSERT from arrays on
PostgreSQL) and history rows keep the order they were given, their ids rising in it, and
hold what the row-by-row INSERT held."""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from kelisim import serialization
from kelisim.context import Context
from kelisim.db.tables import platform_tables
from kelisim.db.uow import UnitOfWork
from services.projects.adapters import orm
from services.projects.adapters.repository import ProjectsRepository

OUTBOX = platform_tables(sa.MetaData())[0]
PERSON = {"id": 1, "full_name": "Айгүл «Сапарова»", "org_unit_id": 2, "region_code": "KZ-61",
          "version": 1}


@pytest.fixture
def sessions(database_url, migrated, session_factory):
    return session_factory(migrated("projects", database_url))


def test_outbox_rows_keep_the_order_and_the_exact_text_of_their_envelopes(sessions):
    context = Context(correlation_id="corr-bulk", source="projects")
    events = [(dict(PERSON, id=n), [f"KZ-{n % 20}"]) for n in range(2500)]
    with UnitOfWork(sessions, context) as uow:
        assert uow.emit_many("person_created", iter(events)) == 2500
        one = uow.emit("person_created", PERSON)
        uow.commit()
    with sessions() as session:
        rows = session.execute(sa.select(OUTBOX.c.event_id, OUTBOX.c.event_type,
                                         OUTBOX.c.envelope, OUTBOX.c.attempts,
                                         OUTBOX.c.created_at,
                                         sa.cast(OUTBOX.c.envelope, sa.Text).label("text"))
                               .order_by(OUTBOX.c.id)).all()
    assert [row.envelope["data"]["id"] for row in rows] == [*range(2500), 1]
    assert rows[-1].event_id == one.id and rows[-1].envelope == one.to_message()
    for row in rows:
        assert row.event_id == row.envelope["id"] and row.event_type == "person_created"
        assert row.attempts == 0 and row.created_at.tzinfo is not None
        assert row.text.encode() == serialization.dumps(row.envelope)  # as it is published



def test_events_read_lazily_may_query_the_database_between_chunks(sessions):
    """On PostgreSQL a chunk's rows are inserted while the next chunk's envelopes are
    built (kelisim/db/overlap.py); the events' own queries (a slip's look-up of who is
    responsible, a chunk at a time) wait for the insert in flight."""
    context = Context(correlation_id="corr-bulk", source="projects")
    with UnitOfWork(sessions, context) as uow:
        def events():
            for n in range(2500):
                written = uow.session.scalar(sa.select(sa.func.count()).select_from(OUTBOX))
                yield dict(PERSON, id=n, version=written + 1), []

        assert uow.emit_many("person_created", events()) == 2500
        uow.commit()
    with sessions() as session:
        data = [envelope["data"] for envelope in session.scalars(
            sa.select(OUTBOX.c.envelope).order_by(OUTBOX.c.id))]
    assert [item["id"] for item in data] == list(range(2500))
    assert data[-1]["version"] >= 1001  # the last chunk was read after rows were written

def test_history_rows_keep_their_order_and_values(sessions):
    at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    rows = [{"entity": "task", "entity_id": n, "plan_id": None if n % 3 else n,
             "occurred_at": at, "actor_id": "rgu", "actor_role": "rgu_admin",
             "correlation_id": None if n % 2 else "c", "action": "rescheduled",
             "changes": {"due_date": ["2026-01-05", "2026-01-12"], "title": ["«а»", "ә"]},
             "reason": None if n % 5 == 0 else f"себебі {n}"} for n in range(1500)]
    with UnitOfWork(sessions, Context(), ProjectsRepository) as uow:
        uow.repo.add_history(rows)
        uow.commit()
    with sessions() as session:
        stored = session.execute(sa.select(orm.history).order_by(orm.history.c.id)).all()
    assert [{key: value for key, value in row._mapping.items() if key != "id"}
            for row in stored] == rows



def test_history_rows_sharing_every_column_are_all_written(sessions):
    """On PostgreSQL each column the rows share is bound once (None too), the rest as
    arrays: rows alike but for ``changes``, and a single row, come back as given."""
    at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    row = {"entity": "task", "entity_id": 7, "plan_id": None, "occurred_at": at,
           "actor_id": "rgu", "actor_role": "rgu_admin", "correlation_id": None,
           "action": "rescheduled", "changes": {}, "reason": None}
    rows = [dict(row, changes={"n": [n, n + 1]}) for n in range(3)]
    with UnitOfWork(sessions, Context(), ProjectsRepository) as uow:
        uow.repo.add_history(rows)
        uow.repo.add_history([dict(row, plan_id=None, reason="один")])
        uow.commit()
    with sessions() as session:
        stored = session.execute(sa.select(orm.history).order_by(orm.history.c.id)).all()
    assert [{key: value for key, value in r._mapping.items() if key != "id"}
            for r in stored] == [*rows, dict(row, reason="один")]

def test_a_naive_history_time_is_refused(sessions):
    row = {"entity": "task", "entity_id": 1, "plan_id": None,
           "occurred_at": datetime(2026, 11, 30, 10, 0), "actor_id": "rgu",
           "actor_role": "rgu_admin", "correlation_id": None, "action": "update",
           "changes": {}, "reason": None}
    with UnitOfWork(sessions, Context(), ProjectsRepository) as uow:
        with pytest.raises((ValueError, sa.exc.StatementError), match="naive"):
            uow.repo.add_history([row])


@pytest.fixture
def referenced(database_url, migrated, session_factory):
    return session_factory(migrated("projects", database_url, reference=True))


def test_the_r_and_a_of_many_tasks_come_in_assignment_order(referenced):
    """assignment_rows: one ANY(array) query on PostgreSQL, IN lists of 500 on SQLite; the
    same tuples either way (a slip asks for 1 000 tasks at a time)."""
    sessions = referenced
    with sessions() as session, session.begin():
        plan = session.execute(orm.plans.insert().values(
            project_code="mediation", year=2027, scope="KZ-61", region_code="KZ-61",
            org_unit_id=2, org_unit_name="KGU", status="in_progress", expected_results="",
            start_date=datetime(2027, 1, 11).date(), version=1)).inserted_primary_key[0]
        session.execute(orm.tasks.insert(), [
            {"plan_id": plan, "project_code": "mediation", "year": 2027,
             "region_code": "KZ-61", "template_key": f"t.{n}", "kind": "task",
             "title": f"Задача {n}", "description": "", "start_date": datetime(2027, 1, 11).date(),
             "due_date": datetime(2027, 1, 12).date(), "duration": 2, "scheduling": "auto",
             "status": "planned", "progress": 0, "version": 1} for n in range(1200)])
        ids = list(session.scalars(sa.select(orm.tasks.c.id).order_by(orm.tasks.c.id)))
        session.execute(orm.assignments.insert(), [
            {"task_id": task_id, "role": role, "assignee_kind": "org_unit",
             "assignee_id": 10 * n + k, "assignee_name": f"KGU {k}", "region_code": "KZ-61"}
            for k, role in enumerate(("A", "C", "R")) for n, task_id in enumerate(ids)])
    with UnitOfWork(sessions, Context(), ProjectsRepository) as uow:
        assert uow.repo.assignment_rows([]) == []
        found = [tuple(row) for row in uow.repo.assignment_rows(ids[::-1])]
    assert len(found) == 2 * len(ids)
    assert sorted(found) == sorted(
        (task_id, "org_unit", 10 * n + k, f"KGU {k}", "KZ-61")
        for k in (0, 2) for n, task_id in enumerate(ids))
    for task_id in ids[:3] + ids[-3:]:  # each task's A (assigned first) before its R
        assert [row[3] for row in found if row[0] == task_id] == ["KGU 0", "KGU 2"]
