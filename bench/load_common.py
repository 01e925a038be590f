"""What the benchmarks share: a throw-away vhost, PostgreSQL administration, free ports, a
closed-loop HTTP load of N concurrent keep-alive clients (OS threads, no eventlet),
percentiles, resident memory."""
import http.client
import statistics
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg2

RABBIT = "guest:guest@127.0.0.1:5672"
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextmanager
def vhost():
    name = f"kelisim-bench-{uuid.uuid4().hex[:10]}"
    _rabbitmqctl("add_vhost", name)
    _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        yield f"amqp://{RABBIT}/{name}"
    finally:
        _rabbitmqctl("delete_vhost", name)


def pg_admin(sql):
    """Run one statement (CREATE or DROP DATABASE) on the local PostgreSQL, outside a
    transaction."""
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    number and request count (for writes that must differ). Returns requests/s, p50/p99 ms,
    errors and a sample of them."""
    latencies, errors, samples = [], [0], []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(number):
        conn, mine, count = None, [], 0
        while time.monotonic() < stop_at:
            target = urlsplit(url(number, count) if callable(url) else url)
            payload = body(number, count) if callable(body) else body
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
                with lock:
                    errors[0] += 1
                    if len(samples) < 3:
                        samples.append(data[:200])
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


def cpu_per_request(pids, run):
    """``run()`` (a load returning a dict with ``ok``), plus ``cpu_ms``: each process's CPU
    milliseconds per successful request during it. ``pids`` maps a name to a pid or to a
    callable giving the CPU seconds of a group of processes (see ``postgres_cpu``)."""
    before = {name: _cpu_of(pid) for name, pid in pids.items()}
    result = run()
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
    used (``pg_stat_activity`` names them; ``/proc`` is read). Backends that ended are
    remembered at their last reading, so a delta over a load counts each pooled
    connection's work once."""

    def __init__(self, databases):
        self.databases = list(databases)
        self.seen = {}

    def __call__(self):
        conn = psycopg2.connect(PG_ADMIN_DSN)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)",
                               (self.databases,))
                pids = [row[0] for row in cursor.fetchall()]
        finally:
            conn.close()
        for pid in pids:
            try:
                self.seen[pid] = cpu_seconds(pid)
            except OSError:
                pass
        return sum(self.seen.values())
