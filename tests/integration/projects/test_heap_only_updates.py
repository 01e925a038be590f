"""On PostgreSQL a task's reschedule, status or progress change writes no index entry.

Each committing transaction's own counters (``pg_stat_get_xact_tuples_updated`` and
``..._hot_updated``, read before its commit) tell whether PostgreSQL wrote each changed row
as a heap-only tuple (HOT: the new version beside the old on its page, no index touched)
or as a new tuple with an entry in every index of ``tasks``. A slip of thousands of tasks
took twice as long the second way (bench/README.md, migration 0008).
"""
import pytest
import sqlalchemy as sa

from kelisim.context import Context
from kelisim.db import migrate
from kelisim.db.uow import UnitOfWork
from services.projects.adapters import orm
from services.projects.adapters.repository import ProjectsRepository
from services.projects.service_layer import reference, rollout, tasks
from tests.support import ADMIN
from tests.support_projects import FakeRegistry

COUNTERS = sa.text("SELECT pg_stat_get_xact_tuples_updated(CAST('tasks' AS regclass)), "
                   "pg_stat_get_xact_tuples_hot_updated(CAST('tasks' AS regclass))")


@pytest.fixture(params=["head", "0007"])
def projects(request, postgres_url, migrated, session_factory):
    """A sessionmaker on a projects database with mediation rolled out to three regions,
    and the list of ``(updated, hot updated)`` of ``tasks`` in each transaction it commits.
    ``0007``: rolled out before migration 0008, then upgraded (its rows rewritten with
    room); ``head``: rolled out on the current schema."""
    if request.param == "head":
        migrated("projects", postgres_url)
    else:
        migrate.upgrade("projects", postgres_url, request.param)
    sessions = session_factory(postgres_url)
    uow = lambda: UnitOfWork(sessions, Context(actor=dict(ADMIN), source="projects"),  # noqa: E731
                             ProjectsRepository)
    reference.load_reference_data(uow())
    rollout.rollout(uow(), FakeRegistry(), "mediation",
                    {"year": 2026, "regions": ["KZ-61", "KZ-75", "KZ-11"]})
    if request.param != "head":
        migrate.upgrade("projects", postgres_url)
    counted = []
    sa.event.listen(sessions, "before_commit",
                    lambda session: counted.append(tuple(session.execute(COUNTERS).one())))
    return uow, counted


def _task(uow, key, region=None):
    with uow() as unit:
        t = orm.tasks
        row = unit.session.execute(sa.select(t.c.id, t.c.version, t.c.due_date).where(
            t.c.template_key == key, t.c.region_code.is_(None) if region is None
            else t.c.region_code == region)).one()
    return row


def test_a_slip_moves_every_task_without_writing_an_index_entry(projects):
    uow, counted = projects
    head = _task(uow, "rgu.method")
    result = tasks.update_task(uow(), head.id, {
        "version": head.version, "due_date": "2026-03-05", "reason": "a late methodology"})
    updated, hot = counted[-1]
    assert len(result["rescheduled"]) > 20  # the head and the regions' tasks after it
    assert updated >= len(result["rescheduled"])
    assert hot == updated


def test_a_status_or_progress_change_writes_no_index_entry(projects):
    uow, counted = projects
    task = _task(uow, "org.plan", "KZ-61")
    tasks.update_task(uow(), task.id, {"version": task.version, "progress": 40})
    updated, hot = counted[-1]
    assert updated >= 1
    assert hot == updated
