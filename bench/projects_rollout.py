"""Rollout of all four base projects to all 20 regions at once (four rollout calls in
parallel, ≈ 2 800 tasks, ≈ 6 000 task_assigned events), until every task_assigned event is
consumed: by the bare probe (with ``--probe``), and by the real notifications service (its
inbox items committed); the CPU seconds each party used from the rollout's start until
every event is in the inboxes (projects, notifications, registry, the RabbitMQ node, the
PostgreSQL backends with ``--postgres``; n/a on SQLite), each beside its idle rate, their
total above idle over the cores and the busiest single process's (no schedule on these
cores can finish sooner than either), and apart the benchmark's own; the peak resident
memory of each process; then the floors of such a burst in the same run, once the
platform has stopped: as many events to a bare nameko handler that does nothing, and as
many messages of a deadline_slipped's size from py-amqp to py-amqp (wall time, and the CPU
of publisher, consumer and broker); with ``--postgres``, the least work per event after
the first rollout's commit (an inbox row committed, the regional stream) by bare py-amqp
and psycopg2 and by kelisim's own nameko event handler, each added to when this run's
first rollout committed its outbox (``print_shape_floors``). Target (issue 17): consumed
by notifications in under 3 s; under 150 MB per component. ``--project mediation`` rolls
out one project only (the earlier benchmark).

    .venv/bin/python bench/projects_rollout.py [--postgres] [--probe] [--replicas N] [--project CODE]
"""
import sys
import time

import eventlet  # noqa: E402  (after projects_common, which quiets its notice)
from projects_common import (
    Notifications,
    PartyCpu,
    arguments,
    baselines,
    databases,
    delivered,
    platform,
    print_baselines,
    print_burst_floor,
    print_raw_floor,
    print_shape_floors,
    proxy,
    report,
    report_delivery,
    vhost,
    watch_commit,
)

PROJECTS = ("mediation", "civic-identity", "cultural-diversity", "ethnocultural-genesis")


def main():
    only = None
    if "--project" in sys.argv:
        at = sys.argv.index("--project")
        only = sys.argv[at + 1]
        del sys.argv[at:at + 2]
    args = arguments(__doc__)
    codes = (only,) if only else PROJECTS
    with vhost() as amqp_uri, databases(args.postgres) as urls:
        assignments, committed_s = roll_out(amqp_uri, urls, codes, args.postgres)
        print_burst_floor(amqp_uri, assignments)
        print_raw_floor(amqp_uri, assignments)
        if args.postgres:
            print_shape_floors(amqp_uri, assignments, committed_s, 3.0, "rollout")


def roll_out(amqp_uri, urls, codes, postgres):
    """Roll ``codes`` out at once on a running platform and print the figures; returns the
    number of ``task_assigned`` events and the seconds from the start until the first
    rollout committed its outbox rows (none can be relayed before)."""
    with platform(amqp_uri, urls) as config:
        rpc_ms, event_ms = baselines(config)
        print_baselines(rpc_ms, event_ms, postgres)

        def roll(code):
            with proxy(config) as projects:
                result = projects.rollout(code, {"year": 2026, "regions": "all"})
            return time.time(), result

        parties = PartyCpu(urls)
        parties.start()
        commit = watch_commit(urls["projects"])
        started = time.time()
        calls = [eventlet.spawn(roll, code) for code in codes]
        results = [call.wait() for call in calls]
        answered = max(at for at, _ in results)
        committed = commit.wait()
        assignments = sum(result["assignments"] for _, result in results)
        times = delivered(urls["projects"], "task_assigned", assignments)
        parties.stop()
        print(f"rollout of {', '.join(codes)}: "
              f"{sum(len(result['created']) for _, result in results)} plans, "
              f"{sum(result['tasks'] for _, result in results)} tasks, "
              f"{assignments} assignments (task_assigned events)")
        report("rollout RPCs answered (one transaction each)", answered - started, rpc_ms,
               "RPC", 3.0)
        print(f"  the first rollout's outbox rows committed (seen by a 5 ms poll) at "
              f"{(committed - started) * 1000:.1f} ms")
        report_delivery("rollout", "task_assigned", started, times, event_ms, (3.0, 3.0, 3.0))
        parties.report("the rollout's start until every task_assigned is in the inboxes",
                       assignments)
        Notifications.print_memory()
    return assignments, committed - started

if __name__ == "__main__":
    main()
