"""Concurrent changes of one project-year on PostgreSQL, made through two service instances.

Each instance is an engine with its own connection pool, as a replica has; psycopg2 is green
under eventlet, so the transactions of greenthreads started together really overlap in the
database. What must hold after any interleaving:

* the stored schedule is what the rescheduler computes from the stored graph (a full
  reschedule moves nothing) and what the same changes made one after the other give;
* the ``deadline_slipped`` events of each task form one chain (each starts where the one
  before ended) and the last one names the stored due date;
* a task has exactly one Accountable, and concurrent unique inserts answer as repeats.
"""
from collections import defaultdict

import eventlet
import pytest
import sqlalchemy as sa

from kelisim.context import Context
from kelisim.db.tables import platform_tables
from kelisim.db.uow import UnitOfWork
from kelisim.errors import Conflict
from services.projects.adapters import orm
from services.projects.adapters.repository import ProjectsRepository
from services.projects.service_layer import assignments, baselines, dependencies, reference, rollout, scheduling, tasks
from services.projects.service_layer.common import work_calendar
from tests.support import ADMIN, race_with_slow_commit
from tests.support_projects import FakeRegistry, assignees_of

OUTBOX = platform_tables(sa.MetaData())[0]
PROJECT, YEAR = "mediation", 2026
REGIONS = ["KZ-61", "KZ-75", "KZ-11"]


class Instances:
    """Two instances of the projects service's data access on one PostgreSQL database."""

    def __init__(self, url, session_factory):
        self.sessions = [session_factory(url), session_factory(url)]

    def uow(self, n=0):
        return UnitOfWork(self.sessions[n % 2], Context(actor=dict(ADMIN), source="projects"),
                          ProjectsRepository)

    def race(self, calls):
        """Run ``call(uow)`` of each of ``calls`` at once, alternating instances; return the
        results (or the errors raised) in order."""
        def run(call, n):
            try:
                return call(self.uow(n))
            except Exception as exc:  # noqa: BLE001 - the test looks at each outcome
                return exc

        threads = [eventlet.spawn(run, call, n) for n, call in enumerate(calls)]
        return [thread.wait() for thread in threads]

    def tasks(self):
        """``{(region or "RGU", template_key): task}`` of the project-year."""
        with self.sessions[0]() as session:
            t = orm.tasks
            query = sa.select(t.c.id, t.c.region_code, t.c.template_key, t.c.version,
                              t.c.start_date, t.c.due_date).where(
                t.c.project_code == PROJECT, t.c.year == YEAR)
            rows = session.execute(query).all()
        return {(r.region_code or "RGU", r.template_key): {
            "id": r.id, "version": r.version, "start_date": r.start_date.isoformat(),
            "due_date": r.due_date.isoformat()} for r in rows}

    def slips(self):
        with self.sessions[0]() as session:
            query = (sa.select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == "deadline_slipped")
                     .order_by(OUTBOX.c.id))
            return [envelope["data"] for envelope in session.execute(query).scalars()]

    def accountables(self, task_id):
        with self.sessions[0]() as session:
            a = orm.assignments
            query = sa.select(a.c.assignee_id).where(a.c.task_id == task_id, a.c.role == "A")
            return session.execute(query).scalars().all()


def _rolled_out(url, migrated, session_factory):
    migrated("projects", url)
    instances = Instances(url, session_factory)
    reference.load_reference_data(instances.uow())
    rollout.rollout(instances.uow(), FakeRegistry(), PROJECT, {"year": YEAR, "regions": REGIONS})
    return instances


@pytest.fixture
def platform(postgres_url, migrated, session_factory):
    return _rolled_out(postgres_url, migrated, session_factory)


def _changes(platform):
    """Slips of an RGU milestone and of three regions' first tasks, a new dependency and
    edits, all of one project-year, as calls ``f(uow)``."""
    before = platform.tasks()

    def slip(key, due):
        task = before[key]
        return lambda uow: tasks.update_task(uow, task["id"], {
            "version": task["version"], "due_date": due, "reason": f"slip of {key}"})

    def edit(key, **fields):
        task = before[key]
        return lambda uow: tasks.update_task(uow, task["id"], {
            "version": task["version"], **fields})

    def follow(successor, predecessor):
        return lambda uow: dependencies.add_dependency(uow, before[successor]["id"], {
            "predecessor_id": before[predecessor]["id"], "lag": 3})

    return [
        slip(("RGU", "rgu.method"), "2026-03-05"),
        slip(("KZ-61", "org.plan"), "2026-02-20"),
        slip(("KZ-75", "org.plan"), "2026-03-02"),
        follow(("KZ-11", "mon.rooms"), ("KZ-11", "train.programme")),
        slip(("KZ-11", "org.plan"), "2026-02-16"),
        edit(("RGU", "rgu.council-1"), title="Республиканский совет (первый)"),
        edit(("RGU", "rgu.council-2"), progress=10),
        follow(("KZ-75", "promo.plan"), ("KZ-75", "mon.survey")),
    ]


def _inconsistencies(platform):
    """Tasks whose stored dates are not what the rescheduler computes from the stored graph."""
    with platform.uow() as uow:
        graph, _ = scheduling.load_graph(uow.repo, PROJECT, YEAR)
        moves = graph.reschedule(work_calendar(), only=set(graph.nodes))
    return [(m.id, str(m.old_due), str(m.due)) for m in moves]


def _contradictions(platform, stored, created):
    """Tasks whose deadline_slipped events do not chain from the rollout's due date to the
    stored one: two events from the same old date, or a last event naming another date."""
    found = []
    by_task = defaultdict(list)
    for event in platform.slips():
        by_task[event["task_id"]].append(event)
    for task_id, events in by_task.items():
        due = created[task_id]
        for event in events:
            if event["old_due_date"] != due:
                found.append((task_id, "from", event["old_due_date"], "expected", due))
            due = event["due_date"]
        if due != stored[task_id]:
            found.append((task_id, "ends at", due, "stored", stored[task_id]))
    return found


def test_racing_slips_dependencies_and_edits_keep_the_schedule_and_its_events_consistent(
        platform, sqlite_url, migrated, session_factory):
    created = {t["id"]: t["due_date"] for t in platform.tasks().values()}
    answers = platform.race(_changes(platform))

    assert [type(a).__name__ for a in answers if isinstance(a, Exception)] == []
    assert _inconsistencies(platform) == []
    stored = {t["id"]: t["due_date"] for t in platform.tasks().values()}
    assert _contradictions(platform, stored, created) == []
    assert sum(stored[i] != created[i] for i in stored) > 40  # the slips did move much

    one_by_one = _rolled_out(sqlite_url, migrated, session_factory)
    for change in _changes(one_by_one):
        change(one_by_one.uow())
    dates = {key: (t["start_date"], t["due_date"]) for key, t in one_by_one.tasks().items()}
    assert {key: (t["start_date"], t["due_date"]) for key, t in platform.tasks().items()} == dates


def test_concurrent_accountables_leave_one_and_the_later_replaces_the_earlier(platform):
    registry = FakeRegistry()
    registry.units[900] = {"id": 900, "region_code": "KZ-61", "kind": "department",
                           "name_ru": "Отдел медиации"}
    registry.units[901] = {"id": 901, "region_code": "KZ-61", "kind": "department",
                           "name_ru": "Отдел мониторинга"}
    people = assignees_of(registry)
    targets = [t for (region, _), t in platform.tasks().items() if region == "KZ-61"][:5]
    for task in targets:
        previous = platform.accountables(task["id"])
        answers = platform.race([
            lambda uow, t=task, unit=unit: assignments.add_assignment(
                uow, people, t["id"], {"role": "A", "kind": "org_unit", "id": unit})
            for unit in (900, 901)])
        assert [type(a).__name__ for a in answers if isinstance(a, Exception)] == []
        assert len(platform.accountables(task["id"])) == 1
        with platform.uow() as uow:
            rows = uow.session.execute(
                sa.select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == "task_reassigned")
                .order_by(OUTBOX.c.id)).scalars().all()
        mine = [e["data"] for e in rows if e["data"]["task_id"] == task["id"]]
        assert [m["previous_assignee"]["id"] for m in mine] == \
            [previous[0], mine[0]["assignee"]["id"]]
        assert mine[-1]["assignee"]["id"] == platform.accountables(task["id"])[0]


def test_concurrent_identical_requests_answer_as_a_repeat(platform):
    people = assignees_of(FakeRegistry())
    before = platform.tasks()
    calls = []
    for region in REGIONS:
        successor, predecessor = before[(region, "mon.rooms")], before[(region, "mon.survey")]
        calls += [lambda uow, s=successor, p=predecessor: dependencies.add_dependency(
            uow, s["id"], {"predecessor_id": p["id"], "lag": 0})] * 2
        calls += [lambda uow, s=successor: assignments.add_assignment(
            uow, people, s["id"], {"role": "C", "kind": "org_unit", "id": 1})] * 2
    answers = platform.race(calls)
    for first, second in zip(answers[::2], answers[1::2], strict=False):
        assert sorted(type(a).__name__ for a in (first, second)) == ["Conflict", "dict"]
        refused = first if isinstance(first, Conflict) else second
        assert "exists already" in str(refused)


def _fresh(postgres_url, migrated, session_factory):
    migrated("projects", postgres_url)
    instances = Instances(postgres_url, session_factory)
    reference.load_reference_data(instances.uow())
    return instances


def test_two_identical_rollouts_at_once_create_once_and_the_other_skips(
        postgres_url, migrated, session_factory):
    platform = _fresh(postgres_url, migrated, session_factory)
    answers = platform.race([
        lambda uow: rollout.rollout(uow, FakeRegistry(), PROJECT,
                                    {"year": YEAR, "regions": ["KZ-61", "KZ-75"]})] * 2)
    assert [type(a).__name__ for a in answers] == ["dict", "dict"]
    assert sorted(len(a["created"]) for a in answers) == [0, 2]
    assert sorted(a["skipped"] for a in answers) == [[], ["KZ-61", "KZ-75"]]


def test_rollouts_to_different_regions_at_once_both_succeed_on_one_rgu_plan(
        postgres_url, migrated, session_factory):
    platform = _fresh(postgres_url, migrated, session_factory)
    answers = platform.race([
        lambda uow, region=region: rollout.rollout(uow, FakeRegistry(), PROJECT,
                                                   {"year": YEAR, "regions": [region]})
        for region in REGIONS])
    assert [type(a).__name__ for a in answers] == ["dict"] * 3
    assert sorted(a["created"][0]["region_code"] for a in answers) == sorted(REGIONS)
    with platform.uow() as uow:
        assert uow.repo.plan_scopes(PROJECT, YEAR) == {"RGU", *REGIONS}
    assert _inconsistencies(platform) == []
    stored = platform.tasks()
    programmes = [t["id"] for (_, key), t in stored.items() if key == "train.programme"]
    with platform.uow() as uow:  # every region's training waits for the one RGU milestone
        followed = {pred for pred, _, _ in uow.repo.predecessors(programmes)}
    assert followed == {stored[("RGU", "rgu.method")]["id"]}


def test_rebaselines_at_once_all_succeed_with_the_next_numbers(platform):
    with platform.uow() as uow:
        rgu_plan = uow.repo.plan_by_scope(PROJECT, YEAR, "RGU").id
    answers = platform.race([
        lambda uow, n=n: baselines.rebaseline(uow, rgu_plan, {"reason": f"review {n}"})
        for n in (1, 2, 3)])
    assert [type(a).__name__ for a in answers] == ["dict"] * 3
    history = baselines.get_baseline(platform.uow(), rgu_plan)["history"]
    assert sorted(item["number"] for item in history) == [1, 2, 3, 4]


def test_replicas_loading_the_reference_data_at_once_add_it_once(postgres_url, migrated,
                                                                 session_factory):
    migrated("projects", postgres_url)
    instances = Instances(postgres_url, session_factory)
    first, second = race_with_slow_commit(
        lambda cls: cls(instances.sessions[0], Context(source="projects"), ProjectsRepository),
        reference.load_reference_data)
    assert [repr(a) for a in (first, second) if isinstance(a, Exception)] == []
    assert min(first, second) == 0 and max(first, second) > 4
    with instances.uow() as uow:
        assert len(uow.repo.projects()) == 5  # the four base projects and the action plan


def test_rollouts_of_two_projects_at_once_in_one_process_write_one_after_the_other(
        postgres_url, migrated, session_factory):
    """Each rollout's transaction is CPU-bound: side by side in one process they shared its
    core and both committed at the end; one after the other (services/projects/
    service_layer/rollout.py), the first commits, and its events leave, while the second
    is built. Seen in the database: the inserts of the two transactions do not interleave."""
    platform = _fresh(postgres_url, migrated, session_factory)
    inserts = []  # the connection of each INSERT, in the order PostgreSQL got them

    def seen(conn, _cursor, statement, *_):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(id(conn.connection.dbapi_connection))

    engines = [factory.kw["bind"] for factory in platform.sessions]
    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", seen)
    answers = platform.race([
        lambda uow, code=code: rollout.rollout(uow, FakeRegistry(), code,
                                               {"year": YEAR, "regions": REGIONS})
        for code in (PROJECT, "civic-identity")])
    for engine in engines:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert [len(a["created"]) for a in answers] == [3, 3], answers
    switches = sum(1 for before, after in zip(inserts, inserts[1:], strict=False)
                   if before != after)
    assert len(set(inserts)) == 2 and switches == 1, (len(inserts), switches)
