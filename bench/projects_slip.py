"""A slip at the head of a 10 000-task dependency graph spread over the 20 regions: an RGU
milestone precedes, in every region, 50 layers of 10 tasks (each waits for two of the
layer before). Moving the milestone 5 working days later reschedules all 10 000.

Figures: the recompute (graph loaded and rescheduled, in this process, as the service does
it), the whole change over RPC (recompute, writes, history, 10 001 outbox rows, commit),
and the time until every deadline_slipped event is published, consumed by a bare probe
(with ``--probe``: the reliable handler, no database, in a process of its own that shares
the cores), and consumed by the real notifications service (its inbox items committed in
its database); the CPU seconds each party used from the slip's start until every event
is in the inboxes (projects, notifications, registry, the RabbitMQ node, the PostgreSQL
backends with ``--postgres``; n/a on SQLite), each beside its idle rate, their total
above idle over the cores and the busiest single process's (no schedule on these cores can
finish sooner than either), and apart the benchmark's own; the peak resident memory of
each process; then, in the same run, the floors of such a burst once the platform has
stopped: as many events to a bare nameko handler that does nothing, and as many messages
of a deadline_slipped's size from py-amqp to py-amqp (wall time, and the CPU of
publisher, consumer and broker); with ``--postgres``, the least work per event after the
slip's commit (an inbox row committed, the regional stream) by bare py-amqp and psycopg2
and by kelisim's own nameko event handler, each added to when this run's slip committed
its outbox (``print_shape_floors``); and the floor of the answer: the statements the
slip's use case sends (run again in this process and captured), replayed by bare
psycopg2 with nothing computed, one commit (``print_answer_floor``).
Targets (issue 17): over RPC under 1 s; every deadline_slipped in notifications' inboxes
under 2 s; recompute under 0.5 s; under 150 MB per component.

    .venv/bin/python bench/projects_slip.py [--postgres] [--probe] [--replicas N]
"""
import time
import uuid
from datetime import date

import projects_common as common
from sqlalchemy.orm import sessionmaker

from kelisim import collection
from kelisim.context import Context
from kelisim.db.engine import make_engine
from kelisim.db.types import utcnow
from kelisim.db.uow import UnitOfWork
from services.projects.adapters import orm
from services.projects.adapters.repository import ProjectsRepository
from services.projects.domain.schedule import Graph, Node
from services.projects.service_layer import scheduling
from services.projects.service_layer.common import work_calendar

REGIONS = ("KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35",
           "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71",
           "KZ-75", "KZ-79")
LAYERS, WIDTH, YEAR, PROJECT = 50, 10, 2027, "mediation"


def build_graph(url):
    """Insert the plans, tasks, dependencies and (A, R) assignments; return the head's id."""
    calendar = work_calendar()
    engine = make_engine(url)
    start = calendar.on_or_after(date(YEAR, 1, 11))
    with engine.begin() as conn:
        def plan(scope, region, unit):
            return conn.execute(orm.plans.insert().values(
                project_code=PROJECT, year=YEAR, scope=scope, region_code=region,
                org_unit_id=unit, org_unit_name=f"KGU {scope}", status="in_progress",
                expected_results="", start_date=start, version=1)).inserted_primary_key[0]

        rgu_plan = plan("RGU", None, 1)
        nodes, deps, rows, key_of = [], [], [], {}
        head = ("RGU", 0, 0)
        nodes.append(Node(head, start, start, 0, kind="milestone"))
        for _n, region in enumerate(REGIONS):
            for layer in range(LAYERS):
                for i in range(WIDTH):
                    key = (region, layer, i)
                    duration = 1 + (layer + i) % 3
                    nodes.append(Node(key, start, calendar.finish(start, duration), duration))
                    if layer == 0:
                        deps.append((head, key, 0))
                    else:
                        deps.append(((region, layer - 1, i), key, 0))
                        deps.append(((region, layer - 1, (i + 1) % WIDTH), key, 1))
        graph = Graph(nodes, deps)
        graph.reschedule(calendar, only=[n.id for n in nodes])
        plans = {region: plan(region, region, n + 2) for n, region in enumerate(REGIONS)}
        for node in nodes:
            region = node.id[0]
            rows.append({
                "plan_id": rgu_plan if region == "RGU" else plans[region], "project_code": PROJECT,
                "year": YEAR, "region_code": None if region == "RGU" else region,
                "template_key": f"bench.{node.id[1]}.{node.id[2]}", "kind": node.kind,
                "title": f"Задача {node.id[1]}.{node.id[2]}", "description": "",
                "start_date": node.start, "due_date": node.due, "duration": node.duration,
                "scheduling": "auto", "status": "planned", "progress": 0, "version": 1})
        conn.execute(orm.tasks.insert(), rows)
        for task_id, template_key, region in conn.execute(
                orm.tasks.select().with_only_columns(orm.tasks.c.id, orm.tasks.c.template_key,
                                                     orm.tasks.c.region_code)
                .where(orm.tasks.c.year == YEAR)):
            _, layer, i = template_key.split(".")
            key_of[(region or "RGU", int(layer), int(i))] = task_id
        conn.execute(orm.dependencies.insert(), [
            {"predecessor_id": key_of[p], "successor_id": key_of[s], "lag": lag}
            for p, s, lag in deps])
        assignments = []
        for key, task_id in key_of.items():
            region = None if key[0] == "RGU" else key[0]
            unit = 1 if region is None else plans[region]
            assignments.append({"task_id": task_id, "role": "A", "assignee_kind": "org_unit",
                                "assignee_id": unit, "assignee_name": "KGU",
                                "region_code": region})
            assignments.append({"task_id": task_id, "role": "R", "assignee_kind": "structure",
                                "assignee_id": 1000 + unit, "assignee_name": "Совет медиации",
                                "region_code": region})
        conn.execute(orm.assignments.insert(), assignments)
    engine.dispose()
    return key_of[head], len(nodes)


def recompute_seconds(url, head_id, new_due):
    """The service's recompute alone: load the graph, move the head, reschedule (no writes),
    with the cyclic collector paused as ``update_task`` runs it (without the pause a full
    collection of this process's heap, 115-173 ms, fell inside it)."""
    engine = make_engine(url)
    uow = UnitOfWork(sessionmaker(engine), Context(), ProjectsRepository)
    try:
        with uow, collection.paused():
            started = time.perf_counter()
            graph, _ = scheduling.load_graph(uow.repo, PROJECT, YEAR)
            graph.nodes[head_id].start = graph.nodes[head_id].due = new_due
            moves = graph.reschedule(work_calendar(), [head_id])
            return time.perf_counter() - started, len(moves), utcnow()
    finally:
        engine.dispose()


def answer_floor(url, head_id, replays=2):
    """The slip's database work alone: ``update_task`` of the head (moved 5 more working
    days, as the RPC does) run in this process with every statement it sends captured
    (SQLAlchemy's ``before_cursor_execute``), then those statements replayed ``replays``
    times on the same database by bare psycopg2, nothing computed, each replay one
    transaction, committed (its outbox rows with new event ids). Returns ``(use case wall
    s, use case CPU s, statements, [(replay wall s, replay client CPU s)])``."""
    import psycopg2
    import sqlalchemy as sa

    from services.projects.service_layer import tasks

    engine = make_engine(url)
    captured, capturing = [], []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def capture(conn, cursor, statement, parameters, context, executemany):
        if capturing:
            captured.append((statement, parameters, executemany))

    try:
        sessions = sessionmaker(engine, expire_on_commit=False)
        context = Context(actor=dict(common.ADMIN), source="projects")
        head = tasks.get_task(UnitOfWork(sessions, context, ProjectsRepository), head_id)
        capturing.append(True)
        cpu, wall = time.process_time(), time.perf_counter()
        tasks.update_task(UnitOfWork(sessions, context, ProjectsRepository), head_id, {
            "version": head["version"], "reason": "bench: the answer's floor",
            "due_date": work_calendar().add(date.fromisoformat(head["due_date"]), 5).isoformat()})
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        capturing.clear()
    finally:
        engine.dispose()
    replays_done = []
    conn = psycopg2.connect(url)
    try:
        for _ in range(replays):
            cursor = conn.cursor()
            started_cpu, started = time.process_time(), time.perf_counter()
            for statement, parameters, many in captured:
                if "INSERT INTO outbox" in statement:  # its ids are the outbox's key
                    parameters = dict(parameters, ids=[str(uuid.uuid4()) for _ in
                                                       parameters["ids"]])
                (cursor.executemany if many else cursor.execute)(statement, parameters)
            conn.commit()
            replays_done.append((time.perf_counter() - started,
                                 time.process_time() - started_cpu))
    finally:
        conn.close()
    return wall, cpu, len(captured), replays_done


def print_answer_floor(url, head_id, target_s=1.0):
    """Measure (:func:`answer_floor`) and print the floor of "the slip answered over RPC"
    at the statements the service sends, against ``target_s``: no faster code around
    those statements makes the answer shorter than their replay alone (leaner statements,
    or fewer rows, would lower this floor itself)."""
    wall, cpu, statements, replays = answer_floor(url, head_id)
    floor = min(seconds for seconds, _ in replays)
    verdict = (f"the answer cannot be under {target_s:g} s here" if floor >= target_s else
               f"under {target_s:g} s: {target_s - floor:.2f} s left for the recompute, the "
               f"events' building and the RPC")
    print(f"answer floor: the slip's {statements} statements (its use case run again in this "
          f"process: {wall:.2f} s wall, {cpu:.2f} s CPU) replayed by bare psycopg2, nothing "
          f"computed, one commit: " + " / ".join(
              f"{seconds:.2f} s (client CPU {client:.2f} s)" for seconds, client in replays)
          + f" -> {verdict}", flush=True)


def main():
    args = common.arguments(__doc__)
    with common.vhost() as amqp_uri, common.databases(args.postgres) as urls:
        head_id, size = build_graph(urls["projects"])
        with common.platform(amqp_uri, urls) as config:
            rpc_ms, event_ms = common.baselines(config)
            common.print_baselines(rpc_ms, event_ms, args.postgres, f"; graph of {size} tasks")
            with common.proxy(config) as projects:
                head = projects.get_task(head_id)
                new_due = work_calendar().add(date.fromisoformat(head["due_date"]), 5)
                alone, moved, _ = recompute_seconds(urls["projects"], head_id, new_due)
                parties = common.PartyCpu(urls)
                parties.start()
                projects_cpu = common.Notifications.cpu_seconds("projects")
                commit = common.watch_commit(urls["projects"])
                started = time.time()
                result = projects.update_task(head_id, {
                    "version": head["version"], "due_date": new_due.isoformat(),
                    "reason": "bench: the methodology is approved a week late"})
                answered = time.time()
                committed = commit.wait()
                answer_cpu = common.Notifications.cpu_seconds("projects") - projects_cpu
                events = len(result["rescheduled"]) + 1
                published_cpu = []  # the projects process's CPU once the outbox is empty
                times = common.delivered(urls["projects"], "deadline_slipped", events,
                                         on_published=lambda: published_cpu.append(
                                             common.Notifications.cpu_seconds("projects")))
                parties.stop()
                relay_cpu = published_cpu[0] - projects_cpu - answer_cpu
        print(f"slip: {len(result['rescheduled'])} tasks rescheduled "
              f"({moved} in the recompute alone), one deadline_slipped each plus the head's")
        common.report("recompute (load graph + reschedule)", alone, rpc_ms, "RPC", 0.5)
        common.report("slip over RPC (recompute, writes, outbox, commit)", answered - started, rpc_ms,
               "RPC", 1.0)
        print(f"  of which until its outbox rows are committed (seen by a 5 ms poll): "
              f"{(committed - started) * 1000:.1f} ms")
        common.report_delivery("slip", "deadline_slipped", started, times, event_ms, (5.0, 2.0, 2.0))
        print(f"projects CPU for the slip: {answer_cpu:.2f} s until answered, then "
              f"{relay_cpu:.2f} s until all published ({1e6 * relay_cpu / events:.0f} µs per "
              f"event; includes the answer's serialisation and the relay's polls)")
        parties.report("the slip's start until every deadline_slipped is in the inboxes", events)
        common.Notifications.print_memory()
        common.print_burst_floor(amqp_uri, events)
        common.print_raw_floor(amqp_uri, events)
        if args.postgres:
            common.print_shape_floors(amqp_uri, events, committed - started)
            print_answer_floor(urls["projects"], head_id)


if __name__ == "__main__":
    main()
