"""Assignment-to-inbox latency at a steady rate, with every service running as `make run`
starts them (registry, projects, reports, notifications, gateway: one process each).

Each assignment is a real ``POST /api/v1/tasks/{id}/assignments`` at the gateway; the
projects service commits it with its task_assigned event (outbox), the relay publishes
it, notifications takes it in and writes the KGU's inbox item. Latency is measured from
the moment the request is sent to the moment the item is committed in the KGU's inbox
(seen by polling the notifications database every 2 ms), for ``--rate`` assignments per
second over ``--seconds``. Beside it, measured in the same run on the same broker: bare
nameko event dispatch to a handler (nameko's event_dispatcher -> @event_handler) at the
same rate, and the part from the event's occurred_at to the inbox commit.

First, the same shape of work on bare nameko (bench/baselines.py ``chain``, four processes
of their own): the same loader POSTs at ``--rate`` for as many requests to an ``@http``
route, which calls B over RPC; B calls C over RPC the first time it meets a person (then
keeps the answer, as projects keeps its assignees), dispatches an event (nameko's
EventDispatcher) and answers 201; an ``@event_handler`` in the fourth process notes when it
got the event. Reported: the rate the chain sustained, p50/p99 from sending the POST to
the handler's receipt, how many were lost or refused, each process's CPU per request (the
loader's and RabbitMQ's too: all share the two cores). Then the same chain with the least
that keeps an assignment and its inbox item when a process dies: B commits the
assignment and its event in one SQLite transaction before dispatching it, and the
handler commits the inbox row before noting it (each its own file, WAL, a commit on disk
when it returns: as projects and notifications on the embedded default). Then an
assignment's whole messaging and commits on bare nameko: that chain, the event heard by
the front too (the gateway's read-cache feed) and republished by the handler, confirmed
(notifications' regional stream).

Then, to isolate the notifications service, catalogue-valid task_assigned envelopes are
published straight to ``projects.events`` at the same rate (as the outbox relay does) and
measured from publish to the committed inbox item.

    .venv/bin/python bench/notifications_latency.py [--rate 200] [--seconds 10]
"""
import eventlet

import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import baselines  # noqa: E402
import requests  # noqa: E402
from kombu import Connection  # noqa: E402
from kombu.entity import PERSISTENT_DELIVERY_MODE  # noqa: E402
from load_common import (  # noqa: E402
    broker_pid,
    cpu_seconds,
    kelisim_run,
    machine_times,
    percentiles,
    platform_env,
    rss_mb,
    send_paced,
    steal_share,
    vhost,
)
from nameko.events import event_handler  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402

from kelisim.events.envelope import new_envelope  # noqa: E402
from kelisim.events.topology import event_exchange  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ADMIN_TOKEN = "bench-admin-" + uuid.uuid4().hex
API = "/api/v1"
TARGET_P99_MS = 100.0


@contextmanager
def platform(amqp_uri, data_dir):
    """`kelisim run` in its own process group; yields the gateway's base URL and the pid of
    `kelisim run` (:func:`components` gives its components')."""
    with kelisim_run(platform_env(amqp_uri, data_dir, ADMIN_TOKEN), data_dir) as (proc, base):
        sampling = eventlet.spawn(sample_memory, proc.pid)
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the platform did not start:\n" +
                                       (Path(data_dir) / "platform.log").read_text()[-3000:])
                try:
                    if requests.get(f"{base}/health", timeout=5).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                time.sleep(0.5)
            yield base, proc.pid
        finally:
            sampling.kill()


PEAK_RSS = {}


def components(parent):
    """{component: pid} of the processes `kelisim run` (pid ``parent``) started."""
    with open(f"/proc/{parent}/task/{parent}/children") as children:
        pids = children.read().split()
    found = {}
    for pid in pids:
        with open(f"/proc/{pid}/cmdline") as cmdline:
            found[cmdline.read().split("\0")[-2]] = int(pid)
    return found


def sample_memory(parent):
    """Peak resident memory of each component `kelisim run` started, every 0.2 s."""
    while True:
        try:
            for name, pid in components(parent).items():
                PEAK_RSS[name] = max(PEAK_RSS.get(name, 0.0), rss_mb(pid))
        except (OSError, IndexError):
            pass
        eventlet.sleep(0.2)


class Api:
    def __init__(self, base):
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"

    def call(self, method, path, **kwargs):
        response = self.session.request(method, self.base + path, timeout=30, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()


BARE = []


class BareConsumer:
    """The baseline: a plain nameko event handler noting when each event arrived."""

    name = "bench_bare_consumer"

    @event_handler("bench_bare", "assigned")
    def on_assigned(self, payload):
        BARE.append(time.time() - payload["sent"])


def bare_baseline(amqp_uri, rate, count):
    config = {"AMQP_URI": amqp_uri, "serializer": "json"}
    runner = ServiceRunner(config)
    runner.add_service(BareConsumer)
    runner.start()
    try:
        dispatch = event_dispatcher(config)
        eventlet.sleep(0.5)
        send_paced(dispatch, "bench_bare", "assigned", rate, count, lambda: len(BARE))
    finally:
        runner.kill()
    return list(BARE)


def bare_chain(amqp_uri, rate, count, durable_dir=None, whole=False):
    """The bare chain (:func:`baselines.chain`; with ``durable_dir``, its two commits; with
    ``whole`` too, an assignment's whole messaging)
    loaded as the platform is (:func:`load`: ``count`` POSTs at ``rate`` per second,
    after 20 at 10/s to warm up). Returns
    ``sent`` ({id: (sent, answered)}), ``errors`` (refused or failed POSTs), ``took`` (s
    to send and answer them all), ``received`` ({id: unix time the handler got it}; at most
    30 s after the last answer) and ``cpu_ms`` ({process: CPU ms per accepted POST},
    RabbitMQ's too if local, and ``loader``: this process's while it sent them)."""
    received = {}
    with baselines.chain(amqp_uri, durable_dir, whole) as (base, procs):
        def read():
            for line in procs["sink"].stdout:
                item = json.loads(line)
                received.setdefault(item["id"], item["at"])

        reader = eventlet.spawn(read)
        # 20 people over and over, as the platform's load assigns its KGU's 20 (setup):
        # B asks C of each once, then keeps the answer, as projects keeps its assignees
        pairs = [(1 + n % 34, "RCI"[n % 3], n % 20) for n in range(count + 20)]
        warm, _, _ = load(base, pairs[:20], 10, 20)
        wait_for(lambda: set(warm) <= set(received), 30)
        pids = {name: proc.pid for name, proc in procs.items()}
        broker = broker_pid()
        if broker:
            pids["rabbitmq"] = broker
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        loader = time.process_time()  # this process: the loader, on the same two cores
        sent, errors, took = load(base, pairs[20:], rate, count)
        loader = time.process_time() - loader
        wait_for(lambda: set(sent) <= set(received), 30)
        cpu_ms = {name: (cpu_seconds(pid) - before[name]) * 1000 / max(1, len(sent))
                  for name, pid in pids.items()}
        cpu_ms["loader"] = loader * 1000 / max(1, len(sent))
        reader.kill()
    return {"sent": sent, "errors": errors, "took": took, "received": dict(received),
            "cpu_ms": cpu_ms}


def wait_for(done, timeout):
    deadline = time.time() + timeout
    while not done() and time.time() < deadline:
        eventlet.sleep(0.05)


CHAIN = "bare chain (HTTP → RPC + event; B asks C of a person once)"


def chain_text(chain, rate, what=CHAIN):
    """:func:`bare_chain`'s figures in one line; and the latencies (s) it was made from."""
    sent, received = chain["sent"], chain["received"]
    arrived = [a for a in sent if a in received]
    total = [received[a] - sent[a][0] for a in arrived]
    p50, p99, top = percentiles(total)
    answered = percentiles([sent[a][1] - sent[a][0] for a in sent])
    cpu = ", ".join(f"{name} {ms:.2f}" for name, ms in chain["cpu_ms"].items())
    return (f"{what} at {rate:g}/s: {len(sent)} POSTs "
            f"answered 201 in {chain['took']:.1f} s ({len(sent) / chain['took']:.1f}/s), "
            f"201 p50 {answered[0]:.1f} ms, p99 {answered[1]:.1f} ms; POST sent -> handler "
            f"got the event p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {top:.1f} ms; "
            f"{len(sent) - len(arrived)} lost, {len(chain['errors'])} errors; "
            f"CPU ms per POST: {cpu}"), total


DURABLE = "bare chain with its two commits (B: the assignment and its event; sink: the inbox row)"
WHOLE = ("bare chain, an assignment's whole (its two commits, the event heard by the front "
         "too, republished by the sink, confirmed)")


class InboxWatcher:
    """Polls the notifications database for new inbox items: when each was first seen."""

    def __init__(self, path, interval=0.002):
        self.path = path
        self.interval = interval
        self.seen = {}       # assignment id -> (seen at, created_at, occurred_at)
        self.last_id = 0
        self.running = True

    def run(self):
        conn = sqlite3.connect(self.path, timeout=5)
        try:
            while self.running:
                rows = conn.execute(
                    "SELECT id, json_extract(data, '$.assignment_id'), created_at, occurred_at "
                    "FROM inbox_items WHERE id > ? AND event_type = 'task_assigned' "
                    "ORDER BY id", (self.last_id,)).fetchall()
                now = time.time()
                for item_id, assignment_id, created, occurred in rows:
                    self.last_id = item_id
                    self.seen.setdefault(assignment_id, (now, _ts(created), _ts(occurred)))
                time.sleep(self.interval)  # a real OS sleep: this runs in its own thread
        finally:
            conn.close()


def _ts(value):
    """A UTC timestamp as SQLite keeps it (the zone dropped), in epoch seconds."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp() \
        if value else None


def setup(api):
    """Roll mediation out to Turkistan; twenty people in its KGU to assign tasks to (34
    tasks x 3 roles x 20 people: 2 040 distinct assignments, 10 s at 200/s)."""
    api.call("POST", f"{API}/projects/mediation/rollouts", json={"year": 2026,
                                                                  "regions": ["KZ-61"]})
    kgu = api.call("GET", f"{API}/regions/KZ-61/kgu")["org_unit"]
    people = [api.call("POST", f"{API}/people", json={
        "full_name": f"Қызметкер {n}", "org_unit_id": kgu["id"]})["id"] for n in range(20)]
    tasks = api.call("GET", f"{API}/tasks", params={"region": "KZ-61", "limit": 200})["items"]
    pairs = [(task["id"], role, person) for role in ("R", "C", "I") for person in people
             for task in tasks]
    return kgu, pairs


def load(api_base, pairs, rate, count):
    """POST ``count`` assignments at ``rate`` per second; {assignment id: (sent, answered)}."""
    sent = {}
    errors = []
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"

    def post(task_id, role, person):
        started = time.time()
        try:
            response = session.post(f"{api_base}{API}/tasks/{task_id}/assignments",
                                    json={"role": role, "kind": "person", "id": person},
                                    timeout=30)
            answered = time.time()
            if response.status_code != 201:
                errors.append(f"{response.status_code} {response.text[:200]}")
                return
            sent[response.json()["id"]] = (started, answered)
        except requests.RequestException as exc:
            errors.append(repr(exc))

    pool = eventlet.GreenPool(200)
    began = time.time()
    for n, (task_id, role, person) in enumerate(pairs[:count]):
        eventlet.sleep(max(0.0, began + n / rate - time.time()))
        pool.spawn_n(post, task_id, role, person)
    pool.waitall()
    return sent, errors, time.time() - began


def publish_events(amqp_uri, kgu, rate, count, first_id):
    """Publish ``count`` task_assigned envelopes at ``rate``; {assignment id: (sent, sent)}."""
    sent = {}
    exchange = event_exchange("projects")
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer(serializer="json")
        began = time.time()
        for n in range(count):
            eventlet.sleep(max(0.0, began + n / rate - time.time()))
            envelope = new_envelope("task_assigned", {
                "task_id": 1, "task_title": "Бенчмарк", "project_code": "mediation",
                "region_code": "KZ-61", "assignment_id": first_id + n, "role": "R",
                "assignee": {"kind": "org_unit", "id": kgu["id"]}},
                source="projects", correlation_id=str(uuid.uuid4()), regions=["KZ-61"])
            at = time.time()
            producer.publish(envelope.to_message(), exchange=exchange, routing_key="task_assigned",
                             delivery_mode=PERSISTENT_DELIVERY_MODE, message_id=envelope.id)
            sent[first_id + n] = (at, at)
    return sent, [], time.time() - began


def relay_split(data_dir, assignment_ids):
    """For the gateway path: (emitted -> marked published by the projects relay, marked
    published -> taken in by notifications), from both databases' own stamps. The relay
    marks a batch published after the broker confirmed all of it, so the second part can
    be negative."""
    wanted = set(assignment_ids)
    with sqlite3.connect(Path(data_dir) / "projects.db") as projects:
        published = {event_id: (_ts(created), _ts(done)) for event_id, created, done, assignment
                     in projects.execute(
                         "SELECT event_id, created_at, published_at, "
                         "json_extract(envelope, '$.data.assignment_id') FROM outbox "
                         "WHERE event_type = 'task_assigned'") if assignment in wanted}
    with sqlite3.connect(Path(data_dir) / "notifications.db") as notifications:
        received = {event_id: _ts(at) for event_id, at in notifications.execute(
            "SELECT event_id, received_at FROM received_events")}
    relay, onward = [], []
    for event_id, (created, done) in published.items():
        if done is not None and event_id in received:
            relay.append(done - created)
            onward.append(received[event_id] - done)
    return relay, onward


def wait_seen(watcher, ids, timeout=60):
    deadline = time.time() + timeout
    while not set(ids) <= set(watcher.seen) and time.time() < deadline:
        time.sleep(0.05)


def print_rows(rows):
    for label, values in rows:
        if len(values) >= 2:
            p50, p99, top = percentiles(values)
            print(f"{label:<58}{p50:>9.1f}{p99:>9.1f}{top:>9.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    count = int(args.rate * args.seconds)
    with vhost() as amqp_uri, tempfile.TemporaryDirectory() as data_dir, \
            platform(amqp_uri, data_dir) as (base, parent):
        print(f"platform up (kelisim run: 5 processes, SQLite) on {os.cpu_count()} cores",
              flush=True)
        machine = machine_times()
        chain = bare_chain(amqp_uri, args.rate, count)
        chain_line, chain_total = chain_text(chain, args.rate)
        print(chain_line, flush=True)
        for error in chain["errors"][:3]:
            print(f"  bare chain refused: {error}")
        chain_steal = steal_share(machine, machine_times())
        machine = machine_times()
        durable = bare_chain(amqp_uri, args.rate, count, Path(data_dir))
        durable_line, durable_total = chain_text(durable, args.rate, DURABLE)
        print(durable_line, flush=True)
        for error in durable["errors"][:3]:
            print(f"  bare chain with its commits refused: {error}")
        durable_steal = steal_share(machine, machine_times())
        machine = machine_times()
        (Path(data_dir) / "whole").mkdir()  # files of its own: the ids start again at 1
        whole = bare_chain(amqp_uri, args.rate, count, Path(data_dir) / "whole", whole=True)
        whole_line, whole_total = chain_text(whole, args.rate, WHOLE)
        print(whole_line, flush=True)
        for error in whole["errors"][:3]:
            print(f"  bare chain, an assignment's whole, refused: {error}")
        whole_steal = steal_share(machine, machine_times())
        bare = bare_baseline(amqp_uri, args.rate, min(count, 500))
        api = Api(base)
        kgu, pairs = setup(api)
        if len(pairs) < count + 20:
            raise SystemExit(f"only {len(pairs)} distinct assignments; lower --seconds")
        watcher = InboxWatcher(str(Path(data_dir) / "notifications.db"))
        thread = eventlet.patcher.original("threading").Thread(target=watcher.run, daemon=True)
        thread.start()
        warm, _, _ = load(base, pairs[:20], 10, 20)  # directory cache, connections
        wait_seen(watcher, warm, timeout=30)
        machine = machine_times()
        pids = dict(components(parent), **({"rabbitmq": broker_pid()} if broker_pid() else {}))
        before, loader = {name: cpu_seconds(pid) for name, pid in pids.items()}, time.process_time()
        sent, errors, took = load(base, pairs[20:], args.rate, count)
        wait_seen(watcher, sent)
        cpu_ms = {name: (cpu_seconds(pid) - before[name]) * 1000 / max(1, len(sent))
                  for name, pid in pids.items()}  # the watcher polls in this process
        cpu_ms["loader and watcher"] = (time.process_time() - loader) * 1000 / max(1, len(sent))
        load_steal = steal_share(machine, machine_times())
        eventlet.sleep(2)
        direct, _, direct_took = publish_events(amqp_uri, kgu, args.rate, count, 10_000_000)
        wait_seen(watcher, direct)
        watcher.running = False
        thread.join()
        relay, onward = relay_split(data_dir, sent)

    arrived = [a for a in sent if a in watcher.seen]
    total = [watcher.seen[a][0] - sent[a][0] for a in arrived]
    after_answer = [watcher.seen[a][0] - sent[a][1] for a in arrived]
    gateway = [sent[a][1] - sent[a][0] for a in arrived]
    event_to_inbox = [watcher.seen[a][1] - watcher.seen[a][2] for a in arrived
                      if watcher.seen[a][2] is not None]
    print(f"gateway load: {len(sent)} assignments accepted (201) in {took:.1f} s "
          f"({len(sent) / took:.1f}/s), {len(errors)} refused, {len(arrived)} reached the "
          f"inbox of {kgu['code']}")
    for error in errors[:5]:
        print(f"  refused: {error}")
    busy = sum(ms for name, ms in cpu_ms.items() if name != "loader and watcher")
    print(f"CPU ms per assignment, sent until all in the inbox: "
          f"{', '.join(f'{name} {ms:.2f}' for name, ms in cpu_ms.items())}; the platform and "
          f"RabbitMQ {busy:.2f} ms = {busy * args.rate / 1000:.2f} cores at {args.rate:g}/s")
    print(f"the hypervisor took {chain_steal:.0%} of the cores' time during the bare chain, "
          f"{durable_steal:.0%} during the bare chain with its commits, {whole_steal:.0%} "
          f"during an assignment's whole, "
          f"{load_steal:.0%} during the platform's load")
    print(f"{'at ' + format(args.rate, 'g') + '/s':<58}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print_rows([("baseline: bare nameko event dispatch -> handler", bare),
                ("baseline: bare chain, POST sent -> handler got the event", chain_total),
                ("baseline: the same with its two commits", durable_total),
                ("baseline: an assignment's whole on bare nameko", whole_total),
                ("POST accepted at the gateway (201 answered)", gateway),
                ("event occurred_at -> inbox item committed (DB stamps)", event_to_inbox),
                ("  of which: projects relay, emitted -> marked published", relay),
                ("  of which: marked published -> notifications took it in", onward),
                ("201 answered -> item visible in the KGU's inbox", after_answer),
                ("POST sent -> item visible in the KGU's inbox", total)])
    reached = [a for a in direct if a in watcher.seen]
    published = [watcher.seen[a][0] - direct[a][0] for a in reached]
    print(f"events published straight to projects.events: {len(direct)} in {direct_took:.1f} s, "
          f"{len(reached)} reached the inbox")
    print_rows([("published -> item visible in the KGU's inbox", published)])
    for name, mb in sorted(PEAK_RSS.items()):
        print(f"peak resident memory, {name:<14} {mb:7.1f} MiB "
              f"(target < 150: {'ok' if mb < 150 else 'OVER TARGET'})")
    if len(total) >= 2:
        p99 = percentiles(total)[1]
        verdict = "meets" if p99 < TARGET_P99_MS and len(arrived) == len(sent) else "MISSES"
        print(f"target: p99 < {TARGET_P99_MS:g} ms from the gateway to the inbox -> {verdict}")
    for name, floor, latencies in (("the bare chain", chain, chain_total),
                                   ("the bare chain with its two commits", durable,
                                    durable_total),
                                   ("an assignment's whole on bare nameko", whole,
                                    whole_total)):
        if len(latencies) >= 2:
            p99, lost = percentiles(latencies)[1], len(floor["sent"]) - len(latencies)
            ok = p99 < TARGET_P99_MS and not lost and not floor["errors"] \
                and len(floor["sent"]) == count
            print(f"{name} at {args.rate:g}/s: p99 {p99:.1f} ms, {lost} lost, "
                  f"{len(floor['errors'])} errors -> {'meets' if ok else 'MISSES'} the target")


if __name__ == "__main__":
    main()
