"""Bare nameko baselines, each in a process of its own like a kelisim component, measured by
the same clients as the platform in the same run (see load_gateway.py):

- ``http``: a nameko ``@http`` GET /hello answering ``hello`` (what the gateway is built on);
- ``http-rpc``: the same, but answering what an ``@rpc`` echo in another process returned
  (one RPC hop per request, as every gateway route makes);
- ``http-page``: the same hop, but the ``@rpc`` answers a page of 50 tasks (the shape of
  ``GET /api/v1/tasks?limit=50``'s, ~40 kB of JSON) and the HTTP handler writes it as JSON
  (``http_rpc_payload``: what nameko does with the uncached page's work and nothing else),
  with nameko's stock JSON and with kelisim's orjson serializer (as the platform's RPC);
  ``page-read``: the ``@rpc`` reads that page from projects' SQLite database on each call
  by plain sqlite3 (the floor of the page's work with its queries; load_gateway.py);
  its socket has ``TCP_NODELAY`` as the gateway's (bare nameko's waits 40 ms for the
  client's delayed ACK on an answer over ~20 kB: ~140/s with 16 clients here, a latency
  floor, not the framework's work);
- ``rpc``: a nameko ``@rpc`` echo, called by a standalone RPC proxy;
- ``events``: nameko's ``event_dispatcher`` to an ``@event_handler`` at a steady rate;
- ``burst``: 10 000 events at once to a bare nameko ``@event_handler`` (``event_burst``);
- ``raw burst``: 10 001 persistent messages of a ``deadline_slipped`` envelope's size
  published with confirms and consumed by bare py-amqp in another process, no nameko
  (``raw_burst``: the broker's own floor, with each side's CPU and the broker's);
- ``shape burst`` and ``batched``: the least a slip's events need after its commit, inbox
  rows committed on PostgreSQL and the regional stream, taken in by bare py-amqp and
  psycopg2 (``shape_burst``) and by kelisim's own nameko event handler (``batched_burst``,
  which without a database only counts).

The chain of bench/notifications_latency.py's bare baseline (``chain``: HTTP POST -> RPC ->
RPC + event -> handler, four processes) is served from here too, and loaded by clients as
the platform's writes are (``chain_load``: the floor of an assignment's shape, and with one
hop fewer of a person's); ``chain(durable_dir=...)`` adds the least an assignment needs to
survive a process's death: a SQLite commit in B (the assignment and its event) and one in
the handler (the inbox row); ``whole=True`` the rest of an assignment's messaging: the
front hears every event too (the gateway's read-cache feed) and the handler republishes it
(the regional stream).

    .venv/bin/python bench/baselines.py [--seconds 10] [--clients 16]   # all of them alone
"""
import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_common import (  # noqa: E402
    cpu_per_request,
    free_port,
    http_load,
    percentiles,
    send_paced,
    vhost,
    wait_http,
)

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]


# --- the services (run in their own process: ``baselines.py serve KIND AMQP_URI [PORT]``) ---

TEMPLATE = ROOT / "services" / "projects" / "reference" / "templates" / "mediation.json"
UNITS = {"rgu": ("org_unit", 1, "РГУ «Қоғамдық келісім»"),
         "kgu": ("org_unit", 17, "КГУ «Қоғамдық келісім» (KZ-61)")}


def task_page(count=50):
    """A page of ``count`` tasks as projects' ``list_tasks`` answers it (``{"items",
    "total", "limit", "offset"}``, each item ``listed_task``'s fields, ``overdue``, its
    ``predecessors`` and ``assignments``), made from mediation's template (its titles in
    Russian and Kazakh, durations, links) as rolled out to one region, each task's
    Accountable assigned (the rollout's ``A``); ~43 kB of compact UTF-8 JSON at 50."""
    from datetime import date, timedelta

    rows = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    ids = {row["key"]: 5000 + n for n, row in enumerate(rows)}
    items = []
    for n in range(count):
        row, task_id = rows[n % len(rows)], 5000 + n
        start = date(2026, 1, 12) + timedelta(days=row["start_offset"])
        kind, unit_id, name = UNITS[row["responsible"]["A"]]
        items.append({
            "id": task_id, "plan_id": 12, "project_code": "mediation", "year": 2026,
            "region_code": "KZ-61", "parent_id": ids.get(row["parent"]),
            "template_key": row["key"], "kind": row["kind"], "title": row["title_ru"],
            "title_kk": row["title_kk"], "description": None, "start_date": start.isoformat(),
            "due_date": (start + timedelta(days=row["duration"])).isoformat(),
            "duration": row["duration"], "scheduling": row["scheduling"], "status": "planned",
            "progress": 0, "expected_finish": None, "constraint_kind": None,
            "constraint_start": None, "constraint_due": None, "constraint_conflict": False,
            "deliverable": row["kind"] == "milestone", "version": 1, "overdue": False,
            "predecessors": [{"predecessor_id": ids[after["key"]], "successor_id": task_id,
                              "lag": after["lag"]} for after in row["after"]],
            "assignments": [{"id": 90_000 + n, "task_id": task_id, "role": "A",
                             "assignee": {"kind": kind, "id": unit_id, "name": name,
                                          "region_code": "KZ-61"}}]})
    return {"items": items, "total": 683, "limit": count, "offset": 0}


def _services():
    import itertools

    from nameko.events import BROADCAST, EventDispatcher, event_handler
    from nameko.rpc import RpcProxy, rpc
    from nameko.web.handlers import HttpRequestHandler, http
    from nameko.web.server import WebServer
    from werkzeug.wrappers import Response

    from kelisim import serialization
    from kelisim.events.handler import on_event

    class HttpHello:
        name = "bench_http_hello"

        @http("GET", "/hello")
        def hello(self, request):
            return "hello"

    class HttpRpcHello:
        name = "bench_http_rpc_hello"
        echo = RpcProxy("bench_rpc_echo")

        @http("GET", "/hello")
        def hello(self, request):
            return self.echo.echo("hello")

    class RpcEcho:
        name = "bench_rpc_echo"

        @rpc
        def echo(self, value):
            return value

    class EventSink:
        name = "bench_event_sink"

        @event_handler("bench_events", "happened")
        def on_event(self, payload):
            print(json.dumps({"n": payload["n"], "lag": time.time() - payload["sent"]}),
                  flush=True)

    class BurstSink:
        name = "bench_burst_sink"
        seen = 0

        @event_handler("bench_events", "burst")
        def on_event(self, payload):
            BurstSink.seen += 1
            if BurstSink.seen == payload["of"]:
                print(json.dumps({"done": time.time()}), flush=True)

    class BatchedSink:
        """kelisim's own event handler: notifications' batches of 250, each envelope checked
        (``parse_envelope``), one ``multiple`` ack per batch; doing nothing else, or with
        ``BENCH_DATABASE`` the least work (:func:`_least_work`) on that database."""
        name = "bench_batched_sink"
        seen = 0

        @on_event(BATCHED_SOURCE, RAW_KEY, batch=250)
        def on_events(self, envelopes):
            committed = None
            if least_work:
                events = [envelope.to_message() for envelope in envelopes]
                committed = least_work([(event, serialization.dumps(event)) for event in events])
            BatchedSink.seen += len(envelopes)
            if BatchedSink.seen == int(os.environ["BENCH_COUNT"]):
                print(json.dumps({"done": time.time(), "committed": committed}), flush=True)

    least_work = None
    if os.environ.get("BENCH_DATABASE"):  # psycopg2 cooperative, as in the components
        import psycogreen.eventlet

        psycogreen.eventlet.patch_psycopg()
        least_work = _least_work(os.environ["BENCH_AMQP_URI"], os.environ["BENCH_DATABASE"])[0]
    page_read = _page_reader(os.environ.get("BENCH_PAGE_DB"))
    page_file = os.environ.get("BENCH_PAGE_FILE")
    page = json.loads(Path(page_file).read_text(encoding="utf-8")) if page_file else task_page()

    class RpcPage:
        name = "bench_rpc_page"

        @rpc
        def list_tasks(self, query):
            return page

    class RpcPageRead:  # answers as bench_rpc_page: the same HTTP front calls it
        name = "bench_rpc_page"

        @rpc
        def list_tasks(self, query):
            return page_read(query["limit"])

    class NoDelayServer(WebServer):
        def process_request(self, sock, address):
            # as the gateway's (gateway/http/server.py): without TCP_NODELAY an answer over
            # ~20 kB waits for the client's delayed ACK, 40 ms a request
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return super().process_request(sock, address)

    class NoDelayHttp(HttpRequestHandler):
        server = NoDelayServer()

    class HttpRpcPage:
        name = "bench_http_rpc_page"
        projects = RpcProxy("bench_rpc_page")

        @NoDelayHttp.decorator("GET", "/tasks")
        def tasks(self, request):
            return Response(_http_json(self.projects.list_tasks({"limit": 50})),
                            mimetype="application/json")

    # the chain (bench/notifications_latency.py): POST -> front -(RPC)-> B -(RPC)-> C, then B
    # dispatches an event -> the sink, which prints when it got it
    class ChainFront:
        name = "bench_chain_front"
        projects = RpcProxy("bench_chain_b")

        @http("POST", "/api/v1/tasks/<int:task_id>/assignments")
        def assign(self, request, task_id):
            made = self.projects.add_assignment(task_id, json.loads(request.get_data()))
            return 201, {"Content-Type": "application/json"}, json.dumps(made)

    class ChainB:
        name = "bench_chain_b"
        registry = RpcProxy("bench_chain_c")
        dispatch = EventDispatcher()
        made = itertools.count(1)
        kept = {}  # C's answers by person, as projects keeps its assignees

        @rpc
        def add_assignment(self, task_id, body):
            # a body without "id" makes the person write's shape: no second hop; a person
            # is asked of C once, then kept (the platform forgets on the registry's events)
            if "id" not in body:
                assignee = body
            elif body["id"] in ChainB.kept:
                assignee = ChainB.kept[body["id"]]
            else:
                assignee = ChainB.kept[body["id"]] = self.registry.get_person(body["id"])
            made = {"id": next(ChainB.made), "task_id": task_id, "role": body["role"],
                    "assignee": assignee}
            store = _chain_store()
            if store is not None:  # the assignment and its event, one transaction
                with store:
                    store.execute("INSERT INTO made (id, task_id, role, assignee) "
                                  "VALUES (?, ?, ?, ?)", (made["id"], task_id, made["role"],
                                                          json.dumps(assignee)))
                    store.execute("INSERT INTO outbox (event) VALUES (?)", (json.dumps(made),))
            self.dispatch("task_assigned", made)
            return made

    class ChainC:
        name = "bench_chain_c"

        @rpc
        def get_person(self, person_id):
            return {"kind": "person", "id": person_id, "name": f"Қызметкер {person_id}",
                    "region_code": "KZ-61"}

    class ChainSink:
        name = "bench_chain_sink"

        @event_handler("bench_chain_b", "task_assigned")
        def on_assigned(self, payload):
            store = _chain_store()
            if store is not None:  # the inbox item, its event's id the key
                with store:
                    store.execute("INSERT INTO inbox (id, payload) VALUES (?, ?)",
                                  (payload["id"], json.dumps(payload)))
            print(json.dumps({"id": payload["id"], "at": time.time()}), flush=True)

    # an assignment's whole messaging: the gateway hears every event on a queue of its own
    # (its read cache's feed: a worker and an ack each, nothing else), and notifications
    # republishes each event it took in to the regional stream, confirmed
    class ChainFrontFeed(ChainFront):
        @event_handler("bench_chain_b", "task_assigned", handler_type=BROADCAST,
                       reliable_delivery=False)
        def heard(self, payload):
            pass

    class ChainSinkStream(ChainSink):
        stream = EventDispatcher()

        @event_handler("bench_chain_b", "task_assigned")
        def on_assigned(self, payload):
            ChainSink.on_assigned(self, payload)
            self.stream("task_assigned", payload)

    return {"http": HttpHello, "http-rpc": HttpRpcHello, "rpc": RpcEcho, "events": EventSink,
            "burst": BurstSink, "batched": BatchedSink, "page": RpcPage, "page-read": RpcPageRead,
            "http-page": HttpRpcPage,
            "chain-front": ChainFront, "chain-b": ChainB, "chain-c": ChainC,
            "chain-sink": ChainSink, "chain-front+feed": ChainFrontFeed,
            "chain-sink+stream": ChainSinkStream}


_STORE = []  # the durable chain's SQLite connection in this process, once opened


def _chain_store():
    """With ``BENCH_CHAIN_DB`` (a file path) set, the chain's durable variant: one sqlite3
    connection to that file as kelisim opens its embedded databases (WAL, ``synchronous``
    left FULL: a commit is on disk when it returns), its tables made; else None. One
    connection serves the process's workers: a ``with`` block's statements and commit are
    blocking calls, so no other green thread runs inside one."""
    path = os.environ.get("BENCH_CHAIN_DB")
    if not path:
        return None
    if not _STORE:
        import sqlite3

        store = sqlite3.connect(path, isolation_level=None)
        store.execute("PRAGMA journal_mode=WAL")
        store.executescript(
            "CREATE TABLE IF NOT EXISTS made (id INTEGER PRIMARY KEY, task_id INTEGER, "
            "role TEXT, assignee TEXT);"
            "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, event TEXT);"
            "CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY, payload TEXT);")
        store.isolation_level = ""  # ``with store`` then commits the block's statements
        _STORE.append(store)
    return _STORE[0]


# the columns of projects' ``listed_task`` and of an assignment's listing, as stored
PAGE_COLUMNS = ("id", "plan_id", "project_code", "year", "region_code", "parent_id",
                "template_key", "kind", "title", "title_kk", "description", "start_date",
                "due_date", "duration", "scheduling", "status", "progress", "expected_finish",
                "constraint_kind", "constraint_start", "constraint_due", "constraint_conflict",
                "deliverable", "version")


def _page_reader(path):
    """``read(limit)``: the first page of tasks read from the projects SQLite database at
    ``path`` with plain ``sqlite3`` and made into ``list_tasks``' answer for the admin (no
    filter, by id): the count, the page, its tasks' predecessors and assignments, the four
    statements projects runs for it, and no more (dates are ISO text in the file already,
    no ORM, no unit of work). None without a path. One connection: a worker holds it only
    between two yields, and sqlite3 never yields."""
    if not path:
        return None
    import sqlite3
    from datetime import date

    from services.projects.domain.model import OPEN_STATUSES  # the rule of "overdue"

    db = sqlite3.connect(path, check_same_thread=False)
    select = f"SELECT {', '.join(PAGE_COLUMNS)} FROM tasks ORDER BY id LIMIT ? OFFSET 0"

    def read(limit):
        total = db.execute("SELECT count(*) FROM tasks").fetchone()[0]
        rows = db.execute(select, (limit,)).fetchall()
        ids = [row[0] for row in rows]
        marks = ", ".join("?" * len(ids))
        preds, people = {}, {}
        for pred, succ, lag in db.execute("SELECT predecessor_id, successor_id, lag FROM "
                                          f"dependencies WHERE successor_id IN ({marks})", ids):
            preds.setdefault(succ, []).append(
                {"predecessor_id": pred, "successor_id": succ, "lag": lag})
        for id_, task_id, role, kind, assignee_id, name, region in db.execute(
                "SELECT id, task_id, role, assignee_kind, assignee_id, assignee_name, "
                f"region_code FROM assignments WHERE task_id IN ({marks}) ORDER BY id", ids):
            people.setdefault(task_id, []).append(
                {"id": id_, "task_id": task_id, "role": role, "assignee": {
                    "kind": kind, "id": assignee_id, "name": name, "region_code": region}})
        today = date.today().isoformat()
        items = []
        for row in rows:
            item = dict(zip(PAGE_COLUMNS, row, strict=True))
            if item["constraint_conflict"] is not None:
                item["constraint_conflict"] = json.loads(item["constraint_conflict"])
            item["deliverable"] = bool(item["deliverable"])
            item["overdue"] = (item["status"] in OPEN_STATUSES and item["kind"] != "phase"
                               and item["due_date"] < today)
            item["predecessors"] = preds.get(item["id"], [])
            item["assignments"] = people.get(item["id"], [])
            items.append(item)
        return {"items": items, "total": total, "limit": limit, "offset": 0}

    return read


def _http_json(value):
    """The HTTP answer's body: ``json.dumps`` (UTF-8, as the gateway writes), orjson's where
    kelisim's serializer is installed (``+orjson``: the gateway writes with orjson too)."""
    from kelisim import serialization

    if serialization._installed:
        import orjson

        return orjson.dumps(value)
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def serve(kind, amqp_uri, port=None):
    import eventlet

    import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

    eventlet.monkey_patch()
    from nameko.runners import ServiceRunner

    if kind.endswith("+orjson"):  # kombu's json serializer on orjson, as in every component
        from kelisim import serialization

        serialization.install()
        kind = kind.removesuffix("+orjson")
    config = {"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": 10}
    if port:
        config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{port}"
    runner = ServiceRunner(config)
    runner.add_service(_services()[kind])
    runner.start()
    print("ready", flush=True)
    stopping = []  # a signal handler may not touch eventlet primitives: poll a flag
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    while not stopping:
        eventlet.sleep(0.2)
    runner.kill()


def service(kind, amqp_uri, port=None, env=None):
    """A baseline service in its own process (``KIND+orjson``: with kelisim's serializer;
    ``env``: extra environment, e.g. ``BENCH_PAGE_FILE``); yields the process."""
    return child("serve", kind, amqp_uri, *([port] if port else []), env=env)


@contextmanager
def child(*args, env=None):
    """``baselines.py ARGS`` in a process of its own, once it has printed ``ready``; yields
    the process (its stdout a text pipe), terminated after."""
    proc = subprocess.Popen([sys.executable, str(HERE), *map(str, args)], stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ, **env) if env else None)
    try:
        assert proc.stdout.readline().strip() == "ready", f"{' '.join(args[:2])} did not start"
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --- the measurements ---

def http_hello(amqp_uri, clients, seconds):
    """Bare nameko HTTP: requests/s and latencies with ``clients`` concurrent clients, and
    ``cpu_ms``: the service's CPU milliseconds per request."""
    with http_bare(amqp_uri, clients) as load:
        return load(clients, seconds)


@contextmanager
def http_bare(amqp_uri, clients=16):
    """The bare nameko HTTP of :func:`http_hello` kept running, warmed up by ``clients``;
    yields ``load(clients, seconds)``, which measures it as that function does (so it can
    be measured again and again between other loads)."""
    port = free_port()
    with service("http", amqp_uri, port) as proc:
        url = f"http://127.0.0.1:{port}/hello"
        wait_http(url)
        http_load(url, clients, 1)  # warm up
        yield lambda clients, seconds: cpu_per_request(
            {"http": proc.pid}, lambda: http_load(url, clients, seconds))


def measured(kind, amqp_uri):
    """``rpc_echo`` or ``event_dispatch`` run in a child process (they need eventlet's
    monkey patching, which would turn this process's load-generating threads green)."""
    out = subprocess.run([sys.executable, str(HERE), "measure", kind, amqp_uri],
                         capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def http_rpc_hello(amqp_uri, clients, seconds, extra_pids=None):
    """Bare nameko HTTP making one RPC call per request: requests/s and latencies, and
    ``cpu_ms``: CPU milliseconds per request of the HTTP process (``http``), the RPC echo's
    (``rpc``) and of ``extra_pids`` ({name: pid}, e.g. the broker)."""
    with rpc_hop(amqp_uri, clients) as load:
        return load(clients, seconds, extra_pids)


@contextmanager
def rpc_hop(amqp_uri, clients=16):
    """The bare hop of :func:`http_rpc_hello` kept running, warmed up by ``clients``; yields
    ``load(clients, seconds, extra_pids=None)``, which measures it as that function does
    (so it can be measured again and again between other loads)."""
    port = free_port()
    with service("rpc", amqp_uri) as echo, service("http-rpc", amqp_uri, port) as front:
        url = f"http://127.0.0.1:{port}/hello"
        wait_http(url)
        http_load(url, clients, 1)

        def load(clients, seconds, extra_pids=None):
            pids = dict(extra_pids or {}, http=front.pid, rpc=echo.pid)
            return cpu_per_request(pids, lambda: http_load(url, clients, seconds))

        yield load


def http_rpc_payload(amqp_uri, clients, seconds, page=None, fast_json=False, extra_pids=None,
                     database=None):
    """Bare nameko HTTP + one RPC hop carrying the uncached task page's work: ``GET /tasks``
    calls an ``@rpc`` in another process that answers ``page`` (a JSON-able dict, e.g. the
    platform's own ``GET /api/v1/tasks?limit=50``; default :func:`task_page`), and answers
    it as JSON. ``database``: the ``@rpc`` reads the page from that projects SQLite file
    instead, on every call (:func:`_page_reader`: the page's four statements by plain
    sqlite3). ``fast_json``: both processes with kelisim's orjson serializer and the
    answer written by orjson (as the platform's components), else nameko's stock JSON
    (kombu's) and ``json.dumps``. Returns what :func:`http_rpc_hello` does, plus ``bytes``
    (the HTTP answer's length) and ``answer`` (the answer, parsed)."""
    import tempfile
    import urllib.request

    port, suffix = free_port(), "+orjson" if fast_json else ""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as held:
        kind, env = "page", None
        if database is not None:
            kind, env = "page-read", {"BENCH_PAGE_DB": str(database)}
        elif page is not None:
            json.dump(page, held, ensure_ascii=False)
            held.flush()
            env = {"BENCH_PAGE_FILE": held.name}
        with service(kind + suffix, amqp_uri, env=env) as rpc, \
                service("http-page" + suffix, amqp_uri, port) as front:
            url = f"http://127.0.0.1:{port}/tasks"
            wait_http(url)
            with urllib.request.urlopen(url, timeout=30) as answer:
                body = answer.read()
            http_load(url, clients, 1)
            pids = dict(extra_pids or {}, http=front.pid, rpc=rpc.pid)
            result = cpu_per_request(pids, lambda: http_load(url, clients, seconds))
    return dict(result, bytes=len(body), answer=json.loads(body))


@contextmanager
def chain(amqp_uri, durable_dir=None, whole=False):
    """The bare chain of bench/notifications_latency.py, four processes: ``POST
    /api/v1/tasks/<id>/assignments`` (nameko ``@http``, body ``{"role", "kind", "id"}``)
    -> RPC ``add_assignment`` in B -> B's RPC ``get_person`` to C (the first time it meets
    a person: it keeps the answer, as projects keeps its assignees), then B dispatches
    ``task_assigned`` (nameko's ``EventDispatcher``) and answers ``{"id": n, ...}``
    (201) -> an ``@event_handler`` in the sink prints ``{"id": n, "at": unix time}`` when
    it gets it. Yields (base URL, {"front", "b", "c", "sink": process}); the sink's lines
    are on its stdout. With ``durable_dir`` (a folder), the least a durable assignment
    needs: B commits the assignment and its event in one transaction before dispatching
    it, and the sink commits an inbox row before it notes the event, each to a SQLite file
    of its own in that folder (``_chain_store``), as projects and notifications do. With
    ``whole``, an assignment's whole messaging: the front hears every event too (a queue
    of its own, a worker and an ack each: the gateway's read-cache feed) and the sink
    republishes each event, confirmed (notifications' regional stream)."""
    port = free_port()
    b_env, sink_env = ({"BENCH_CHAIN_DB": str(Path(durable_dir) / f"{name}.db")}
                       if durable_dir else None for name in ("b", "sink"))
    sink_kind, front_kind = (("chain-sink+stream", "chain-front+feed") if whole
                             else ("chain-sink", "chain-front"))
    with service(sink_kind, amqp_uri, env=sink_env) as sink, \
            service("chain-c", amqp_uri) as c, \
            service("chain-b", amqp_uri, env=b_env) as b, \
            service(front_kind, amqp_uri, port) as front:
        wait_http(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}", {"front": front, "b": b, "c": c, "sink": sink}


def chain_load(amqp_uri, clients, seconds, hops=2, extra_pids=None, durable=False,
               whole=False):
    """The bare chain (:func:`chain`) loaded as the platform's writes are by
    load_gateway.py: ``clients`` keep-alive clients POSTing for ``seconds``, each its next
    as soon as the last is answered. ``hops=2``: an assignment's shape (HTTP -> RPC (-> RPC
    the first time, the person then kept) + event -> handler); ``hops=1``: a person's (HTTP
    -> RPC + event -> handler: the body names no person to look up). The floor of each
    write on bare nameko: no database, no validation, a ten-field answer. Returns
    :func:`load_common.http_load`'s figures plus ``cpu_ms``: CPU ms per answered POST of
    the four processes and of ``extra_pids``. ``durable``: the chain's durable variant
    (:func:`chain`'s ``durable_dir``: B and the sink commit to SQLite files of their own,
    as projects and notifications do); ``whole``: with an assignment's whole messaging
    (:func:`chain`'s)."""
    import tempfile
    import threading

    body = json.dumps({"role": "R", "kind": "person", **({"id": 7} if hops == 2 else {})})
    with tempfile.TemporaryDirectory() as folder, \
            chain(amqp_uri, folder if durable else None, whole) as (base, procs):
        # the sink prints a line per event: read them, or its pipe fills and it blocks
        threading.Thread(target=lambda: [None for _ in procs["sink"].stdout],
                         daemon=True).start()
        url = f"{base}/api/v1/tasks/1/assignments"
        load = lambda secs: http_load(url, clients, secs, "POST",  # noqa: E731
                                      {"Content-Type": "application/json"}, body, expect=201)
        load(1)  # warm up
        pids = dict(extra_pids or {}, **{name: proc.pid for name, proc in procs.items()})
        return cpu_per_request(pids, lambda: load(seconds))


def rpc_echo(amqp_uri, calls=300):
    """Bare nameko RPC round trip, one caller: median and p99 in ms."""
    import eventlet

    import kelisim  # noqa: F401

    eventlet.monkey_patch()
    from nameko.standalone.rpc import ServiceRpcProxy

    with service("rpc", amqp_uri):
        with ServiceRpcProxy("bench_rpc_echo", {"AMQP_URI": amqp_uri,
                                                "serializer": "json"}) as echo:
            echo.echo("warm")
            took = []
            for n in range(calls):
                started = time.perf_counter()
                echo.echo(n)
                took.append(time.perf_counter() - started)
    p50, p99, _ = percentiles(took)
    return {"p50_ms": p50, "p99_ms": p99, "per_s_one_caller": 1 / statistics.mean(took)}


def event_dispatch(amqp_uri, rate=50.0, count=500):
    """Bare nameko event dispatch -> handler at a steady ``rate``: p50 and p99 in ms."""
    import eventlet

    import kelisim  # noqa: F401

    eventlet.monkey_patch()
    from nameko.standalone.events import event_dispatcher

    lags = []
    with service("events", amqp_uri) as proc:
        reader = eventlet.spawn(lambda: [lags.append(json.loads(line)["lag"])
                                         for line in proc.stdout])
        dispatch = event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})
        dispatch("bench_events", "happened", {"sent": time.time(), "n": -1})
        eventlet.sleep(0.5)
        del lags[:]
        send_paced(dispatch, "bench_events", "happened", rate, count, lambda: len(lags),
                   every=0.05)
        reader.kill()
    p50, p99, _ = percentiles(lags)
    return {"p50_ms": p50, "p99_ms": p99, "received": len(lags), "rate": rate}


def event_burst(amqp_uri, count=10_000):
    """The floor of a burst: ``count`` persistent events published at once (py-amqp's
    ``basic_publish``, no confirms, no work per message) to a bare nameko
    ``@event_handler`` that only counts them (nameko's default 10 workers). Seconds from
    the first publish until all are written (``published_s``) and until the handler has
    received the last (``consumed_s``), and the handler's CPU seconds (``cpu_s``)."""
    import amqp
    from kombu import Connection
    from load_common import cpu_seconds

    with service("burst", amqp_uri) as proc:
        with Connection(amqp_uri) as conn:  # its channel is py-amqp's
            channel = conn.channel()
            channel.exchange_declare("bench_events.events", "topic", durable=True,
                                     auto_delete=False)
            cpu = cpu_seconds(proc.pid)
            started = time.time()
            for n in range(count):
                channel.basic_publish(
                    amqp.Message(json.dumps({"n": n, "of": count}), delivery_mode=2,
                                 content_type="application/json", content_encoding="utf-8"),
                    exchange="bench_events.events", routing_key="burst")
            published = time.time()
        done = json.loads(proc.stdout.readline())["done"]
        return {"published_s": published - started, "consumed_s": done - started,
                "cpu_s": cpu_seconds(proc.pid) - cpu, "count": count}


RAW_SOURCE, RAW_QUEUE, RAW_KEY = "bench_raw", "bench_raw_burst", "deadline_slipped"
BATCHED_SOURCE = "bench_batched"  # its own exchange: nothing else bound to what it is sent


def slipped_envelope():
    """One ``deadline_slipped`` envelope as the outbox stores and the relay publishes it
    (UTF-8 JSON bytes, :func:`kelisim.serialization.dumps`): a task halfway down
    bench/projects_slip.py's graph (a chain of 27 task ids, its R and A), ~930 bytes."""
    from datetime import date

    from kelisim import serialization
    from kelisim.events.envelope import new_envelope, uuid4_text
    from services.projects.domain.events import DeadlineSlipped, envelope_of

    event = DeadlineSlipped(
        task_id=5261, task_title="Задача 25.3", task_title_kk=None, plan_id=12,
        project_code="mediation", region_code="KZ-61", start_date=date(2027, 3, 1),
        due_date=date(2027, 3, 3), old_start_date=date(2027, 2, 22),
        old_due_date=date(2027, 2, 24), cause_task_id=1,
        chain=[1, *range(5011, 5262, 10)], reason="bench: the methodology is approved a week late",
        responsible=[{"kind": "org_unit", "id": 17, "name": "KGU", "region_code": "KZ-61"},
                     {"kind": "structure", "id": 1017, "name": "Совет медиации",
                      "region_code": "KZ-61"}])
    event_type, data, regions = envelope_of(event)
    envelope = new_envelope(event_type, data, source="projects", correlation_id=uuid4_text(),
                            regions=regions)
    return serialization.dumps(envelope.to_message())


def _raw_queue(conn, prefetch):
    """A py-amqp channel of kombu ``conn`` with :data:`RAW_QUEUE` declared (durable) and
    bound to :data:`RAW_SOURCE`'s event exchange (nameko's kind) for :data:`RAW_KEY`,
    ``prefetch`` unacknowledged deliveries at most."""
    from kelisim.events.topology import event_exchange

    channel = conn.channel()
    exchange = event_exchange(RAW_SOURCE)(channel)
    exchange.declare()
    channel.queue_declare(RAW_QUEUE, durable=True, auto_delete=False)
    channel.queue_bind(RAW_QUEUE, exchange.name, RAW_KEY)
    channel.basic_qos(0, prefetch, False)
    return channel


def raw_consume(amqp_uri, count):
    """The raw consumer (``baselines.py raw-consume AMQP_URI COUNT``, a process of its
    own): py-amqp, prefetch 500, ``json.loads`` of each body and nothing else, acks with
    ``multiple`` every 250 messages and at the last. Prints ``ready`` once its durable
    queue is bound, then ``{"done": unix time, "cpu_s": its CPU seconds since ready}``
    after the ``count``-th message."""
    from kombu import Connection

    with Connection(amqp_uri) as conn:  # its channel is py-amqp's
        channel = _raw_queue(conn, 500)
        seen = 0

        def on_message(message):
            nonlocal seen
            json.loads(message.body)
            seen += 1
            if seen % 250 == 0 or seen == count:
                channel.basic_ack(message.delivery_tag, multiple=True)

        channel.basic_consume(RAW_QUEUE, callback=on_message)
        print("ready", flush=True)
        cpu = time.process_time()
        while seen < count:
            conn.drain_events()
        print(json.dumps({"done": time.time(), "cpu_s": time.process_time() - cpu}), flush=True)


def _warmed_publisher(amqp_uri):
    """kelisim's ``ConfirmedBatchPublisher`` for ``amqp_uri``, its pooled connection and
    confirm-mode channel opened (left in the pool) before any clock starts."""
    from kelisim.events.publisher import ConfirmedBatchPublisher

    publisher = ConfirmedBatchPublisher(amqp_uri)
    with publisher.raw_batch():
        pass
    return publisher


def _broker_meter():
    """The local RabbitMQ node's idle CPU rate read over a second (other vhosts' traffic,
    its own upkeep); returns ``used(started)``: its CPU seconds since that reading and how
    much of them its idle rate accounts for since ``started`` (unix time), or None if the
    node is not local."""
    from load_common import broker_pid, cpu_seconds

    broker = broker_pid()
    if not broker:
        return lambda started: None
    before = cpu_seconds(broker)
    time.sleep(1.0)
    at = cpu_seconds(broker)
    idle = at - before
    return lambda started: (cpu_seconds(broker) - at, idle * (time.time() - started))


def raw_burst(amqp_uri, count=10_001):
    """The broker's floor of a burst, no nameko: ``count`` persistent copies of
    :func:`slipped_envelope` published in one confirmed batch (kelisim's
    ``ConfirmedBatchPublisher.raw_batch``, as the outbox relay sends, confirms awaited once
    at the end) to a durable queue, consumed by :func:`raw_consume` in another process.
    Returns seconds from the first publish until all are confirmed (``confirmed_s``) and
    until the consumer has the last (``consumed_s``); CPU seconds of this process while it
    publishes (``publisher_cpu_s``), of the consumer (``consumer_cpu_s``) and of the
    RabbitMQ node over the whole (``broker_cpu_s``: that and how much of it its idle rate
    over the second before accounts for; None if it is not local); the body's ``bytes``."""
    from kelisim.context import CORRELATION_KEY
    from kelisim.events.envelope import uuid4_text
    from kelisim.events.topology import event_exchange

    body = slipped_envelope()
    correlation, ids = json.loads(body)["correlation_id"], [uuid4_text() for _ in range(count)]
    exchange = event_exchange(RAW_SOURCE)
    publisher = _warmed_publisher(amqp_uri)
    with child("raw-consume", amqp_uri, count) as proc:
        broker_used = _broker_meter()
        cpu, started = time.process_time(), time.time()
        with publisher.raw_batch() as send:
            for message_id in ids:
                send(body, exchange=exchange, routing_key=RAW_KEY, message_id=message_id,
                     headers={f"nameko.{CORRELATION_KEY}": correlation})
        confirmed, cpu = time.time(), time.process_time() - cpu
        consumer = json.loads(proc.stdout.readline())
        broker_cpu = broker_used(started)
        return {"count": count, "bytes": len(body), "confirmed_s": confirmed - started,
                "consumed_s": consumer["done"] - started, "publisher_cpu_s": cpu,
                "consumer_cpu_s": consumer["cpu_s"], "broker_cpu_s": broker_cpu}


SHAPE_STREAM = "bench_shape.stream"  # a topic exchange, nothing bound (as in the slip bench)
SHAPE_BATCH = 250  # events per transaction and per ack, as notifications takes them


def _least_work(amqp_uri, database):
    """``(work, connection)``: ``work([(event, body)])`` does what notifications
    must do with a batch of events and nothing more: one inbox row per event (its id the
    primary key, which makes a redelivery a no-op; the KGU's id, a title, the payload as
    JSON by orjson) written with one multi-row INSERT and committed on PostgreSQL
    ``database``, then each ``body`` republished once, persistent, on :data:`SHAPE_STREAM`
    (kelisim's ``raw_batch``, confirms awaited once); it returns the unix time of the
    commit. Connected and the exchange declared before it returns (outside any clock).
    The floor of notifications' design: one batch at a time, committed, then streamed."""
    import psycopg2
    from kombu import Exchange
    from psycopg2.extras import execute_values

    from kelisim import serialization
    from kelisim.events.publisher import ConfirmedBatchPublisher

    db = psycopg2.connect(database)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS inbox (event_id text PRIMARY KEY, "
                       "org_unit_id integer NOT NULL, title text NOT NULL, data json NOT NULL, "
                       "created_at timestamptz NOT NULL DEFAULT now())")
    db.commit()
    stream, publisher = Exchange(SHAPE_STREAM, "topic", durable=True), ConfirmedBatchPublisher(amqp_uri)
    with publisher.raw_batch() as send:  # connected, the exchange declared: before any clock
        send(b"{}", exchange=stream, routing_key="warm-up", headers={})  # routed nowhere

    def work(batch):
        rows = [(event["id"], event["data"]["responsible"][0]["id"],
                 f"Мерзімі жылжыды: {event['data']['task_title']}",
                 serialization.dumps(event["data"]).decode()) for event, _ in batch]
        with db.cursor() as cursor:
            execute_values(cursor, "INSERT INTO inbox (event_id, org_unit_id, title, data) "
                           "VALUES %s ON CONFLICT (event_id) DO NOTHING", rows,
                           page_size=len(rows))
        db.commit()
        committed = time.time()
        with publisher.raw_batch() as send:
            for event, body in batch:
                send(body, exchange=stream,
                     routing_key=f"{event['regions'][0]}.projects.deadline_slipped",
                     message_id=event["id"], headers={})
        return committed

    return work, db


def shape_consume(amqp_uri, count, database):
    """The slip's consumer at its floor (``baselines.py shape-consume AMQP_URI COUNT URL``,
    a process of its own): what notifications must do with each event, and nothing more,
    with py-amqp and psycopg2 and no framework. Per batch of :data:`SHAPE_BATCH`
    deliveries (prefetch ``2 * SHAPE_BATCH``): each body decoded (orjson, as kelisim), the batch's
    least work (:func:`_least_work`: inbox rows committed on PostgreSQL ``database``, the
    stream), then one ``multiple`` ack. Prints ``ready`` once its durable queue is
    bound, then ``{"committed": unix time of the last commit, "done": after the last ack,
    "cpu_s": its CPU seconds since ready}``."""
    from kombu import Connection

    from kelisim import serialization

    least_work, db = _least_work(amqp_uri, database)
    with Connection(amqp_uri) as conn:  # its channel is py-amqp's
        channel = _raw_queue(conn, 2 * SHAPE_BATCH)
        batch, seen, committed = [], 0, None

        def on_message(message):
            nonlocal seen, committed
            batch.append((message, serialization.loads(message.body)))
            seen += 1
            if len(batch) < SHAPE_BATCH and seen < count:
                return
            committed = least_work([(event, delivered.body) for delivered, event in batch])
            channel.basic_ack(batch[-1][0].delivery_tag, multiple=True)
            batch.clear()

        channel.basic_consume(RAW_QUEUE, callback=on_message)
        print("ready", flush=True)
        cpu = time.process_time()
        while seen < count:
            conn.drain_events()
        print(json.dumps({"committed": committed, "done": time.time(),
                          "cpu_s": time.process_time() - cpu}), flush=True)
    time.sleep(60)  # its database connection open until terminated: its backend's CPU is read
    db.close()


def _slipped_bodies(count):
    """``count`` copies of :func:`slipped_envelope` as JSON bytes, each with its own id
    (and task id, so their inbox rows differ): ``[(id, body)]``, and their correlation id."""
    from kelisim.events.envelope import uuid4_text

    template = json.loads(slipped_envelope())
    bodies = []
    for n in range(count):
        template["id"] = uuid4_text()
        template["data"]["task_id"] = n
        bodies.append((template["id"], json.dumps(template, ensure_ascii=False).encode()))
    return bodies, template["correlation_id"]


def _publish_all(publisher, exchange, bodies, correlation):
    """Publish ``bodies`` ``[(id, body)]`` to ``exchange`` as the outbox relay does (one
    ``raw_batch`` of ``publisher``, confirms awaited once at the end)."""
    from kelisim.context import CORRELATION_KEY

    with publisher.raw_batch() as send:
        for message_id, body in bodies:
            send(body, exchange=exchange, routing_key=RAW_KEY, message_id=message_id,
                 headers={f"nameko.{CORRELATION_KEY}": correlation})


def shape_burst(amqp_uri, database, count=10_001):
    """The floor of a slip's events after its commit, no nameko: ``count`` copies of
    :func:`slipped_envelope` (each its own id) published as :func:`raw_burst` publishes
    them (the outbox relay's way, from memory: no outbox read), consumed by
    :func:`shape_consume` in another process, whose inbox rows go to PostgreSQL
    ``database`` (an empty throw-away one). Returns seconds from the first publish until
    the last inbox row is committed (``committed_s``) and the last event acked
    (``done_s``); CPU seconds of this process while it publishes, of the consumer, of the
    RabbitMQ node (as :func:`raw_burst`) and of the consumer's PostgreSQL backend."""
    from load_common import PostgresCpu

    from kelisim.events.topology import event_exchange

    bodies, correlation = _slipped_bodies(count)
    exchange = event_exchange(RAW_SOURCE)
    publisher = _warmed_publisher(amqp_uri)
    postgres = PostgresCpu([database.rsplit("/", 1)[1]])
    with child("shape-consume", amqp_uri, count, database) as proc:
        pg_cpu = postgres()
        broker_used = _broker_meter()
        cpu, started = time.process_time(), time.time()
        _publish_all(publisher, exchange, bodies, correlation)
        confirmed, cpu = time.time(), time.process_time() - cpu
        consumer = json.loads(proc.stdout.readline())
        return {"count": count, "confirmed_s": confirmed - started,
                "committed_s": consumer["committed"] - started,
                "done_s": consumer["done"] - started, "publisher_cpu_s": cpu,
                "consumer_cpu_s": consumer["cpu_s"], "broker_cpu_s": broker_used(started),
                "postgres_cpu_s": postgres() - pg_cpu}


def batched_burst(amqp_uri, count=10_001, database=None):
    """The floor of a slip's events on the platform's own consumer path: ``count`` copies
    of :func:`slipped_envelope` (each its own id) published as :func:`raw_burst` does (the
    relay's way) to a nameko service whose one handler is kelisim's ``on_event(...,
    batch=250)`` (as notifications takes them: each envelope checked, a batch acked at
    once) and only counts, or with PostgreSQL ``database`` (an empty throw-away one) also
    does the least work (:func:`_least_work`). Seconds from the first publish until the
    last is confirmed (``confirmed_s``), handled (``consumed_s``) and, with ``database``,
    its inbox row committed (``committed_s``); CPU seconds of the handler's process
    (``cpu_s``) and of its PostgreSQL backends (``postgres_cpu_s``)."""
    from load_common import PostgresCpu, cpu_seconds

    from kelisim.events.topology import event_exchange

    bodies, correlation = _slipped_bodies(count)
    exchange = event_exchange(BATCHED_SOURCE)
    env = {"BENCH_COUNT": str(count), "BENCH_AMQP_URI": amqp_uri, "BENCH_DATABASE": database or ""}
    postgres = PostgresCpu([database.rsplit("/", 1)[1]]) if database else (lambda: 0.0)
    with service("batched+orjson", amqp_uri, env=env) as proc:  # kombu's JSON as in the components
        publisher = _warmed_publisher(amqp_uri)
        cpu, pg_cpu, started = cpu_seconds(proc.pid), postgres(), time.time()
        _publish_all(publisher, exchange, bodies, correlation)
        confirmed = time.time()
        done = json.loads(proc.stdout.readline())
        return {"count": count, "confirmed_s": confirmed - started,
                "consumed_s": done["done"] - started,
                "committed_s": done["committed"] and done["committed"] - started,
                "cpu_s": cpu_seconds(proc.pid) - cpu, "postgres_cpu_s": postgres() - pg_cpu}


def raw_burst_text(burst):
    """:func:`raw_burst`'s figures in one line."""
    broker = "n/a" if burst["broker_cpu_s"] is None else \
        "{:.2f} s ({:.2f} s of it at its idle rate)".format(*burst["broker_cpu_s"])
    return (f"{burst['count']} persistent {burst['bytes']}-byte messages, py-amqp to py-amqp "
            f"(no nameko): confirmed in {burst['confirmed_s']:.2f} s, consumed in "
            f"{burst['consumed_s']:.2f} s; CPU: publisher {burst['publisher_cpu_s']:.2f} s, "
            f"consumer {burst['consumer_cpu_s']:.2f} s "
            f"({1000 * burst['consumer_cpu_s'] / burst['count']:.3f} ms per message), "
            f"RabbitMQ {broker}")


def payload_text(payload, hop, clients, fast_json):
    """:func:`http_rpc_payload`'s figures in one line, beside the bare hop's."""
    how = "orjson, as kelisim's components" if fast_json else "nameko's stock JSON"
    return (f"bare nameko HTTP + one RPC hop answering a {payload['bytes'] / 1000:.1f} kB "
            f"page of 50 tasks ({how}), {clients} clients: {payload['per_s']:.0f} req/s = "
            f"{payload['per_s'] / hop['per_s']:.0%} of the bare hop, p50 "
            f"{payload['p50_ms']:.1f} ms, p99 {payload['p99_ms']:.1f} ms, "
            f"{payload['errors']} errors")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    with vhost() as amqp_uri:
        hello = http_hello(amqp_uri, args.clients, args.seconds)
        print(f"bare nameko HTTP hello, {args.clients} clients: {hello['per_s']:.0f} req/s, "
              f"p50 {hello['p50_ms']:.1f} ms, p99 {hello['p99_ms']:.1f} ms, "
              f"{hello['errors']} errors")
        hop = http_rpc_hello(amqp_uri, args.clients, args.seconds)
        print(f"bare nameko HTTP + one RPC hop, {args.clients} clients: {hop['per_s']:.0f} "
              f"req/s, p50 {hop['p50_ms']:.1f} ms, p99 {hop['p99_ms']:.1f} ms")
        for fast in (False, True):
            print(payload_text(http_rpc_payload(amqp_uri, args.clients, args.seconds,
                                                fast_json=fast), hop, args.clients, fast))
        for hops, shape in ((1, "a person's"), (2, "an assignment's")):
            write = chain_load(amqp_uri, args.clients, args.seconds, hops)
            print(f"bare chain loaded, {shape} shape (1 RPC hop + event"
                  f"{', a second hop for a person met first' if hops > 1 else ''}), "
                  f"{args.clients} clients: {write['per_s']:.0f} req/s = "
                  f"{write['per_s'] / hop['per_s']:.0%} of the bare hop, p50 "
                  f"{write['p50_ms']:.1f} ms, p99 {write['p99_ms']:.1f} ms, "
                  f"{write['errors']} errors")
        echo = measured("rpc", amqp_uri)
        print(f"bare nameko RPC echo: p50 {echo['p50_ms']:.2f} ms, p99 {echo['p99_ms']:.2f} ms")
        events = measured("events", amqp_uri)
        print(f"bare nameko event dispatch at {events['rate']:g}/s: p50 {events['p50_ms']:.2f} "
              f"ms, p99 {events['p99_ms']:.2f} ms")
        burst = event_burst(amqp_uri)
        print(f"bare burst of {burst['count']} events: published in {burst['published_s']:.2f} s, "
              f"consumed by a bare nameko handler in {burst['consumed_s']:.2f} s "
              f"({burst['cpu_s']:.2f} s of its CPU)")
        print(f"raw burst: {raw_burst_text(raw_burst(amqp_uri))}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else None)
    elif sys.argv[1:2] == ["raw-consume"]:
        raw_consume(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1:2] == ["shape-consume"]:
        shape_consume(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1:2] == ["measure"]:
        measure = {"rpc": rpc_echo, "events": event_dispatch}[sys.argv[2]]
        print(json.dumps(measure(sys.argv[3])), flush=True)
    else:
        main()
