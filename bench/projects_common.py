"""Shared set-up of the projects benchmarks: an own RabbitMQ vhost (rabbitmqctl, removed
after), migrated databases (SQLite, or PostgreSQL with ``--postgres``), the registry and
projects services running in this process, the real notifications service in a process of
its own (``kelisim serve notifications``; an event counts as consumed when its inbox items
are committed in the notifications database), a probe service consuming the baseline's
events (and with ``--probe`` the projects' too) with the bare reliable handler (no
database) in another, and the baselines: bare nameko RPC and event round trips; the CPU
each party spends on a burst (``PartyCpu``) and the floors of such a burst
(``print_burst_floor``, ``print_raw_floor``, ``print_shape_floors``).
``--replicas N`` starts N notifications processes (competing consumers, with --postgres)."""
import eventlet

import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

eventlet.monkey_patch()

import argparse  # noqa: E402
import functools  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import eventlet.event  # noqa: E402
import eventlet.semaphore  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_common import (  # noqa: E402,F401  (vhost is re-exported)
    PostgresCpu,
    broker_pid,
    component_databases,
    cpu_seconds,
    free_port,
    machine_times,
    pg_admin,
    rss_mb,
    steal_share,
    vhost,
)
from nameko.rpc import rpc  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from kelisim import config as settings  # noqa: E402
from kelisim.context import Context  # noqa: E402
from kelisim.db import migrate  # noqa: E402
from kelisim.db.engine import make_engine  # noqa: E402
from kelisim.db.provider import Database  # noqa: E402
from kelisim.db.uow import UnitOfWork  # noqa: E402
from kelisim.events.handler import on_event  # noqa: E402
from kelisim.logging import configure  # noqa: E402
from kelisim_platform.cli import components  # noqa: E402, F401  (registers the migrations)
from services.projects.adapters.repository import ProjectsRepository  # noqa: E402
from services.projects.entrypoints.service import ProjectsService  # noqa: E402,F401  (maps the ORM)
from services.projects.service_layer.reference import load_reference_data as load_projects  # noqa: E402
from services.registry.adapters.repository import RegistryRepository  # noqa: E402
from services.registry.entrypoints.service import RegistryService  # noqa: E402,F401  (maps the ORM)
from services.registry.service_layer.reference import load_reference_data as load_registry  # noqa: E402

ADMIN = {"id": "bench", "role": "rgu_admin", "region": None}
BENCH_APP = "kelisim-bench"  # application_name of this process's own PostgreSQL connections


def arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--postgres", action="store_true",
                        help="the projects database on a throw-away PostgreSQL database")
    parser.add_argument("--probe", action="store_true",
                        help="also consume every event with the bare probe in another process "
                             "(it shares the cores with the platform: the inboxes fill later)")
    parser.add_argument("--replicas", type=int, default=1,
                        help="notifications processes consuming the events (competing "
                             "consumers of one queue; more than one needs --postgres)")
    args = parser.parse_args()
    if args.replicas > 1 and not args.postgres:
        parser.error("--replicas above 1 needs --postgres (SQLite takes one writer at a time)")
    Counter.everything = args.probe
    Notifications.replicas = args.replicas
    return args


@contextmanager
def databases(postgres):
    """URLs of a migrated registry (SQLite), projects and baseline database."""
    with tempfile.TemporaryDirectory() as folder:
        urls = {name: f"sqlite:///{folder}/{name}.db" for name in ("registry", "projects",
                                                                    "baseline", "notifications")}
        pg_names = []
        if postgres:
            for component in ("projects", "notifications"):
                pg_name = f"kelisim_bench_{uuid.uuid4().hex[:10]}"
                pg_admin(f'CREATE DATABASE "{pg_name}"')
                pg_names.append(pg_name)
                urls[component] = f"postgresql://postgres@127.0.0.1:5432/{pg_name}"
        try:
            migrate.upgrade("registry", urls["registry"])
            migrate.upgrade("projects", urls["projects"])
            migrate.upgrade("notifications", urls["notifications"])
            migrate.upgrade("projects", urls["baseline"])  # any schema with an outbox
            _load(urls["registry"], RegistryRepository, load_registry)
            _load(urls["projects"], ProjectsRepository, load_projects)
            yield urls
        finally:
            for pg_name in pg_names:
                pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def bench_engine(url):
    """An engine for this process's own queries (what notifications committed, what the
    outbox holds): on PostgreSQL its connections are named ``BENCH_APP``, so ``PartyCpu``
    tells their backends from the platform's."""
    if url.startswith("postgresql"):
        return make_engine(url, connect_args={"application_name": BENCH_APP})
    return make_engine(url)


def _load(url, repositories, loader):
    engine = make_engine(url)
    try:
        loader(UnitOfWork(sessionmaker(engine), Context(), repositories))
    finally:
        engine.dispose()


class BaselineProbe:
    """Consumes the events the notifications service consumes, with the same handler, and
    prints ``<type> <count> <unix time>`` for each one."""

    name = "bench_probe"
    counts = {}

    def _seen(self, event_type):
        count = self.counts[event_type] = self.counts.get(event_type, 0) + 1
        print(f"{event_type} {count} {time.time():.6f}", flush=True)

    @on_event("bench_baseline", "task_assigned")
    def on_baseline(self, envelope):
        self._seen("baseline")


class Probe(BaselineProbe):
    """With ``--probe``: the projects' events too."""

    @on_event("projects", "task_assigned")
    def on_assigned(self, envelope):
        self._seen("task_assigned")

    @on_event("projects", "deadline_slipped")
    def on_slipped(self, envelope):
        self._seen("deadline_slipped")


class Counter:
    """What the probe (in its own process, as notifications would be) has consumed."""

    counts = {}
    last = {}
    process = None
    everything = False  # the projects' events too (--probe), not only the baseline's

    @classmethod
    def start(cls, amqp_uri, url):
        command = [sys.executable, __file__, "probe", amqp_uri, url,
                   "all" if cls.everything else "baseline"]
        cls.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        eventlet.spawn(cls._read)
        cls.wait_for("ready", 1)

    @classmethod
    def _read(cls):
        for line in cls.process.stdout:
            parts = line.split()
            if len(parts) == 3:
                cls.counts[parts[0]] = int(parts[1])
                cls.last[parts[0]] = float(parts[2])

    @classmethod
    def stop(cls):
        if cls.process is not None:
            cls.process.terminate()
            cls.process.wait(timeout=30)

    @classmethod
    def wait_for(cls, event_type, count, timeout=120):
        """The unix time the probe consumed the ``count``-th event of ``event_type``."""
        deadline = time.time() + timeout
        while cls.counts.get(event_type, 0) < count:
            if time.time() > deadline:
                raise TimeoutError(f"{cls.counts.get(event_type, 0)} of {count} {event_type}")
            eventlet.sleep(0.002)
        return cls.last[event_type]


ROOT = Path(__file__).resolve().parents[1]


class Notifications:
    """The registry, projects and notifications services as ``make run`` starts them
    (``kelisim serve COMPONENT``, one process each), and what notifications has committed:
    events whose inbox items are in its database."""

    processes = {}
    engine = None
    peak_rss = {}
    _sampling = False
    replicas = 1  # notifications processes (--replicas)

    @classmethod
    def start(cls, amqp_uri, urls):
        env = dict(os.environ, KELISIM_AMQP_URI=amqp_uri, KELISIM_LOG_LEVEL="WARNING",
                   KELISIM_OUTBOX_POLL_INTERVAL="0.5")
        env.pop("KELISIM_SMTP_HOST", None)
        ports = {}
        names = ["registry", "projects", "notifications"] + [
            f"notifications-{n}" for n in range(2, cls.replicas + 1)]
        for component in ("registry", "projects", "notifications"):
            env[f"KELISIM_{component.upper()}_DATABASE_URL"] = urls[component]
        for name in names:
            component = name.split("-")[0]
            ports[name] = str(free_port())
            env[f"KELISIM_{component.upper()}_METRICS_PORT"] = ports[name]
            cls.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "kelisim_platform.cli.serve", component], cwd=ROOT,
                env=dict(env))
        cls.engine = bench_engine(urls["notifications"])
        cls._sampling = True
        eventlet.spawn(cls._sample)
        import urllib.request

        deadline = time.time() + 120
        for component, port in ports.items():
            while True:  # its consumers are up when its exporter says ready
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready",
                                                timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if cls.processes[component].poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"{component} did not start")
                eventlet.sleep(0.2)

    @classmethod
    def _sample(cls):
        while cls._sampling:
            for name, process in cls.processes.items():
                try:
                    cls.peak_rss[name] = max(cls.peak_rss.get(name, 0.0), rss_mb(process.pid))
                except OSError:
                    pass
            eventlet.sleep(0.2)

    @classmethod
    def cpu_seconds(cls, component="notifications"):
        """CPU time (user + system) the ``component`` process has used so far (summed over
        its replicas)."""
        return sum(cpu_seconds(process.pid) for name, process in cls.processes.items()
                   if name.split("-")[0] == component)

    @classmethod
    def committed(cls, event_type):
        """How many ``event_type`` events have their inbox items committed."""
        import sqlalchemy as sa

        from services.notifications.adapters.orm import inbox_items

        with cls.engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count(sa.distinct(inbox_items.c.event_id)))
                               .where(inbox_items.c.event_type == event_type))

    @classmethod
    def wait_for(cls, event_type, count, timeout=120, every=0.02):
        """The unix time (within ``every`` s) by which ``count`` events of ``event_type``
        had their inbox items committed. Polled every ``every`` s once 90 % are in, ten
        times less often before: the count is a query on the database it measures."""
        deadline = time.time() + timeout
        while True:
            seen = cls.committed(event_type)
            now = time.time()
            if seen >= count:
                return now
            if now > deadline:
                raise TimeoutError(f"{seen} of {count} {event_type} in the inbox")
            eventlet.sleep(every if seen >= 0.9 * count else 10 * every)

    @classmethod
    def stop(cls):
        cls._sampling = False
        for process in cls.processes.values():
            process.terminate()
        for process in cls.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        cls.processes = {}
        if cls.engine is not None:
            cls.engine.dispose()

    @classmethod
    def print_memory(cls):
        for name, mb in sorted(cls.peak_rss.items()):
            verdict = "ok" if mb < 150 else "OVER TARGET"
            print(f"peak resident memory, {name:<14} {mb:7.1f} MiB (target < 150: {verdict})")


class Baseline:
    """The bare minimum: an RPC that answers, and an RPC that emits one event (outbox)."""

    name = "bench_baseline"
    uow = Database()

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def emit(self):
        with self.uow:
            self.uow.emit("task_assigned", {
                "task_id": 1, "task_title": "baseline", "project_code": "mediation",
                "assignment_id": 1, "role": "R", "assignee": {"kind": "org_unit", "id": 1}},
                regions=["KZ-61"])
            self.uow.commit()


def _config(component, amqp_uri, url):
    return settings.nameko_config(component, AMQP_URI=amqp_uri, DATABASE_URL=url,
                                  OUTBOX_POLL_INTERVAL=0.5)


@contextmanager
def platform(amqp_uri, urls):
    """Registry, projects and notifications each in a process of its own (as `make run`
    starts them), the baseline service in this process, the probe in another."""
    configure("bench", level="WARNING", fmt="console")
    runners = []
    for cls, component, url in ((Baseline, "projects", urls["baseline"]),):
        runner = ServiceRunner(_config(component, amqp_uri, url))
        runner.add_service(cls)
        runner.start()
        runners.append(runner)
    Counter.start(amqp_uri, urls["baseline"])
    Notifications.start(amqp_uri, urls)
    try:
        yield _config("projects", amqp_uri, urls["projects"])
    finally:
        Notifications.stop()
        Counter.stop()
        for runner in runners:
            runner.kill()


def run_probe(amqp_uri, url, which="all"):
    """The probe process (``which``: "all" events, or the "baseline"'s alone): run until
    terminated."""
    import signal

    configure("bench-probe", level="WARNING", fmt="console")
    runner = ServiceRunner(_config("projects", amqp_uri, url))
    runner.add_service(Probe if which == "all" else BaselineProbe)
    runner.start()
    print("ready 1 0", flush=True)
    stopped = eventlet.event.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.send(True))
    stopped.wait()
    runner.kill()


@contextmanager
def proxy(config, service="projects"):
    with ServiceRpcProxy(service, config, context_data={"actor": ADMIN}, timeout=300) as remote:
        yield remote


def baselines(config, runs=20):
    """Median bare RPC round trip and bare event round trip (commit -> consumed), in ms."""
    with proxy(config, "bench_baseline") as baseline:
        baseline.ping()
        rpc_times, event_times = [], []
        for _ in range(runs):
            started = time.perf_counter()
            baseline.ping()
            rpc_times.append(time.perf_counter() - started)
        for n in range(runs):
            started = time.time()
            baseline.emit()
            event_times.append(Counter.wait_for("baseline", n + 1) - started)
    return statistics.median(rpc_times) * 1000, statistics.median(event_times) * 1000


def print_baselines(rpc_ms, event_ms, postgres, extra=""):
    """The line every projects benchmark starts with: what a bare RPC and a bare event take."""
    print(f"baselines: bare RPC round trip {rpc_ms:.2f} ms, bare event round trip "
          f"(commit to consumed) {event_ms:.2f} ms "
          f"({'PostgreSQL' if postgres else 'SQLite'}){extra}", flush=True)


def delivered(url, event_type, count, timeout=300, on_published=None):
    """Waits until ``count`` events of ``event_type`` have left the projects outbox at
    ``url``, reached the bare probe (with ``--probe``) and been committed to the
    notifications' inboxes; returns those three unix times (published, consumed or None,
    committed). ``on_published()`` is called as soon as the outbox is empty."""
    inboxes = eventlet.spawn(Notifications.wait_for, event_type, count, timeout=timeout)
    published = wait_published(url, timeout=timeout)
    if on_published is not None:
        on_published()
    consumed = Counter.wait_for(event_type, count, timeout=timeout) if Counter.everything \
        else None
    return published, consumed, inboxes.wait()


def report_delivery(action, event_type, started, times, event_ms, targets_s):
    """The three lines of ``delivered``'s ``times`` after ``started`` (unix seconds),
    against the bare event round trip and ``targets_s`` (published, consumed, committed)."""
    published, consumed, committed = times
    for what, at, target in ((f"until every {event_type} published", published, targets_s[0]),
                             (f"until every {event_type} consumed (probe)", consumed,
                              targets_s[1]),
                             (f"until every {event_type} in the inboxes", committed,
                              targets_s[2])):
        if at is not None:  # the probe's, with --probe only
            report(f"{action} {what}", at - started, event_ms, "event", target)


class PartyCpu:
    """The CPU seconds each party uses over a span of the platform's work, from ``start()``
    until ``stop()``, printed by ``report()``: the projects, notifications (all replicas)
    and registry processes, the RabbitMQ node (all its vhosts) and, with PostgreSQL, the
    backends of the throw-away databases (but this process's); apart, not the platform's:
    this process (RPC client, polls), the probe, this process's PostgreSQL backends and
    PostgreSQL's shared processes (the whole server's). ``start()`` first reads each
    party's idle rate over ``IDLE_S`` seconds (the relay's polls, other vhosts' traffic on
    the broker). The PostgreSQL backends are read every 0.5 s meanwhile: one that ends
    counts up to its last reading."""

    IDLE_S = 2.0

    def __init__(self, urls):
        on_postgres = [name for name, url in urls.items() if url.startswith("postgresql")]
        databases = [urls[name].rsplit("/", 1)[1] for name in on_postgres]
        broker = broker_pid()
        replicas = Notifications.replicas
        notifications = f"notifications ({replicas} process{'es' if replicas > 1 else ''})"
        self.platform = {
            "projects": functools.partial(Notifications.cpu_seconds, "projects"),
            notifications: Notifications.cpu_seconds,
            "registry": functools.partial(Notifications.cpu_seconds, "registry"),
            "RabbitMQ node (beam.smp, all vhosts)": broker and functools.partial(cpu_seconds, broker),
            f"PostgreSQL backends ({', '.join(on_postgres) or 'none: SQLite'})":
                databases and PostgresCpu(databases, f"application_name <> '{BENCH_APP}'")}
        # one process on one eventlet hub each: on one core at a time
        self.single = ["projects", "registry"] + ([notifications] if replicas == 1 else [])
        self.apart = {"this process": functools.partial(cpu_seconds, os.getpid()),
                      "the probe": functools.partial(cpu_seconds, Counter.process.pid)}
        if databases:
            self.apart["this process's PostgreSQL backends"] = PostgresCpu(
                databases, f"application_name = '{BENCH_APP}'")
            self.apart["PostgreSQL's shared processes"] = PostgresCpu(None)
        self.sources = {name: source for name, source in {**self.platform, **self.apart}.items()
                        if source}
        self.lock = eventlet.semaphore.Semaphore()  # one reading at a time on PostgresCpu's connection

    def _read(self, only=object):
        with self.lock:
            return {name: source() for name, source in self.sources.items()
                    if isinstance(source, only)}

    def start(self):
        idle = self._read()
        eventlet.sleep(self.IDLE_S)
        self.before, self.started, self.running = self._read(), time.time(), True
        self.machine = machine_times()
        self.idle = {name: (self.before[name] - idle[name]) / self.IDLE_S for name in idle}
        eventlet.spawn(self._sample)

    def _sample(self):
        while self.running:
            eventlet.sleep(0.5)
            if self.running:
                self._read(PostgresCpu)

    def stop(self):
        """End the span: ``wall`` seconds, and ``spent``: {party or apart: (CPU seconds, of
        which at its idle rate)} of those measured."""
        self.running = False
        after, self.wall = self._read(), time.time() - self.started
        self.steal = steal_share(self.machine, machine_times())
        self.spent = {name: (after[name] - self.before[name], self.idle[name] * self.wall)
                      for name in after}

    def report(self, span, events):
        """Print the span (``span``: from what until what, e.g. "the slip's start until
        every deadline_slipped is in the inboxes") of ``events`` events: a line per party
        (n/a if not measured), the total, the total above idle over this machine's cores
        and the busiest single process above idle (the least wall time any schedule of
        that work on these cores needs), and what ran apart."""
        print(f"CPU from {span} ({self.wall:.2f} s), by party: seconds, of which at its idle "
              f"rate (read over the {self.IDLE_S:.0f} s before), and above idle:")
        known = [self.spent[name] for name in self.platform if name in self.spent]
        total = tuple(sum(figures[n] for figures in known) for n in (0, 1))
        width = max(map(len, self.platform))
        for name, figures in [*((name, self.spent.get(name)) for name in self.platform),
                              ("total", total)]:
            if figures is None:
                print(f"  {name:<{width}} n/a")
                continue
            seconds, idle = figures
            print(f"  {name:<{width}} {seconds:6.2f} s, idle {idle:5.2f} s, above idle "
                  f"{seconds - idle:6.2f} s ({1000 * (seconds - idle) / events:.3f} ms per event)")
        cores = os.cpu_count()
        busiest = max(self.single, key=lambda name: self.spent[name][0] - self.spent[name][1])
        print(f"  total above idle / {cores} cores = {(total[0] - total[1]) / cores:.2f} s: no "
              f"schedule on these cores can finish sooner (this one took {self.wall:.2f} s; "
              f"the hypervisor took {self.steal:.0%} of the cores' time meanwhile)")
        print(f"  busiest single process above idle: {busiest} "
              f"{self.spent[busiest][0] - self.spent[busiest][1]:.2f} s (one eventlet hub: one "
              f"core at a time, so no schedule finishes sooner than that either)")
        print("  apart, not in the total: " + ", ".join(
            f"{name} {self.spent[name][0]:.2f} s" for name in self.apart if name in self.spent),
              flush=True)


def watch_commit(url):
    """A green thread whose ``wait()`` is the unix time the projects outbox at ``url``
    first shows a row it did not hold when this was called (polled every 5 ms): the
    commit of the next transaction that writes events, before which none can be relayed."""
    import sqlalchemy as sa

    from kelisim.db.tables import platform_tables

    outbox = platform_tables(sa.MetaData())[0]
    engine = bench_engine(url)
    newest = sa.select(sa.func.coalesce(sa.func.max(outbox.c.id), 0))
    with engine.connect() as conn:
        before = conn.scalar(newest)

    def poll():
        try:
            while True:
                with engine.connect() as conn:
                    if conn.scalar(newest) > before:
                        return time.time()
                eventlet.sleep(0.005)
        finally:
            engine.dispose()

    return eventlet.spawn(poll)


def wait_published(url, timeout=120):
    """The unix time the projects outbox has nothing left to publish (polled every 50 ms,
    so as not to slow the relay it measures)."""
    import sqlalchemy as sa

    from kelisim.db.tables import platform_tables

    outbox = platform_tables(sa.MetaData())[0]
    engine = bench_engine(url)
    deadline = time.time() + timeout
    try:
        while True:
            with engine.connect() as conn:
                pending = conn.scalar(sa.select(sa.func.count()).select_from(outbox)
                                      .where(outbox.c.published_at.is_(None)))
            if not pending:
                return time.time()
            if time.time() > deadline:
                raise TimeoutError(f"{pending} events still unpublished")
            eventlet.sleep(0.05)
    finally:
        engine.dispose()


def print_burst_floor(amqp_uri, count):
    """Measure and print the floor of a burst of ``count`` events in this run: published at
    once to a bare nameko handler that only counts them (``baselines.event_burst``, after
    the platform has stopped, so nothing else shares the cores)."""
    from baselines import event_burst

    burst = event_burst(amqp_uri, count)
    print(f"floor: {count} events at once to a bare nameko handler doing nothing: published "
          f"in {burst['published_s']:.2f} s, consumed in {burst['consumed_s']:.2f} s "
          f"({1000 * burst['cpu_s'] / count:.2f} ms of the handler's CPU per event)",
          flush=True)
    return burst


def print_raw_floor(amqp_uri, count):
    """Measure and print the broker's own floor of a burst of ``count`` messages in this
    run, without nameko (``baselines.raw_burst``: py-amqp publisher with confirms, raw
    py-amqp consumer in another process; after the platform has stopped)."""
    from baselines import raw_burst, raw_burst_text

    burst = raw_burst(amqp_uri, count)
    print(f"raw floor: {raw_burst_text(burst)}", flush=True)
    return burst


def print_shape_floors(amqp_uri, count, committed_s, target_s=2.0, what="slip"):
    """Measure and print the floors of ``what``'s events after its commit, in this run
    (after the platform has stopped): the least work per event (``baselines._least_work``:
    an inbox row committed on a throw-away PostgreSQL database, the regional stream) done
    by bare py-amqp and psycopg2 (``baselines.shape_burst``) and by kelisim's own nameko
    event handler (``baselines.batched_burst``; and that handler doing nothing), the
    events published as the relay does. Beside each, ``committed_s``, when this run's slip
    (or rollout: its first transaction) committed its outbox (:func:`watch_commit`): no
    event is relayed before, and all ``count`` are taken in after it at best as fast as
    that burst of them all, so the two add up to the floor of "every event in the
    inboxes", against ``target_s``."""
    from baselines import SHAPE_BATCH, batched_burst, shape_burst

    def verdict(after_s):
        floor = committed_s + after_s
        return (f"after this run's {what} committed its outbox ({committed_s:.2f} s) "
                f"{floor:.2f} s, {'under' if floor < target_s else 'OVER'} the {target_s:g} s target")

    idle = batched_burst(amqp_uri, count)
    with component_databases(("shape",)) as urls:
        raw = shape_burst(amqp_uri, urls["shape"], count)
    with component_databases(("batched",)) as urls:
        kelisim = batched_burst(amqp_uri, count, urls["batched"])
    broker = "n/a" if raw["broker_cpu_s"] is None else f"{raw['broker_cpu_s'][0]:.2f} s"
    print(f"shape floor, bare: {count} events published as the relay does, taken "
          f"{SHAPE_BATCH} at a time by py-amqp + psycopg2 (no nameko): one inbox row each "
          f"committed, republished on the stream, acked: last row committed in "
          f"{raw['committed_s']:.2f} s; CPU: publisher {raw['publisher_cpu_s']:.2f} s, consumer "
          f"{raw['consumer_cpu_s']:.2f} s, RabbitMQ {broker}, PostgreSQL "
          f"{raw['postgres_cpu_s']:.2f} s; {verdict(raw['committed_s'])}", flush=True)
    print(f"shape floor, kelisim's event handler (nameko, batches of {SHAPE_BATCH}), the same "
          f"work: last row committed in {kelisim['committed_s']:.2f} s ({kelisim['cpu_s']:.2f} s "
          f"of its CPU, PostgreSQL {kelisim['postgres_cpu_s']:.2f} s); "
          f"{verdict(kelisim['committed_s'])}", flush=True)
    print(f"  the same handler doing nothing: last handled in {idle['consumed_s']:.2f} s "
          f"({idle['cpu_s']:.2f} s of its CPU); {verdict(idle['consumed_s'])}", flush=True)
    return raw, kelisim, idle


def report(name, seconds, baseline_ms, baseline_name, target_s):
    verdict = "ok" if seconds < target_s else "OVER TARGET"
    print(f"{name:<52} {seconds * 1000:9.1f} ms   (baseline {baseline_name} "
          f"{baseline_ms:6.2f} ms; target < {target_s * 1000:.0f} ms: {verdict})", flush=True)


if __name__ == "__main__" and sys.argv[1:2] == ["probe"]:
    run_probe(*sys.argv[2:5])
