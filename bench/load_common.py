"""What the benchmarks share: a throw-away vhost and PostgreSQL databases, the platform
started as `kelisim run` in its own process group, free ports, a closed-loop HTTP load of N
concurrent keep-alive clients (OS threads, no eventlet), events sent at a steady rate,
percentiles, resident memory. The local servers' admin commands are the tests' own
(tests/support.py)."""
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kelisim  # noqa: E402,F401  (quiets eventlet's deprecation notice before tests.support imports it)
from tests.support import free_port, pg_admin, rabbitmqctl, stop_group  # noqa: E402

RABBIT = "guest:guest@127.0.0.1:5672"
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
SERVICES = ("registry", "projects", "reports", "notifications")


@contextmanager
def vhost():
    name = f"kelisim-bench-{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        yield f"amqp://{RABBIT}/{name}"
    finally:
        rabbitmqctl("delete_vhost", name)


@contextmanager
def component_databases(components):
    """A throw-away PostgreSQL database per component, dropped (FORCE) afterwards; yields
    {component: URL}."""
    tag = uuid.uuid4().hex[:8]
    names = {c: f"kelisim_bench_{tag}_{c}" for c in components}
    for name in names.values():
        pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield {c: f"postgresql://postgres@127.0.0.1:5432/{n}" for c, n in names.items()}
    finally:
        for name in names.values():
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def platform_env(amqp_uri, data_dir, admin_token):
    """The environment of a benchmark's `kelisim run`: its vhost, data directory, a free
    gateway port, the admin token, each service's metrics on a free port, warnings only, no
    SMTP."""
    env = dict(os.environ, KELISIM_AMQP_URI=amqp_uri, KELISIM_DATA_DIR=str(data_dir),
               KELISIM_GATEWAY_ADDRESS=f"127.0.0.1:{free_port()}",
               KELISIM_ADMIN_TOKEN=admin_token, KELISIM_LOG_LEVEL="WARNING")
    for service in SERVICES:
        env[f"KELISIM_{service.upper()}_METRICS_PORT"] = str(free_port())
    env.pop("KELISIM_SMTP_HOST", None)
    return env


@contextmanager
def kelisim_run(env, data_dir):
    """`kelisim run` with ``env`` in its own process group, its output in
    ``data_dir``/platform.log; yields (the process, the gateway's base URL), not waiting
    for it. Stopped with SIGINT, killed if it has not ended 40 s later (stop_group)."""
    log = open(Path(data_dir) / "platform.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "kelisim_platform.cli.main", "run"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        yield proc, f"http://{env['KELISIM_GATEWAY_ADDRESS']}"
    finally:
        stop_group(proc, signal.SIGINT, 40)
        log.close()


class Assignments:
    """URL and body callables for http_load: each request POSTs a distinct RACI assignment
    ``(task id, role, person id)`` taken from ``pairs``; client n sends to
    ``bases[n % len(bases)]`` (gateway base URLs)."""

    def __init__(self, bases, pairs, api="/api/v1"):
        self.bases, self.api = bases, api
        self.pairs, self.lock, self.current = iter(pairs), threading.Lock(), {}

    def url(self, client, count):
        with self.lock:
            task, role, person = self.current[client] = next(self.pairs)
        return f"{self.bases[client % len(self.bases)]}{self.api}/tasks/{task}/assignments"

    def body(self, client, count):
        _task, role, person = self.current[client]
        return json.dumps({"role": role, "kind": "person", "id": person})


def send_paced(dispatch, source, event_type, rate, count, arrived, every=0.01, timeout=30):
    """Under eventlet: ``count`` events ``{"sent": unix time, "n": n}`` dispatched at
    ``rate`` per second, then waits (polling every ``every`` s, at most ``timeout`` s) until
    ``arrived()`` (how many were received) reaches ``count``."""
    import eventlet

    began = time.time()
    for n in range(count):
        eventlet.sleep(max(0.0, began + n / rate - time.time()))
        dispatch(source, event_type, {"sent": time.time(), "n": n})
    deadline = time.time() + timeout
    while arrived() < count and time.time() < deadline:
        eventlet.sleep(every)


def wait_http(url, timeout=60):
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request("GET", parts.path or "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def percentiles(values):
    """(p50, p99, max) in milliseconds of ``values`` in seconds."""
    ms = sorted(v * 1000 for v in values)
    if len(ms) < 2:
        return (ms[0], ms[0], ms[0]) if ms else (float("nan"),) * 3
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return cuts[49], cuts[98], ms[-1]


def http_load(url, clients, seconds, method="GET", headers=None, body=None, expect=200):
    """``clients`` keep-alive connections, each sending its next request as soon as the
    last was answered, for ``seconds``. ``url``, ``body`` may be callables of the client's
    number and request count (for writes that must differ); one raising StopIteration (its
    distinct writes used up) ends that client, an error, its answered requests kept.
    Returns requests/s, p50/p99 ms, errors and a sample of them."""
    latencies, errors, samples = [], [0], []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def failed(sample):
        with lock:
            errors[0] += 1
            if len(samples) < 3:
                samples.append(sample)

    def client(number):
        conn, mine, count = None, [], 0
        while time.monotonic() < stop_at:
            try:
                target = urlsplit(url(number, count) if callable(url) else url)
                payload = body(number, count) if callable(body) else body
            except StopIteration:  # not a silent dead thread: the load's figure is not one
                failed(b"its distinct requests ran out")
                break
            count += 1
            if conn is None:
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            started = time.perf_counter()
            try:
                path = target.path + (f"?{target.query}" if target.query else "")
                conn.request(method, path, body=payload, headers=headers or {})
                response = conn.getresponse()
                data = response.read()
                ok = response.status == expect
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn, ok, data = None, False, repr(exc).encode()
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed(data[:200])
        with lock:
            latencies.extend(mine)
        if conn is not None:
            conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - began
    p50, p99, top = percentiles(latencies)
    return {"per_s": len(latencies) / took, "p50_ms": p50, "p99_ms": p99, "max_ms": top,
            "ok": len(latencies), "errors": errors[0], "error_samples": samples}


def cpu_seconds(pid):
    """User plus system CPU time a process has used, in seconds."""
    import os

    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_of(source):
    """CPU seconds of a pid, or what a callable (a group of processes) returns."""
    return source() if callable(source) else cpu_seconds(source)


def machine_speed_ms(additions=1_000_000):
    """Milliseconds a pure-Python loop of ``additions`` takes (the best of three): the
    machine's speed at this moment, to show it drifting within a run."""
    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for number in range(additions):
            total += number
        best = min(best, time.perf_counter() - started)
    return best * 1000


def machine_times():
    """This machine's CPU time so far, all cores, from /proc/stat's ``cpu`` line:
    ``(steal, total)`` in clock ticks. *Steal* is the time the hypervisor ran something
    else while a virtual core of this machine had work (``st`` in ``vmstat``)."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    steal = ticks[7] if len(ticks) > 7 else 0
    return steal, sum(ticks[:8])


def steal_share(before, after):
    """The share of the machine's CPU time the hypervisor took between two
    :func:`machine_times` readings (0.0 to 1.0): a load measured while it took a tenth
    ran on nine tenths of the cores the baselines may have had."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total > 0 else 0.0


def cpu_per_request(pids, run):
    """``run()`` (a load returning a dict with ``ok``), plus ``cpu_ms``: each process's CPU
    milliseconds per successful request during it, and ``steal``: the share of the
    machine's CPU the hypervisor took meanwhile (:func:`steal_share`). ``pids`` maps a
    name to a pid or to a callable giving the CPU seconds of a group of processes (see
    ``postgres_cpu``)."""
    before = {name: _cpu_of(pid) for name, pid in pids.items()}
    machine = machine_times()
    result = run()
    result["steal"] = steal_share(machine, machine_times())
    after = {name: _cpu_of(pid) for name, pid in pids.items()}
    result["cpu_ms"] = {name: (after[name] - before[name]) * 1000 / max(1, result["ok"])
                        for name in pids}
    return result


def rss_mb(pid):
    """Resident memory of a process, in MiB (VmRSS)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class MemoryWatch:
    """Samples the RSS of named processes every ``interval`` s in a thread; keeps the peak."""

    def __init__(self, pids, interval=0.2):
        self.pids = pids
        self.interval = interval
        self.peak = {name: 0.0 for name in pids}
        self._running = False

    def now(self):
        return {name: rss_mb(pid) for name, pid in self.pids.items()}

    def __enter__(self):
        self._running = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while self._running:
            for name, value in self.now().items():
                self.peak[name] = max(self.peak[name], value)
            time.sleep(self.interval)

    def __exit__(self, *exc):
        self._running = False
        self._thread.join()


def broker_pid():
    """The pid of the local RabbitMQ node (its Erlang VM, ``beam.smp`` running ``rabbit``),
    or None: its CPU time is read as the components' is, only read."""
    from pathlib import Path

    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"beam" in cmdline.split(b"\0")[0] and b"rabbit" in cmdline:
            return int(entry.name)
    return None


class PostgresCpu:
    """Callable: the CPU seconds the local PostgreSQL's backends serving ``databases`` have
    used (``pg_stat_activity`` names them; ``/proc`` is read), only those matching the SQL
    condition ``where`` on that view if given (e.g. on ``application_name``); with
    ``databases=None``, its processes serving no database instead (WAL writer,
    checkpointer, background writer and the like: the whole server's). Backends
    that ended are remembered at their last reading, so a delta over a load counts each
    pooled connection's work once (a short-lived one only if read while it lived). Its
    own connection (to ``postgres``, not counted) is kept open between readings."""

    def __init__(self, databases, where="TRUE"):
        self.databases = None if databases is None else list(databases)
        self.where = where
        self.seen = {}
        self.conn = None

    def __call__(self):
        if self.conn is None or self.conn.closed:
            self.conn = psycopg2.connect(PG_ADMIN_DSN)
            self.conn.autocommit = True
        with self.conn.cursor() as cursor:
            if self.databases is None:
                cursor.execute(f"SELECT pid FROM pg_stat_activity WHERE datname IS NULL AND ({self.where})")
            else:
                cursor.execute(f"SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s) AND ({self.where})",
                               (self.databases,))
            pids = [row[0] for row in cursor.fetchall()]
        for pid in pids:
            try:
                self.seen[pid] = cpu_seconds(pid)
            except OSError:
                pass
        return sum(self.seen.values())
