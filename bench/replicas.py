"""One measured point of the capacity table: throughput with one and with two replicas of
projects, notifications and the gateway on PostgreSQL, and the ordering and inbox
invariants checked after each.

The platform runs as deploy/kubernetes runs it, each component a `kelisim serve`
process (tests/faults/harness.py), every database on the local PostgreSQL (throw-away
databases), a throw-away RabbitMQ vhost. Mediation is rolled out to four regions (136
tasks), then, first with one replica of each component
and again after a second replica of projects, notifications and the gateway started:

- uncached reads: ``GET /api/v1/tasks?limit=50`` with ``Cache-Control: no-cache`` by
  ``--clients`` keep-alive clients spread over the gateway replicas, for ``--seconds``
  (each read is an RPC to a projects replica);
- assignments: ``POST /api/v1/tasks/{id}/assignments`` the same way (projects: row,
  history, a task_assigned event each) with the notifications replicas stopped, so their
  events wait in notifications' queue; then the notifications replicas start and drain it:
  events per second from their start until every event is taken in (inbox items written).

After each phase: every task_assigned of the run was taken in exactly once, every
expected inbox item exists exactly once (tests/faults/checks.py ``assert_settled``, worked
out from the registry's tables), the outboxes are drained, nothing is dead-lettered; and
per task the events are in the same order in the projects outbox (commit order) as by
their ``occurred_at``, and each KGU's inbox lists a task's items in that order.

    .venv/bin/python bench/replicas.py [--seconds 10] [--clients 16]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import load_common as common  # noqa: E402

import kelisim  # noqa: E402, F401  (quiets eventlet's deprecation notice before importing it)
from kelisim_platform.cli import components  # noqa: E402, F401  (registers every component's migrations)
from tests.faults import harness  # noqa: E402
from tests.faults.checks import assert_settled, outbox_events, query, unpublished, wait_until  # noqa: E402

COMPONENTS = ("registry", "projects", "reports", "notifications", "gateway")
SCALED = ("projects", "notifications", "gateway")
ADMIN = "bench-replicas-admin-" + uuid.uuid4().hex
API = "/api/v1"
REGIONS = ("KZ-61", "KZ-75", "KZ-71", "KZ-79")  # mediation to four regions: 136 tasks


def databases():
    """A throw-away PostgreSQL database per component: {component: URL}."""
    return common.component_databases(COMPONENTS)


def call(base, method, path, body=None, expect=(200, 201)):
    response = requests.request(method, f"{base}{API}{path}", json=body, timeout=300,
                                headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code in expect, (method, path, response.status_code,
                                            response.text[:500])
    return response.json()


def pids_of(platform, replicas):
    return {f"{c}{'-b' if r == 'b' else ''}": platform.procs[c if r is None else f"{c}-{r}"].pid
            for c in COMPONENTS for r in (None, "b")[:replicas if c in SCALED else 1]}


def gateways(platform, replicas):
    names = ["gateway", "gateway-b"][:replicas]
    return [f"http://{platform.setting(n, 'KELISIM_GATEWAY_ADDRESS')}" for n in names]


class Spread:
    """A URL callable for http_load: clients spread over the gateways."""

    def __init__(self, bases, path):
        self.bases, self.path = bases, path

    def read(self, client, count):
        return f"{self.bases[client % len(self.bases)]}{API}{self.path}"


def check_order(urls, envelopes):
    """Per task: the outbox (commit) order agrees with occurred_at, and each KGU's inbox
    lists the task's items in that order. Returns the number of tasks checked."""
    by_task = defaultdict(list)
    for envelope in envelopes:  # outbox order
        by_task[envelope["data"]["task_id"]].append(envelope)
    for task, events in by_task.items():
        times = [e["occurred_at"] for e in events]
        assert times == sorted(times), f"task {task}: outbox order is not occurred_at order"
    wanted = {e["id"]: (e["data"]["task_id"], n)
              for events in by_task.values() for n, e in enumerate(events)}
    listed = defaultdict(list)  # (org unit, task) -> positions, as the inbox lists them
    for event_id, unit in query(urls["notifications"],
                                "SELECT event_id, org_unit_id FROM inbox_items WHERE "
                                "event_type = 'task_assigned' ORDER BY occurred_at, id"):
        if event_id in wanted:
            task, position = wanted[event_id]
            listed[(unit, task)].append(position)
    for key, positions in listed.items():
        assert positions == sorted(positions), f"inbox {key}: items out of event order"
    return len(by_task)


def phase(platform, replicas, pairs, args, measured):
    """The loads with ``replicas`` of each scaled component; returns the figures."""
    bases = gateways(platform, replicas)
    fresh = Spread(bases, "/tasks?limit=50")
    headers = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json",
               "Cache-Control": "no-cache"}
    common.http_load(fresh.read, args.clients, 1, headers=headers)
    reads = common.cpu_per_request(measured, lambda: common.http_load(fresh.read, args.clients,
                                                        args.seconds, headers=headers))
    notifications = list(("notifications", "notifications-b")[:replicas])
    for name in notifications:  # their events wait in the queue meanwhile
        platform.kill(name, sig=15)
    before = {e["id"] for e in outbox_events(platform.urls["projects"], "task_assigned")}
    assign = common.Assignments(bases, pairs)
    running = {name: pid for name, pid in measured.items() if name not in notifications}
    writes = common.cpu_per_request(running, lambda: common.http_load(
        assign.url, args.clients, args.seconds, "POST", headers, assign.body,
        expect=201))
    wait_until(lambda: unpublished(platform.urls["projects"]) == 0, 120,
               "the projects outbox to empty")
    envelopes = [e for e in outbox_events(platform.urls["projects"], "task_assigned")
                 if e["id"] not in before]
    wanted = {e["id"] for e in envelopes}

    def received():
        return [row for row in query(
            platform.urls["notifications"], "SELECT event_id, received_at FROM received_events "
            "WHERE type = 'task_assigned'") if row[0] in wanted]

    started = {}
    for name in notifications:
        component, _, replica = name.partition("-")
        started[name] = platform.start(component, replica=replica or None).pid
    # the drain is timed from the first event taken in (process start-up left out) by
    # the notifications database's own received_at stamps; CPU from that moment too
    first = wait_until(lambda: len(received()), 300, "a first event taken in", interval=0.05)
    cpu_before = {name: common.cpu_seconds(pid) for name, pid in started.items()}
    wait_until(lambda: len(received()) == len(wanted), 600,
               "notifications to take in the assignments", interval=0.1)
    cpu = {name: common.cpu_seconds(pid) - cpu_before[name] for name, pid in started.items()}
    stamps = sorted(at for _, at in received())
    drained = (stamps[-1] - stamps[0]).total_seconds()
    platform.wait_serving(*notifications, timeout=120)
    items = assert_settled(platform, envelopes, timeout=120)
    tasks = check_order(platform.urls, envelopes)
    return {"reads": reads, "writes": writes, "events": len(envelopes), "drained_s": drained,
            "drain_cpu_ms": {n: s * 1000 / max(1, len(envelopes) - first)
                             for n, s in cpu.items()},
            "items": items, "tasks": tasks}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    broker = common.broker_pid()
    with common.vhost() as amqp_uri, tempfile.TemporaryDirectory() as folder, databases() as urls:
        platform = harness.prepare(
            amqp_uri, Path(folder), urls, KELISIM_ADMIN_TOKEN=ADMIN, KELISIM_MAX_WORKERS="10",
            KELISIM_DB_POOL_SIZE="3", KELISIM_DB_MAX_OVERFLOW="2", KELISIM_RPC_TIMEOUT="120")
        try:
            subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", "prepare"], cwd=ROOT,
                           env=platform.env, check=True, capture_output=True, timeout=300)
            for component in COMPONENTS:
                platform.start(component)
            platform.wait_serving(*COMPONENTS, timeout=180)
            base = gateways(platform, 1)[0]
            made = call(base, "POST", "/projects/mediation/rollouts",
                        {"year": 2026, "regions": list(REGIONS)})
            rollout = outbox_events(urls["projects"], "task_assigned")
            assert_settled(platform, rollout, timeout=600)
            kgu = call(base, "GET", "/regions/KZ-61/kgu")["org_unit"]["id"]
            people = [call(base, "POST", "/people", {"full_name": f"Орындаушы {n}",
                                                     "org_unit_id": kgu})["id"]
                      for n in range(120)]
            tasks = [t for t in call(base, "GET", "/tasks?region=KZ-61&limit=200")["items"]
                     if t["kind"] != "phase"]
            pairs = [(t["id"], role, p) for p in people for role in ("R", "C", "I")
                     for t in tasks]
            print(f"PostgreSQL, {made['tasks']} tasks rolled out; {os.cpu_count()} cores; "
                  f"load average {open('/proc/loadavg').read().strip()}", flush=True)
            extra = {"rabbitmq": broker} if broker else {}
            extra["postgresql"] = common.PostgresCpu(url.rsplit("/", 1)[1] for url in urls.values())
            one = phase(platform, 1, pairs[:len(pairs) // 2], args,
                        dict(pids_of(platform, 1), **extra))
            print("one replica each: done", flush=True)
            for component in SCALED:
                platform.start(component, replica="b")
            platform.wait_serving(*(f"{c}-b" for c in SCALED), timeout=180)
            two = phase(platform, 2, pairs[len(pairs) // 2:], args,
                        dict(pids_of(platform, 2), **extra))
        finally:
            platform.stop_all()

    print(f"\n{args.clients} clients, {args.seconds:g} s each; replicas of projects, "
          f"notifications and the gateway (registry and reports: one)")
    print(f"{'':<52}{'1 replica':>12}{'2 replicas':>12}{'ratio':>8}")
    rows = [("uncached GET /tasks?limit=50, req/s", one["reads"]["per_s"],
             two["reads"]["per_s"]),
            ("  p99 ms", one["reads"]["p99_ms"], two["reads"]["p99_ms"]),
            ("POST /tasks/{id}/assignments, req/s", one["writes"]["per_s"],
             two["writes"]["per_s"]),
            ("  p99 ms", one["writes"]["p99_ms"], two["writes"]["p99_ms"]),
            ("task_assigned backlog drained by notifications, /s",
             one["events"] / one["drained_s"], two["events"] / two["drained_s"])]
    for label, a, b in rows:
        print(f"{label:<52}{a:>12.1f}{b:>12.1f}{b / a:>8.2f}")
    for label, result in (("1 replica", one), ("2 replicas", two)):
        errors = result["reads"]["errors"] + result["writes"]["errors"]
        print(f"{label}: {result['events']} events in {result['drained_s']:.2f} s, "
              f"{result['items']} inbox items each exactly once, per-task order held for "
              f"{result['tasks']} tasks, {errors} request errors")
        print("  CPU ms per uncached read: " + ", ".join(
            f"{n} {v:.2f}" for n, v in result["reads"]["cpu_ms"].items() if v >= 0.005))
        print("  CPU ms per assignment: " + ", ".join(
            f"{n} {v:.2f}" for n, v in result["writes"]["cpu_ms"].items() if v >= 0.005))
        print("  CPU ms per event drained: " + ", ".join(
            f"{n} {v:.2f}" for n, v in result["drain_cpu_ms"].items()))
    print(f"load average at the end: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
