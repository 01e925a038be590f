"""Gateway throughput and every component's memory, with the platform running as `make run`
starts it (`kelisim run`: registry, projects, reports, notifications, gateway; one process
each, SQLite, on a throw-away vhost), beside bare nameko baselines measured in the same run
by the same client (bench/baselines.py).

- read: ``GET /api/v1/tasks?limit=50`` (a page of 50 of the 683 tasks of mediation rolled
  out to the 20 regions) by ``--clients`` concurrent keep-alive clients, in each of the
  rounds below beside bare nameko HTTP; targets: at least 300 requests/s and at least
  half of bare nameko HTTP (the medians over the rounds); then the same
  with ``Cache-Control: no-cache``, every read answered by the projects service; target
  (issue 17): at least 70 % of bare nameko HTTP + one RPC hop. Beside it, the floor of the
  same work: the bare hop answering this very page (fetched from the platform first), with
  nameko's stock JSON and with orjson as kelisim's components (``http_rpc_payload``),
  and the bare hop reading that page from a copy of projects' SQLite database on every call
  by plain sqlite3 (projects' four statements, no ORM; checked to be the platform's page);
- write: ``POST /api/v1/people`` (registry: row, audit, outbox event; to the KGU of
  another region than KZ-61's: a KGU's people are its contacts, notified of each event of
  its region, and the thousands this load makes would turn each later assignment of KZ-61
  into a notification of all of them, where a KGU has tens of staff),
  ``POST /api/v1/plans/{id}/risks`` (projects: row, history, maybe an event) and
  ``POST /api/v1/tasks/{id}/assignments`` (projects: row, history, task_assigned event,
  consumed by notifications), the same way; target (issue 17): each at least 50 % of bare
  nameko HTTP + one RPC hop. Beside them, the floor of each write's shape: bare nameko's
  chain (``chain_load``) loaded the same way, HTTP -> RPC + event -> handler (a person's,
  a risk's, and an assignment's: projects asks the registry for a person the first time
  only, and keeps the answer until the registry's next event); and the floor of an
  assignment's whole messaging and commits on bare nameko: the same chain with a SQLite
  commit at each end (the assignment and its outbox row; the inbox row), the event heard
  by the front too (the gateway's read-cache feed, a worker and an ack each) and
  republished by the handler, confirmed (notifications' regional stream). A person write
  does the same but its event is heard by two feeds without a worker (projects' and
  notifications' directories), and outruns this chain: not its floor;
- rounds: the cached page and bare HTTP, the bare hop, the floors and the platform's
  loads that the targets (issue 17) compare with it are measured in ``--rounds`` rounds
  (3) of ``--round-seconds`` (5 s) each, one after the other in each round, and each
  target is judged by the median over the rounds of its share of its baseline measured
  in the same round: this machine's speed drifts within a run, by a third between loads
  minutes apart (bench/README.md), so a baseline measured once at the start made every
  ratio a matter of when it was taken. Each round begins with the cached page and bare
  HTTP side by side, which of the two first alternating from round to round; then the
  hop, then the other baselines and the platform's loads, which of the two first
  alternating too; a pure-Python loop timed before and after each round shows how the
  machine's speed moved;
- CPU: each component's CPU milliseconds per request of each load (``/proc/<pid>/stat``
  utime + stime), the baselines' and the RabbitMQ node's too, and per event of the
  rollout (the capacity table of bench/README.md is made from these);
- memory: resident memory of each component idle (after set-up, events consumed) and its
  peak under the loads above; target under 150 MB each.

``--postgres`` puts every component's database on a throw-away database of the local
PostgreSQL instead of SQLite files (as deploy/kubernetes runs them).

    .venv/bin/python bench/load_gateway.py [--seconds 10] [--clients 16] [--postgres]
        [--rounds 3] [--round-seconds 5]
"""
import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baselines  # noqa: E402
from load_common import (  # noqa: E402
    Assignments,
    MemoryWatch,
    PostgresCpu,
    broker_pid,
    component_databases,
    cpu_per_request,
    cpu_seconds,
    http_load,
    kelisim_run,
    machine_speed_ms,
    machine_times,
    platform_env,
    rss_mb,
    steal_share,
    vhost,
    wait_http,
)

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "bench-admin-" + uuid.uuid4().hex
API = "/api/v1"
COMPONENTS = ("registry", "projects", "reports", "notifications", "gateway")
TARGET_READS, TARGET_RSS_MB = 300.0, 150.0
TARGET_CACHED = 0.50  # of bare nameko HTTP
TARGET_UNCACHED, TARGET_WRITES = 0.70, 0.50  # of bare nameko HTTP + one RPC hop
# KZ-61's 28 tasks and milestones (its 34 less 6 phases) x roles R, C, I x these: 8 400
# distinct assignments, 560/s over the 15 s of three rounds (60 ran out at 340/s)
PEOPLE_TO_ASSIGN = 100
ASSIGNING_SECONDS = 20.0  # the assignment loads of all rounds together, at most
PEOPLE_REGION = "KZ-10"  # the KGU the person writes add people to (not KZ-61's, see main)
# an assignment's messages and commits: the write and its outbox row committed, the event
# published confirmed, taken in by a handler that commits and republishes it confirmed
# (notifications' intake and regional stream), heard by the front's worker too (the
# gateway's read cache)
WHOLE = ("the same chain, a SQLite commit at each end, the event heard by the front too, "
         "republished by the handler")


@contextmanager
def databases(postgres):
    """{component: database URL}: empty (SQLite files in the data directory) or a
    throw-away PostgreSQL database each, dropped afterwards."""
    if not postgres:
        yield {}
        return
    with component_databases(COMPONENTS) as urls:
        yield urls


def received(data_dir, urls, event_type):
    """How many events of ``event_type`` the notifications database has taken in."""
    sql = f"SELECT count(*) FROM received_events WHERE type = '{event_type}'"
    if "notifications" in urls:
        import psycopg2

        conn = psycopg2.connect(urls["notifications"])
    else:
        conn = sqlite3.connect(Path(data_dir) / "notifications.db", timeout=10)
    try:
        cursor = conn.cursor()
        cursor.execute(sql)
        return cursor.fetchone()[0]
    finally:
        conn.close()


@contextmanager
def platform(amqp_uri, data_dir, urls=None):
    """`kelisim run` in its own process group (on the databases ``urls`` names, else
    SQLite); yields (base URL, {component: pid})."""
    env = platform_env(amqp_uri, data_dir, ADMIN)
    for component, url in (urls or {}).items():
        env[f"KELISIM_{component.upper()}_DATABASE_URL"] = url
    if urls:  # at most 5 x 8 connections: PostgreSQL's 100 are shared with other suites
        env.update(KELISIM_DB_POOL_SIZE="5", KELISIM_DB_MAX_OVERFLOW="3")
    with kelisim_run(env, data_dir) as (proc, base):
        wait_http(f"{base}/health", timeout=120)
        while _get(base, "/health")[0] != 200:
            time.sleep(0.5)
        yield base, _children(proc.pid)


def _children(pid):
    """{component: pid} of the launcher's `kelisim_platform.cli.serve COMPONENT` children."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[1]) == pid and b"kelisim_platform.cli.serve" in cmdline:
            found[cmdline[cmdline.index(b"kelisim_platform.cli.serve") + 1].decode()] = int(entry.name)
    assert set(found) == set(COMPONENTS), found
    return found


def _call(base, method, path, body=None):
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    headers = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, (json.loads(data) if data else None)


def _get(base, path):
    return _call(base, "GET", path)


def set_up(base, data_dir, pids, urls=None):
    """Mediation rolled out to the 20 regions; returns (the rollout's answer, a plan id, a
    KGU id, {component: CPU ms per task_assigned event over the rollout}) once every
    task_assigned event is in the notifications database."""
    before = {name: _cpu(pid) for name, pid in pids.items()}
    status, made = _call(base, "POST", f"{API}/projects/mediation/rollouts",
                         {"year": 2026, "regions": "all"})
    assert status == 201, made
    wanted = made["assignments"]
    deadline = time.time() + 180
    while received(data_dir, urls or {}, "task_assigned") < wanted:
        assert time.time() < deadline, "the rollout's events were not consumed"
        time.sleep(0.2)
    per_event = {name: (_cpu(pid) - before[name]) * 1000 / wanted
                 for name, pid in pids.items()}
    time.sleep(3)  # let the stream, gauges and caches settle
    kgu = _get(base, f"{API}/regions/KZ-61/kgu")[1]["org_unit"]["id"]
    plan = _get(base, f"{API}/plans?region=KZ-61")[1]["items"][0]["id"]
    return made, plan, kgu, per_event


def copy_of(database):
    """A consistent copy of a SQLite database beside it (``kelisim backup``'s online copy);
    its path."""
    from kelisim_platform.backup import online_copy

    copy = database.with_name(f"{database.stem}-copy.db")
    online_copy(database, copy)
    return copy


def _cpu(source):
    return source() if callable(source) else cpu_seconds(source)


def assignment_pairs(base, kgu):
    """Distinct (task id, role, person id) of KZ-61 to assign, people made for it."""
    people = [_call(base, "POST", f"{API}/people", {"full_name": f"Орындаушы {n}",
                                                   "org_unit_id": kgu})[1]["id"]
              for n in range(PEOPLE_TO_ASSIGN)]
    tasks = _get(base, f"{API}/tasks?region=KZ-61&limit=200")[1]["items"]
    return [(task["id"], role, person) for person in people for role in ("R", "C", "I")
            for task in tasks if task["kind"] != "phase"]


def line(label, result, baseline=None, hop=None, floor=None):
    """One row: requests/s, p50, p99, and the share of each baseline given (``floor``:
    the bare hop answering the same page)."""
    extra = f"   ({result['errors']} errors: {result['error_samples'][:1]})" \
        if result["errors"] else ""
    ratios = [f"{result['per_s'] / of['per_s']:.0%} of {name}" for name, of in (
        ("bare", baseline), ("bare + hop", hop), ("bare + hop with the page", floor)) if of]
    ratio = f"  = {', '.join(ratios)}" if ratios else ""
    steal = f"{result['steal']:>7.0%}" if "steal" in result else f"{'':>7}"
    print(f"{label:<48}{result['per_s']:>9.0f}/s{result['p50_ms']:>9.1f}{result['p99_ms']:>9.1f}"
          f"{steal}{ratio}{extra}", flush=True)


def mean_cpu(results):
    """{process: CPU ms per request} averaged over ``results`` (one load's rounds)."""
    names = results[0]["cpu_ms"]
    return {name: sum(r["cpu_ms"][name] for r in results) / len(results) for name in names}


def judge(label, rounds, name, of, target, floor=False, work=None,
          of_label="bare HTTP + one RPC hop", at_least=None):
    """One target's line: the share of ``rounds``' load ``name`` in the load ``of`` (a
    baseline: the bare hop, or bare HTTP; called ``of_label``) of the same round, each
    round's and their median, against ``target``, and, given ``at_least`` (requests/s),
    the median of ``name``'s requests/s against it too; a ``floor`` (bare nameko doing
    ``work``'s work) says whether the target is within what it does, and how much of it
    ``work`` reached; NOT MEASURED, with the errors, when a round's ``name``, ``of`` or
    ``work`` load had any."""
    failed = [f"round {n}: {key} {m[key]['errors']} errors ({m[key]['error_samples'][0]!r})"
              for n, m in enumerate(rounds, 1) for key in (name, of, work)
              if key and m[key].get("errors")]
    if failed:  # a load that failed measured nothing: no median hides it
        print(f"{'target: ' if not floor else ''}{label} -> NOT MEASURED: {'; '.join(failed)}")
        return
    shares = [m[name]["per_s"] / m[of]["per_s"] for m in rounds]
    middle = statistics.median(shares)
    each = ", ".join(f"{share:.0%}" for share in shares)
    if not floor:
        rate, meets = "", middle >= target
        if at_least is not None:
            per_s = statistics.median(m[name]["per_s"] for m in rounds)
            rate = f" and >= {at_least:g}/s (median {per_s:.0f}/s)"
            meets = meets and per_s >= at_least
        print(f"target: {label} >= {target:.0%} of {of_label}{rate} -> "
              f"{'meets' if meets else 'MISSES'} (median {middle:.0%}; rounds {each})")
        return
    reached = statistics.median(m[work]["per_s"] / m[name]["per_s"] for m in rounds)
    print(f"{label}: median {middle:.0%} of the bare hop (rounds {each}) -> "
          f"{target:.0%} is {'within' if middle >= target else 'BEYOND'} what bare nameko does "
          f"with it; the platform's is {reached:.0%} of it")


def cpu_line(label, result):
    return f"{label} " + ", ".join(f"{name} {ms:.2f}" for name, ms in result["cpu_ms"].items()
                                   if ms >= 0.005)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the cached page and bare HTTP, the hop, the floors, the "
                             "uncached page and the writes, each beside the others")
    parser.add_argument("--round-seconds", type=float, default=5.0)
    parser.add_argument("--postgres", action="store_true",
                        help="every database on the local PostgreSQL, not SQLite")
    args = parser.parse_args()
    auth = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
    broker = broker_pid()
    machine = machine_times()
    store = "PostgreSQL" if args.postgres else "SQLite"
    with vhost() as amqp_uri, tempfile.TemporaryDirectory() as data_dir, \
            databases(args.postgres) as urls:
        with platform(amqp_uri, data_dir, urls) as (base, pids):
            measured = dict(pids, rabbitmq=broker) if broker else dict(pids)
            if urls:  # PostgreSQL's backends serving the five databases
                measured["postgresql"] = PostgresCpu(url.rsplit("/", 1)[1]
                                                     for url in urls.values())
            made, plan, kgu, per_event = set_up(base, data_dir, measured, urls)
            print(f"kelisim run: 5 processes, {store}; mediation rolled out: {made['tasks']} tasks, "
                  f"{made['assignments']} task_assigned events consumed; {os.cpu_count()} cores, "
                  f"load average {os.getloadavg()[0]:.1f} "
                  f"({open('/proc/loadavg').read().strip()})", flush=True)
            pairs = assignment_pairs(base, kgu)
            print(f"{len(pairs)} distinct assignments to make", flush=True)
            idle = {name: rss_mb(pid) for name, pid in pids.items()}
            extra = {"rabbitmq": broker} if broker else {}
            page_path = f"{API}/tasks?limit=50"  # the page every read load asks for
            tasks = base + page_path
            page = _get(base, page_path)[1]
            stock = baselines.http_rpc_payload(amqp_uri, args.clients, args.seconds, page,
                                               False, extra)
            echo = baselines.measured("rpc", amqp_uri)
            events = baselines.measured("events", amqp_uri)
            assign = Assignments([base], pairs)
            staff = _get(base, f"{API}/regions/{PEOPLE_REGION}/kgu")[1]["org_unit"]["id"]
            seconds = args.round_seconds
            loads = {  # the platform's loads of each round
                "fresh": lambda: http_load(
                    tasks, args.clients, seconds,
                    headers=dict(auth, **{"Cache-Control": "no-cache"})),
                # the thousands of people this load makes go to another region's KGU: in
                # KZ-61's every later event of KZ-61 (the assignments) would notify them all
                "people": lambda: http_load(
                    f"{base}{API}/people", args.clients, seconds, "POST", auth,
                    lambda c, n: json.dumps({"full_name": f"Bench {c}-{n}-{uuid.uuid4().hex[:6]}",
                                             "org_unit_id": staff}), expect=201),
                "risks": lambda: http_load(
                    f"{base}{API}/plans/{plan}/risks", args.clients, seconds, "POST", auth,
                    lambda c, n: json.dumps({"title": f"Тәуекел {c}-{n}", "probability": 2,
                                             "impact": 2}), expect=201),
                # at most 20 s in all: the distinct pairs are counted for 560/s (above)
                "assigned": lambda: http_load(assign.url, args.clients,
                                              min(seconds, ASSIGNING_SECONDS / args.rounds),
                                              "POST", auth, assign.body, expect=201),
            }
            rounds = []
            with MemoryWatch(pids) as memory, \
                    baselines.http_bare(amqp_uri, args.clients) as bare_load, \
                    baselines.rpc_hop(amqp_uri, args.clients) as hop_load:
                http_load(tasks, args.clients, 1, headers=auth)
                single = http_load(tasks, 1, args.seconds / 2, headers=auth)
                # the cached page and bare HTTP side by side in each round, which of the
                # two first alternating: one measurement of each, 40 s apart, gave a share
                # that the machine's drift between them decided (46-75 %, bench/README.md)
                side_by_side = (
                    ("hello", lambda: bare_load(args.clients, seconds)),
                    ("cached", partial(cpu_per_request, measured, lambda: http_load(
                        tasks, args.clients, seconds, headers=auth))))
                # each target beside the bare hop and the floors measured minutes apart
                # at most: this machine's speed drifts within a run (bench/README.md)
                bare = {  # the baselines of each round
                    "fast": lambda: baselines.http_rpc_payload(
                        amqp_uri, args.clients, seconds, page, True, extra),
                    **({} if urls else {"read": lambda: baselines.http_rpc_payload(
                        amqp_uri, args.clients, seconds, fast_json=True, extra_pids=extra,
                        database=copy_of(Path(data_dir) / "projects.db"))}),
                    "floor": lambda: baselines.chain_load(amqp_uri, args.clients, seconds, 1,
                                                          extra),
                    "whole": lambda: baselines.chain_load(
                        amqp_uri, args.clients, seconds, 1, extra, durable=True, whole=True),
                }
                platform_loads = {name: partial(cpu_per_request, measured, load)
                                  for name, load in loads.items()}
                for number in range(args.rounds):
                    # the cached page and bare HTTP, then the bare hop; then the baselines
                    # and the platform: each pair in turn first (a machine slowing down
                    # within a round favours neither side)
                    order = 1 if number % 2 == 0 else -1  # which of each pair goes first
                    measures = {"speed_ms": machine_speed_ms()}
                    for name, load in side_by_side[::order]:
                        measures[name] = load()
                    measures["hop"] = hop_load(args.clients, seconds, extra)
                    for group in (bare, platform_loads)[::order]:
                        for name, load in group.items():
                            measures[name] = load()
                    measures["speed_after_ms"] = machine_speed_ms()
                    rounds.append(measures)
            after = {name: rss_mb(pid) for name, pid in pids.items()}

    print(f"\n{args.clients} concurrent clients{'':<20}{'req/s':>10}"
          f"{'p50 ms':>9}{'p99 ms':>9}{'steal':>7}")
    print(f"before the rounds, {args.seconds:g} s:")
    line("baseline: bare + hop with the page, stock JSON", stock)
    print(f"before the rounds, {args.seconds / 2:g} s:")
    line("GET /api/v1/tasks?limit=50, one client alone", single)
    for number, measures in enumerate(rounds, 1):
        hop, hello = measures["hop"], measures["hello"]
        print(f"round {number} of {len(rounds)}, {seconds:g} s each (bare HTTP "
              f"{'before' if number % 2 else 'after'} the cached page, then the hop; the "
              f"baselines {'first' if number % 2 else 'after the platform'}; a loop of 10^6 "
              f"additions {measures['speed_ms']:.0f} ms before, "
              f"{measures['speed_after_ms']:.0f} ms after)")
        line("baseline: bare nameko HTTP GET /hello", hello)
        line("GET /api/v1/tasks?limit=50 (page of 50)", measures["cached"], hello)
        line("baseline: bare nameko HTTP + one RPC hop", hop, hello)
        line("baseline: bare + hop with the page, orjson", measures["fast"], hop=hop)
        if "read" in measures:
            line("baseline: bare + hop reading the page (sqlite3)", measures["read"], hop=hop)
        line("baseline: bare chain, HTTP -> RPC + event", measures["floor"], hop=hop)
        line("baseline: the same, an assignment's whole", measures["whole"], hop=hop)
        line("  GET /api/v1/tasks?limit=50, no-cache", measures["fresh"], hello, hop,
             measures["fast"])
        line("POST /api/v1/people (registry write)", measures["people"], hello, hop)
        line("POST /api/v1/plans/{id}/risks (projects write)", measures["risks"], hello, hop)
        line("POST /api/v1/tasks/{id}/assignments (event)", measures["assigned"], hello, hop)
    print(f"baseline: bare nameko RPC echo p50 {echo['p50_ms']:.2f} ms, p99 {echo['p99_ms']:.2f} "
          f"ms; bare event dispatch at {events['rate']:g}/s p50 {events['p50_ms']:.2f} ms, "
          f"p99 {events['p99_ms']:.2f} ms")
    averaged = {name: {"cpu_ms": mean_cpu([m[name] for m in rounds])} for name in rounds[0]
                if isinstance(rounds[0][name], dict)}
    print("CPU ms per request (the rounds' mean):", "; ".join(cpu_line(label, result) for label, result in (
        ("bare HTTP", averaged["hello"]), ("bare HTTP + hop", averaged["hop"]),
        ("bare chain, one hop + event", averaged["floor"]),
        ("bare chain, an assignment's whole", averaged["whole"]),
        ("bare + hop with the page, stock JSON", stock),
        ("bare + hop with the page, orjson", averaged["fast"]),
        *([("bare + hop reading the page", averaged["read"])] if "read" in averaged else []),
        ("read", averaged["cached"]), ("uncached read", averaged["fresh"]),
        ("person", averaged["people"]),
        ("risk", averaged["risks"]), ("assignment", averaged["assigned"]))))
    print("CPU ms per task_assigned event of the rollout (writing, relaying, consuming):",
          ", ".join(f"{name} {ms:.2f}" for name, ms in per_event.items()))
    print("each target below by the median of its rounds' shares of the baseline measured "
          "in the same round")
    judge("reads", rounds, "cached", "hello", TARGET_CACHED, of_label="bare HTTP",
          at_least=TARGET_READS)
    judge("uncached read", rounds, "fresh", "hop", TARGET_UNCACHED)
    judge("  bare nameko answering this page (orjson)", rounds, "fast", "hop", TARGET_UNCACHED,
          floor=True, work="fresh")
    if "read" in rounds[0]:
        same = ("the same page" if all(m["read"]["answer"] == page for m in rounds)
                else "A PAGE NOT THE PLATFORM'S")
        judge("  bare nameko reading this page from its database on each call (plain sqlite3, "
              f"projects' four statements, {same})", rounds, "read", "hop", TARGET_UNCACHED,
              floor=True, work="fresh")
    for label, name in (("person write", "people"), ("risk write", "risks"),
                        ("assignment write", "assigned")):
        judge(label, rounds, name, "hop", TARGET_WRITES)
        judge("  its shape on bare nameko (1 hop + event)", rounds, "floor", "hop",
              TARGET_WRITES, floor=True, work=name)
        if name == "assigned":  # (a person write outruns it: no worker hears its event)
            judge(f"  its whole shape on bare nameko ({WHOLE})", rounds, "whole", "hop",
                  TARGET_WRITES, floor=True, work=name)

    print(f"\n{'resident memory, MiB':<24}{'idle':>8}{'peak under load':>17}{'after':>8}")
    for name in COMPONENTS:
        print(f"{name:<24}{idle[name]:>8.1f}{memory.peak[name]:>17.1f}{after[name]:>8.1f}")
    worst = max(memory.peak.values())
    print(f"target: under {TARGET_RSS_MB:g} MB each -> "
          f"{'meets' if worst < TARGET_RSS_MB else 'MISSES'} (largest {worst:.1f})")
    print(f"load average at the end: {open('/proc/loadavg').read().strip()}; the hypervisor "
          f"took {steal_share(machine, machine_times()):.0%} of the cores' time over the run")


if __name__ == "__main__":
    main()
