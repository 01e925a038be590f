"""Gateway throughput and every component's memory, with the platform running as `make run`
starts it (`kelisim run`: registry, projects, reports, notifications, gateway; one process
each, SQLite, on a throw-away vhost), beside bare nameko baselines measured in the same run
by the same client (bench/baselines.py).

- read: ``GET /api/v1/tasks?limit=50`` (a page of 50 of the 683 tasks of mediation rolled
  out to the 20 regions) by ``--clients`` concurrent keep-alive clients for ``--seconds``;
  targets: at least 300 requests/s and at least half of bare nameko HTTP; then the same
  with ``Cache-Control: no-cache``, every read answered by the projects service;
- write: ``POST /api/v1/people`` (registry: row, audit, outbox event) and
  ``POST /api/v1/plans/{id}/risks`` (projects: row, history, maybe an event), the same way;
- memory: resident memory of each component idle (after set-up, events consumed) and its
  peak under the loads above; target under 150 MB each.

    .venv/bin/python bench/load_gateway.py [--seconds 10] [--clients 16]
"""
import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baselines  # noqa: E402
from load_common import (  # noqa: E402
    MemoryWatch, cpu_per_request, free_port, http_load, rss_mb, vhost, wait_http)

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "bench-admin-" + uuid.uuid4().hex
API = "/api/v1"
COMPONENTS = ("registry", "projects", "reports", "notifications", "gateway")
TARGET_READS, TARGET_RSS_MB = 300.0, 150.0


@contextmanager
def platform(amqp_uri, data_dir):
    """`kelisim run` in its own process group; yields (base URL, {component: pid})."""
    env = dict(os.environ, KELISIM_AMQP_URI=amqp_uri, KELISIM_DATA_DIR=str(data_dir),
               KELISIM_GATEWAY_ADDRESS=f"127.0.0.1:{free_port()}",
               KELISIM_ADMIN_TOKEN=ADMIN, KELISIM_LOG_LEVEL="WARNING")
    for service in COMPONENTS[:-1]:
        env[f"KELISIM_{service.upper()}_METRICS_PORT"] = str(free_port())
    env.pop("KELISIM_SMTP_HOST", None)
    log = open(Path(data_dir) / "platform.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "kelisim.cli.main", "run"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://{env['KELISIM_GATEWAY_ADDRESS']}"
    try:
        wait_http(f"{base}/health", timeout=120)
        while _get(base, "/health")[0] != 200:
            time.sleep(0.5)
        yield base, _children(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _children(pid):
    """{component: pid} of the launcher's `kelisim.cli.serve COMPONENT` children."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[1]) == pid and b"kelisim.cli.serve" in cmdline:
            found[cmdline[cmdline.index(b"kelisim.cli.serve") + 1].decode()] = int(entry.name)
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


def set_up(base, data_dir):
    """Mediation rolled out to the 20 regions; returns (a plan id, a KGU id) once every
    task_assigned event is in the notifications database."""
    status, made = _call(base, "POST", f"{API}/projects/mediation/rollouts",
                         {"year": 2026, "regions": "all"})
    assert status == 201, made
    wanted = made["assignments"]
    notifications = sqlite3.connect(Path(data_dir) / "notifications.db", timeout=10)
    deadline = time.time() + 180
    while notifications.execute("SELECT count(*) FROM received_events WHERE "
                                "type = 'task_assigned'").fetchone()[0] < wanted:
        assert time.time() < deadline, "the rollout's events were not consumed"
        time.sleep(0.5)
    notifications.close()
    time.sleep(3)  # let the stream, gauges and caches settle
    kgu = _get(base, f"{API}/regions/KZ-61/kgu")[1]["org_unit"]["id"]
    plan = _get(base, f"{API}/plans?region=KZ-61")[1]["items"][0]["id"]
    return made, plan, kgu


def line(label, result, baseline=None):
    extra = f"   ({result['errors']} errors: {result['error_samples'][:1]})" \
        if result["errors"] else ""
    ratio = f"  = {result['per_s'] / baseline['per_s']:.0%} of bare" if baseline else ""
    print(f"{label:<48}{result['per_s']:>9.0f}/s{result['p50_ms']:>9.1f}{result['p99_ms']:>9.1f}"
          f"{ratio}{extra}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    auth = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
    with vhost() as amqp_uri, tempfile.TemporaryDirectory() as data_dir:
        with platform(amqp_uri, data_dir) as (base, pids):
            made, plan, kgu = set_up(base, data_dir)
            print(f"kelisim run: 5 processes, SQLite; mediation rolled out: {made['tasks']} tasks, "
                  f"{made['assignments']} task_assigned events consumed; {os.cpu_count()} cores, "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
            idle = {name: rss_mb(pid) for name, pid in pids.items()}
            hello = baselines.http_hello(amqp_uri, args.clients, args.seconds)
            hop = baselines.http_rpc_hello(amqp_uri, args.clients, args.seconds)
            echo = baselines.measured("rpc", amqp_uri)
            events = baselines.measured("events", amqp_uri)
            with MemoryWatch(pids) as memory:
                http_load(f"{base}{API}/tasks?limit=50", args.clients, 1, headers=auth)
                single = http_load(f"{base}{API}/tasks?limit=50", 1, args.seconds / 2,
                                   headers=auth)
                reads = cpu_per_request(pids, lambda: http_load(
                    f"{base}{API}/tasks?limit=50", args.clients, args.seconds, headers=auth))
                fresh = cpu_per_request(pids, lambda: http_load(
                    f"{base}{API}/tasks?limit=50", args.clients, args.seconds,
                    headers=dict(auth, **{"Cache-Control": "no-cache"})))
                people = cpu_per_request(pids, lambda: http_load(
                    f"{base}{API}/people", args.clients, args.seconds, "POST", auth,
                    lambda c, n: json.dumps({"full_name": f"Bench {c}-{n}-{uuid.uuid4().hex[:6]}",
                                             "org_unit_id": kgu}), expect=201))
                risks = cpu_per_request(pids, lambda: http_load(
                    f"{base}{API}/plans/{plan}/risks", args.clients, args.seconds, "POST", auth,
                    lambda c, n: json.dumps({"title": f"Тәуекел {c}-{n}", "probability": 2,
                                             "impact": 2}), expect=201))
            after = {name: rss_mb(pid) for name, pid in pids.items()}

    print(f"\n{args.clients} concurrent clients, {args.seconds:g} s each{'':<9}{'req/s':>10}"
          f"{'p50 ms':>9}{'p99 ms':>9}")
    line("baseline: bare nameko HTTP GET /hello", hello)
    line("baseline: bare nameko HTTP + one RPC hop", hop, hello)
    line("GET /api/v1/tasks?limit=50, one client alone", single)
    line("GET /api/v1/tasks?limit=50 (page of 50)", reads, hello)
    line("  the same with Cache-Control: no-cache", fresh, hello)
    line("POST /api/v1/people (registry write)", people, hello)
    line("POST /api/v1/plans/{id}/risks (projects write)", risks, hello)
    print(f"baseline: bare nameko RPC echo p50 {echo['p50_ms']:.2f} ms, p99 {echo['p99_ms']:.2f} "
          f"ms; bare event dispatch at {events['rate']:g}/s p50 {events['p50_ms']:.2f} ms, "
          f"p99 {events['p99_ms']:.2f} ms")
    print("CPU ms per request:", "; ".join(
        f"{label} " + ", ".join(f"{name} {ms:.1f}" for name, ms in result["cpu_ms"].items()
                                if ms >= 0.05)
        for label, result in (("read", reads), ("uncached read", fresh), ("person", people),
                              ("risk", risks))))
    meets = reads["per_s"] >= TARGET_READS and reads["per_s"] >= hello["per_s"] / 2
    print(f"target: reads >= {TARGET_READS:g}/s and >= half of bare HTTP "
          f"({hello['per_s'] / 2:.0f}/s) -> {'meets' if meets else 'MISSES'}")
    print(f"\n{'resident memory, MiB':<24}{'idle':>8}{'peak under load':>17}{'after':>8}")
    for name in COMPONENTS:
        print(f"{name:<24}{idle[name]:>8.1f}{memory.peak[name]:>17.1f}{after[name]:>8.1f}")
    worst = max(memory.peak.values())
    print(f"target: under {TARGET_RSS_MB:g} MB each -> "
          f"{'meets' if worst < TARGET_RSS_MB else 'MISSES'} (largest {worst:.1f})")


if __name__ == "__main__":
    main()
