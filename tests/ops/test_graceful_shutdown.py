"""SIGTERM on a service process: the readiness probe turns 503, the handler in flight
finishes and acknowledges its event, the events not started stay on the broker, and a
new process handles them; each event is handled once, nothing is lost or left unacked.
An RPC call in flight is answered and its request acknowledged, not run again."""
import os
import signal
import subprocess
import sys
import threading
import time

import requests
from kombu import Connection
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.standalone.rpc import ClusterRpcProxy

from kelisim.events import topology
from kelisim.events.envelope import new_envelope
from tests.e2e.test_platform import free_port

QUEUE = "evt-registry-person_created--slow.on_person"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def publish(amqp_uri, full_names):
    ids = []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer(serializer="json")
        exchange = topology.event_exchange("registry")
        for n, name in enumerate(full_names, start=1):
            envelope = new_envelope("person_created", {
                "id": n, "full_name": name, "org_unit_id": 2, "region_code": "KZ-61",
                "version": 1}, source="registry", correlation_id=f"c{n}", regions=["KZ-61"])
            producer.publish(envelope.to_message(), exchange=exchange, declare=[exchange],
                             routing_key="person_created", delivery_mode=PERSISTENT_DELIVERY_MODE)
            ids.append(envelope.id)
    return ids


def start(amqp_uri, marks, port, **env):
    env = dict(os.environ, KELISIM_AMQP_URI=amqp_uri, SLOW_MARKS=str(marks),
               KELISIM_LOG_LEVEL="WARNING", **env)
    return subprocess.Popen([sys.executable, "-m", "tests.ops.slow_service", str(port)],
                            cwd=ROOT, env=env, **({"stdout": subprocess.PIPE,
                                                   "stderr": subprocess.STDOUT, "text": True}
                                                  if "KELISIM_STOP_GRACE_SECONDS" in env
                                                  else {}))


def ready(port):
    try:
        return requests.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code
    except requests.ConnectionError:
        return None


def until(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {predicate}")


def queue_state(amqp_uri, queue=QUEUE):
    vhost = amqp_uri.rsplit("/", 1)[1]
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "messages_ready",
         "messages_unacknowledged", "consumers"],
        check=True, capture_output=True, text=True, timeout=60).stdout
    rows = {line.split()[0]: tuple(int(n) for n in line.split()[1:])
            for line in listed.splitlines() if line.startswith(("evt-", "rpc-"))}
    return rows[queue]


def lines(marks):
    return marks.read_text().splitlines() if marks.exists() else []


def test_sigterm_finishes_the_event_in_flight_and_loses_nothing(amqp_uri, tmp_path):
    marks, port = tmp_path / "marks", free_port()
    first = start(amqp_uri, marks, port)
    try:
        until(lambda: ready(port) == 200)
        in_flight, *waiting = publish(amqp_uri, ["slow-4", "slow-0.1", "slow-0.1"])
        until(lambda: f"started {in_flight}" in lines(marks))

        first.send_signal(signal.SIGTERM)
        until(lambda: ready(port) in (503, None))  # no longer ready while it drains
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
    assert lines(marks) == [f"started {in_flight}", f"finished {in_flight}"]
    assert queue_state(amqp_uri) == (2, 0, 0)  # acked; the other two wait, none unacked

    second = start(amqp_uri, marks, port)
    try:
        until(lambda: all(f"finished {i}" in lines(marks) for i in waiting))
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        if second.poll() is None:
            second.kill()
    finished = [line for line in lines(marks) if line.startswith("finished")]
    assert sorted(finished) == sorted(f"finished {i}" for i in [in_flight, *waiting])
    assert queue_state(amqp_uri) == (0, 0, 0)


def test_sigterm_answers_the_rpc_call_in_flight_and_acknowledges_it(amqp_uri, tmp_path):
    marks, port = tmp_path / "marks", free_port()
    replies = []
    service = start(amqp_uri, marks, port)
    try:
        until(lambda: ready(port) == 200)

        def call():
            with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}) as cluster:
                replies.append(cluster.slow.pause("call-1", 4))

        caller = threading.Thread(target=call)
        caller.start()
        until(lambda: "started call-1" in lines(marks))
        service.send_signal(signal.SIGTERM)
        until(lambda: ready(port) in (503, None))
        caller.join(timeout=30)
        assert service.wait(timeout=30) == 0
    finally:
        if service.poll() is None:
            service.kill()
    assert replies == ["call-1"]
    assert lines(marks) == ["started call-1", "finished call-1"]
    # nameko's own consumer closed its connection before the ack: (1, 0, 0), run again later
    assert queue_state(amqp_uri, "rpc-slow") == (0, 0, 0)


def test_a_stop_that_outlasts_the_grace_period_kills_the_worker_and_says_so(amqp_uri,
                                                                            tmp_path):
    """A handler that would run past KELISIM_STOP_GRACE_SECONDS does not hold the process:
    it stops after the grace period, names the worker it killed, and the event, never
    acknowledged, is handled by the next process."""
    marks, port = tmp_path / "marks", free_port()
    first = start(amqp_uri, marks, port, KELISIM_STOP_GRACE_SECONDS="2")
    try:
        until(lambda: ready(port) == 200)
        (stuck,) = publish(amqp_uri, ["slow-600"])
        until(lambda: f"started {stuck}" in lines(marks))
        stopped_at = time.monotonic()
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
        assert time.monotonic() - stopped_at < 15
        log = first.stdout.read()
    finally:
        if first.poll() is None:
            first.kill()
    assert "stop grace period over" in log and "slow.on_person" in log, log
    assert lines(marks) == [f"started {stuck}"]
    assert queue_state(amqp_uri)[:2] == (1, 0)  # back on the queue, not lost


def test_ctrl_c_stops_a_service_still_waiting_for_its_broker(tmp_path):
    """Before: nameko's start, retrying a broker that does not answer, swallowed the
    KeyboardInterrupt and went on retrying (minutes); SIGTERM alone stopped it."""
    environment = dict(os.environ, KELISIM_AMQP_URI=f"amqp://guest:guest@127.0.0.1:{free_port()}/",
                       KELISIM_DATA_DIR=str(tmp_path / "var"), KELISIM_LOG_LEVEL="WARNING",
                       KELISIM_REGISTRY_METRICS_PORT=str(free_port()))
    proc = subprocess.Popen([sys.executable, "-m", "kelisim_platform.cli.main", "serve",
                             "registry"], env=environment, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(6)  # into the start's retries (2 s, then 4 s)
        assert proc.poll() is None, proc.stderr.read()[-2000:]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    finally:
        proc.kill()
        proc.wait()
