"""Two instances of the overdue job at once announce each stage once (PostgreSQL)."""
from datetime import date

import eventlet
import sqlalchemy as sa

from kelisim.context import Context
from kelisim.db.tables import platform_tables
from kelisim.db.uow import UnitOfWork
from services.projects.adapters.repository import ProjectsRepository
from services.projects.service_layer import overdue, reference
from services.projects.service_layer.rollout import rollout
from tests.support import ADMIN
from tests.support_projects import FakeRegistry

OUTBOX = platform_tables(sa.MetaData())[0]


def test_two_instances_announce_each_overdue_stage_once(postgres_url, migrated,
                                                         session_factory):
    migrated("projects", postgres_url)
    instances = [session_factory(postgres_url), session_factory(postgres_url)]

    def uow(sessions):
        return UnitOfWork(sessions, Context(actor=dict(ADMIN), source="projects"),
                          ProjectsRepository)

    reference.load_reference_data(uow(instances[0]))
    rollout(uow(instances[0]), FakeRegistry(), "civic-identity",
            {"year": 2026, "regions": ["KZ-61", "KZ-75", "KZ-11"]})
    day = date(2026, 3, 2)

    jobs = [eventlet.spawn(overdue.scan_overdue, uow(sessions), day)
            for sessions in instances for _ in range(2)]
    announced = sum(job.wait() for job in jobs)
    again = overdue.scan_overdue(uow(instances[1]), day)

    with instances[0]() as session:
        rows = session.execute(sa.select(OUTBOX.c.envelope)
                               .where(OUTBOX.c.event_type == "task_overdue")).scalars().all()
    keys = [(e["data"]["task_id"], e["data"]["stage"]) for e in rows]
    assert len(keys) == len(set(keys)) == announced > 3
    assert again == 0
    assert {tuple(e["regions"]) for e in rows} == {(), ("KZ-61",), ("KZ-75",), ("KZ-11",)}
