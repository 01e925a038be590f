"""Rollout of the mediation project (34 tasks a region, 31 of them work items) to all 20
regions, until every task_assigned event is consumed. Target: under 3 s.

    .venv/bin/python bench/projects_rollout.py [--postgres]
"""
import time

from projects_common import (
    Counter, arguments, baselines, databases, platform, proxy, report, vhost, wait_published)


def main():
    args = arguments(__doc__)
    with vhost() as amqp_uri, databases(args.postgres) as urls, \
            platform(amqp_uri, urls) as config:
        rpc_ms, event_ms = baselines(config)
        print(f"baselines: bare RPC round trip {rpc_ms:.2f} ms, bare event round trip "
              f"(commit to consumed) {event_ms:.2f} ms "
              f"({'PostgreSQL' if args.postgres else 'SQLite'})", flush=True)
        with proxy(config) as projects:
            started = time.time()
            result = projects.rollout("mediation", {"year": 2026, "regions": "all"})
            answered = time.time()
            published = wait_published(urls["projects"])
            last = Counter.wait_for("task_assigned", result["assignments"])
        print(f"rollout: {len(result['created'])} plans, {result['tasks']} tasks, "
              f"{result['assignments']} assignments (task_assigned events)")
        report("rollout RPC answered (one transaction)", answered - started, rpc_ms,
               "RPC", 3.0)
        report("rollout until every task_assigned published", published - started, event_ms,
               "event", 3.0)
        report("rollout until every task_assigned consumed", last - started, event_ms,
               "event", 3.0)


if __name__ == "__main__":
    main()
