"""What the tests of every service share: actors, regions, the platform's tables, migrated
SQLite copies, polling, and the local RabbitMQ and PostgreSQL servers' admin commands."""
import functools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import uuid

import eventlet
import eventlet.event
import psycopg2
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from kelisim.context import Context
from kelisim.db import migrate
from kelisim.db.engine import make_engine
from kelisim.db.tables import platform_tables
from kelisim.db.uow import UnitOfWork, on_database  # noqa: F401  (the tests' import of it)

ADMIN = {"id": "admin-1", "role": "rgu_admin", "region": None}
COORDINATOR = {"id": "coord-61", "role": "kgu_coordinator", "region": "KZ-61"}
OTHER_COORDINATOR = {"id": "coord-75", "role": "kgu_coordinator", "region": "KZ-75"}
OBSERVER = {"id": "observer-1", "role": "observer", "region": None}
SYSTEM = {"id": "system", "role": "system", "region": None}
REGIONS = ("KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35",
           "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71",
           "KZ-75", "KZ-79")
# every service's outbox, audit_log and processed_events, for reading them in a test
OUTBOX, AUDIT, PROCESSED = platform_tables(sa.MetaData())

PG_ADMIN_DSN = os.environ.get("KELISIM_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
RABBIT_HOST = os.environ.get("KELISIM_TEST_RABBIT", "guest:guest@127.0.0.1:5672")


_PORTS_GIVEN = set()


@functools.cache
def _ports_outside_the_ephemeral_range():
    """Ports 10000 up to the kernel's first ephemeral port (32768-60999 on Linux by
    default), or above its last where the range starts lower (a "1024 65535" tuning leaves
    none: then the whole 10000-65535, where a kernel-picked port may still collide)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as limits:
            first, last = map(int, limits.read().split()[:2])
    except (OSError, ValueError):
        first, last = 32768, 60999
    for ports in (range(10000, first), range(last + 1, 65536)):
        if len(ports) >= 1000:
            return ports
    return range(10000, 65536)


def free_port():
    """A TCP port on 127.0.0.1 free now and never returned before in this process (int).

    A port is only reserved once its server binds it, and until then a port the kernel
    chose (``bind(("", 0))``) is the one it most likely hands out next: to the following
    call (300 repeats in 3 000 calls), to a test server binding port 0, to an outgoing
    connection. So the port comes from below the ephemeral range, where the kernel never
    picks one itself, starting at a random place, and is never given twice."""
    ports = _ports_outside_the_ephemeral_range()
    start = random.SystemRandom().randrange(len(ports))  # not reseeded by pytest-randomly
    for i in range(len(ports)):
        port = ports[(start + i) % len(ports)]
        if port in _PORTS_GIVEN:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:  # a server of this machine's, or one lingering
                continue
        _PORTS_GIVEN.add(port)
        return port
    raise RuntimeError(f"no free port in {ports}")


def rabbitmqctl(*args):
    """``rabbitmqctl -q *args`` on the local broker; CalledProcessError if it fails."""
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


class Vhosts:
    """Fresh vhosts on the local broker (guest may do anything in them), made and deleted
    ``batch`` at a time: each ``rabbitmqctl`` run starts an Erlang VM (half a second of a
    core, seconds on a loaded machine), and three runs per test (add, permissions, delete)
    were a large part of the suite's time.

    :meth:`take` returns a vhost never used before (``kelisim-test-<12 hex>``); one
    ``rabbitmqctl import_definitions`` makes ``batch`` of them with their permissions.
    :meth:`release` gives one back when its test has ended; once ``batch`` are given back
    one ``rabbitmqctl eval`` deletes them all (their queues and connections go with them),
    and :meth:`close` deletes every one left (the session's end). CalledProcessError if
    rabbitmqctl fails to make them."""

    def __init__(self, batch=8):
        self.batch = batch
        self.ready, self.released = [], []

    def take(self):
        if not self.ready:
            made = [f"kelisim-test-{uuid.uuid4().hex[:12]}" for _ in range(self.batch)]
            definitions = {"vhosts": [{"name": name} for name in made], "permissions": [
                {"user": "guest", "vhost": name, "configure": ".*", "write": ".*",
                 "read": ".*"} for name in made]}
            subprocess.run(["rabbitmqctl", "-q", "import_definitions", "--format", "json"],
                           input=json.dumps(definitions), text=True, check=True,
                           capture_output=True, timeout=60)
            self.ready.extend(made)
        return self.ready.pop()

    def release(self, vhost):
        self.released.append(vhost)
        if len(self.released) >= self.batch:
            self.flush()

    def flush(self):
        """Delete every vhost released (one eval; one delete_vhost each if that fails)."""
        going, self.released = self.released, []
        if not going:
            return
        names = ", ".join(f'<<"{name}">>' for name in going)
        done = subprocess.run(["rabbitmqctl", "-q", "eval", f"[catch rabbit_vhost:delete(V, "
                               f"<<\"kelisim-tests\">>) || V <- [{names}]], ok."],
                              capture_output=True, timeout=120)
        if done.returncode != 0:  # rabbit_vhost is the broker's internal module
            for name in going:
                subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name],
                               capture_output=True, timeout=60)

    def close(self):
        self.released.extend(self.ready)
        self.ready = []
        self.flush()


def stop_group(proc, sig=signal.SIGINT, grace=40):
    """Stop the process group ``proc`` leads (started with ``start_new_session=True``):
    ``sig``, then SIGKILL if ``proc`` has not ended ``grace`` seconds later. Nothing to do
    when the group has ended already."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def pg_admin(sql):
    """Run ``sql`` (CREATE/DROP DATABASE...) as the local PostgreSQL's superuser, autocommit."""
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def template_database(tmp_path_factory, component, load=None, repositories=None):
    """A SQLite file of ``component`` migrated to head (and ``load``-ed), built once."""
    path = tmp_path_factory.mktemp(f"{component}-template") / f"{component}.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(component, url)
    if load is not None:
        engine = make_engine(url)
        try:
            load(UnitOfWork(sessionmaker(engine), Context(), repositories))
        finally:
            engine.dispose()
    return path


def copy_of(template, tmp_path):
    """A test's own copy of a template database, as a URL."""
    path = tmp_path / template.name
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def units_of_work(sessions, component, repositories, default_actor=ADMIN):
    """``make(actor, correlation_id)``: a fresh unit of work acting as ``actor``."""

    def make(actor=None, correlation_id="corr-test"):
        context = Context(actor=dict(actor or default_actor), correlation_id=correlation_id,
                          source=component)
        return UnitOfWork(sessions, context=context, repositories=repositories)

    return make


def service_layer_fixtures(component, repositories, start_mappers, load=None,
                           actor=ADMIN, prepare=None):
    """The fixtures a service's unit tests stand on (the service layer over SQLite, no
    broker), to assign in its conftest: ``template_db, sessions, uow, rows, events =
    service_layer_fixtures(...)``.

    - ``template_db`` (session): a SQLite file of ``component`` migrated to head, ``load``-ed
      with its reference data (``load(uow)``), built once after ``start_mappers()``;
    - ``sessions``: a sessionmaker on the test's own copy of it;
    - ``uow``: ``uow(actor)``, a fresh unit of work acting as ``actor`` (default ``actor``),
      after ``prepare(uow)`` ran once on the copy (e.g. the org units a test needs);
    - ``rows``: ``rows(table)``, every row of a table (outbox, audit_log...) as dicts, in
      primary-key order;
    - ``events``: ``events(type=None)``, the outbox's envelopes (of ``type``), oldest first.
    """
    import pytest

    @pytest.fixture(scope="session")
    def template_db(tmp_path_factory):
        start_mappers()
        return template_database(tmp_path_factory, component, load, repositories)

    @pytest.fixture
    def sessions(template_db, tmp_path, session_factory):
        return session_factory(copy_of(template_db, tmp_path))

    @pytest.fixture
    def uow(sessions):
        make = units_of_work(sessions, component, repositories, actor)
        if prepare is not None:
            prepare(make())
        return make

    @pytest.fixture
    def rows(sessions):
        def read(table):
            with sessions() as session:
                query = sa.select(table).order_by(*table.primary_key.columns)
                return [dict(row._mapping) for row in session.execute(query)]

        return read

    @pytest.fixture
    def events(rows):
        def read(event_type=None):
            return [row["envelope"] for row in rows(OUTBOX)
                    if event_type in (None, row["event_type"])]

        return read

    return template_db, sessions, uow, rows, events


class EventQueue:
    """A queue bound to every event on ``<service>.events`` (on the broker at ``amqp_uri``),
    removed with its connection by ``close()``: what a test reads a service's events with."""

    def __init__(self, amqp_uri, service):
        from kombu import Connection, Queue

        from kelisim.events.topology import event_exchange

        self.connection = Connection(amqp_uri)
        self.queue = Queue(f"test.{service}-events", exchange=event_exchange(service),
                           routing_key="#", durable=False, auto_delete=True)(self.connection.channel())
        self.queue.declare()

    def next(self, timeout=10):
        """The next event's (body, message), waiting up to ``timeout`` seconds
        (eventlet.Timeout after)."""
        with eventlet.Timeout(timeout):
            while True:
                message = self.queue.get(no_ack=True, accept=["json"])
                if message is not None:
                    return message.payload, message
                eventlet.sleep(0.02)

    def take(self, count, timeout=15):
        """``count`` events (bodies), waiting up to ``timeout`` seconds in all."""
        with eventlet.Timeout(timeout):
            return [self.next(timeout=None)[0] for _ in range(count)]

    def pending(self):
        """How many events wait in the queue."""
        return self.queue.queue_declare(passive=True).message_count

    def close(self):
        self.connection.release()


def table_rows(sessions, name, **where):
    """Every row of the table ``name`` (reflected) of the database ``sessions`` opens, as
    dicts in primary-key order; ``where``: column=value conditions."""
    with sessions() as session:
        table = sa.Table(name, sa.MetaData(), autoload_with=session.get_bind())
        query = sa.select(table).order_by(*table.primary_key.columns)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return [dict(row._mapping) for row in session.execute(query)]


def self_signed(folder, name, alt_names):
    """A self-signed certificate (2 days, RSA 2048) for ``name`` in ``folder`` (openssl):
    ``(cert, key)`` paths; ``alt_names`` its subjectAltName, like "DNS:localhost,IP:127.0.0.1"."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName={alt_names}"],
                   check=True, capture_output=True)
    return cert, key


def publish_envelope(amqp_uri, envelope):
    """Publish ``envelope`` on its source's event exchange as the outbox relay does
    (persistent, confirmed by the broker, its correlation id in nameko's header)."""
    from kombu import Connection
    from kombu.entity import PERSISTENT_DELIVERY_MODE

    from kelisim.context import CORRELATION_KEY
    from kelisim.events.topology import event_exchange

    exchange = event_exchange(envelope.source)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer(serializer="json").publish(
            envelope.to_message(), exchange=exchange, declare=[exchange],
            routing_key=envelope.type, delivery_mode=PERSISTENT_DELIVERY_MODE,
            headers={f"nameko.{CORRELATION_KEY}": envelope.correlation_id},
            message_id=envelope.id)
    return envelope


def wait_for(predicate, timeout=10, interval=0.02):
    """Poll ``predicate`` (yielding to other greenthreads) until it returns something truthy;
    fail after ``timeout`` s."""
    with eventlet.Timeout(timeout, exception=AssertionError(f"timed out waiting: {predicate}")):
        while True:
            value = predicate()
            if value:
                return value
            eventlet.sleep(interval)


def wait_until_published(url, timeout=10):
    """Wait until the outbox of the database at ``url`` has no unpublished row: the relay has
    published each event it holds and the broker confirmed it, so a queue read afterwards
    holds every copy of them it will ever get (an empty queue proves nothing came twice,
    where a pause would only suggest it). AssertionError after ``timeout`` s."""
    engine = make_engine(url)
    try:
        def published():
            with engine.connect() as conn:
                return conn.execute(sa.select(sa.func.count()).select_from(OUTBOX).where(
                    OUTBOX.c.published_at.is_(None))).scalar() == 0

        wait_for(published, timeout=timeout, interval=0.05)
    finally:
        engine.dispose()


def sessions_blocked_by(session):
    """How many other PostgreSQL sessions wait on a lock that ``session``'s transaction
    holds (a row it changed, a unique key it inserted)."""
    # pg_locks, not pg_stat_activity: that one is read once per transaction (a snapshot)
    return session.execute(sa.text(
        "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted"
        " AND pg_backend_pid() = ANY(pg_blocking_pids(pid))")).scalar()


def wait_until_blocking(session, timeout=10):
    """Wait until another transaction waits on a lock ``session`` holds: the race is on
    (the other one has read what it read and now writes where ``session`` wrote)."""
    wait_for(lambda: sessions_blocked_by(session), timeout=timeout, interval=0.01)


def race_with_slow_commit(make_uow, use_case, *args):
    """Run ``use_case(uow, *args)`` twice at once on PostgreSQL and return both outcomes
    (results or the exceptions raised).

    The first run writes everything and, at its first commit, waits until the second one
    is blocked on what it wrote (the second checked for those rows, did not see them, and
    inserts them too); only then does it commit. So the race happens every time, or the
    test fails (AssertionError: timed out) instead of passing on a sequential run."""
    flushed = eventlet.event.Event()

    class HoldsUntilRaced(UnitOfWork):
        def commit(self):
            self.flush()
            if not flushed.ready():
                flushed.send()
                wait_until_blocking(self.session)
            super().commit()

    def run(cls):
        try:
            return use_case(make_uow(cls), *args)
        except Exception as exc:  # noqa: BLE001 - the caller looks at each outcome
            return exc

    first = eventlet.spawn(run, HoldsUntilRaced)
    with eventlet.Timeout(30, AssertionError("the first run never reached its commit")):
        flushed.wait()
    second = eventlet.spawn(run, UnitOfWork)
    return first.wait(), second.wait()


def vhost_connections(amqp_uri):
    """[(name, state)] of the broker's connections in the vhost of ``amqp_uri``
    (``list_connections`` lists every vhost's, whatever ``-p`` says)."""
    vhost = amqp_uri.rsplit("/", 1)[1]
    out = subprocess.run(["rabbitmqctl", "-q", "list_connections", "name", "state", "vhost"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    rows = [line.split("\t") for line in out.splitlines() if line.count("\t") == 2]
    return [(name, state) for name, state, where in rows if where == vhost]


def vhost_consumers(amqp_uri):
    """{queue: ack_required} of the broker's consumers in the vhost of ``amqp_uri``."""
    out = subprocess.run(["rabbitmqctl", "-q", "list_consumers", "-p", amqp_uri.rsplit("/", 1)[1],
                          "queue_name", "ack_required"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    rows = [line.split("\t") for line in out.splitlines() if line.count("\t") == 1]
    return {name: required == "true" for name, required in rows[1:]}  # after the header


def close_vhost_connections(amqp_uri, reason="test: connection cut"):
    """``rabbitmqctl close_all_connections`` on the vhost of ``amqp_uri`` (a test's OWN vhost,
    never another's), as a network blip or a load balancer would; returns once the broker
    has closed each one it listed before (it may list them a while longer, waiting for the
    client's reply; clients that reconnect add new ones). The number of connections closed."""
    closing = {name for name, state in vhost_connections(amqp_uri) if state == "running"}
    subprocess.run(["rabbitmqctl", "-q", "close_all_connections", "-p",
                    amqp_uri.rsplit("/", 1)[1], reason],
                   capture_output=True, timeout=60, check=True)
    wait_for(lambda: not closing & {name for name, state in vhost_connections(amqp_uri)
                                    if state == "running"}, timeout=30, interval=0.1)
    return len(closing)
