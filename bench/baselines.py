"""Bare nameko baselines, each in a process of its own like a kelisim component, measured by
the same clients as the platform in the same run (see load_gateway.py):

- ``http``: a nameko ``@http`` GET /hello answering ``hello`` (what the gateway is built on);
- ``http-rpc``: the same, but answering what an ``@rpc`` echo in another process returned
  (one RPC hop per request, as every gateway route makes);
- ``rpc``: a nameko ``@rpc`` echo, called by a standalone RPC proxy;
- ``events``: nameko's ``event_dispatcher`` to an ``@event_handler`` at a steady rate.

    .venv/bin/python bench/baselines.py [--seconds 10] [--clients 16]   # all three alone
"""
import argparse
import json
import signal
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


# --- the services (run in their own process: ``baselines.py serve KIND AMQP_URI [PORT]``) ---

def _services():
    from nameko.events import event_handler
    from nameko.rpc import RpcProxy, rpc
    from nameko.web.handlers import http

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

    return {"http": HttpHello, "http-rpc": HttpRpcHello, "rpc": RpcEcho, "events": EventSink,
            "burst": BurstSink}


def serve(kind, amqp_uri, port=None):
    import eventlet

    import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

    eventlet.monkey_patch()
    from nameko.runners import ServiceRunner

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


@contextmanager
def service(kind, amqp_uri, port=None):
    """A baseline service in its own process; yields the process."""
    command = [sys.executable, str(HERE), "serve", kind, amqp_uri] + ([str(port)] if port else [])
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready", f"the {kind} baseline did not start"
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --- the measurements ---

def http_hello(amqp_uri, clients, seconds):
    """Bare nameko HTTP: requests/s and latencies with ``clients`` concurrent clients, and
    ``cpu_ms``: the service's CPU milliseconds per request."""
    port = free_port()
    with service("http", amqp_uri, port) as proc:
        url = f"http://127.0.0.1:{port}/hello"
        wait_http(url)
        http_load(url, clients, 1)  # warm up
        return cpu_per_request({"http": proc.pid}, lambda: http_load(url, clients, seconds))


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
    port = free_port()
    with service("rpc", amqp_uri) as echo, service("http-rpc", amqp_uri, port) as front:
        url = f"http://127.0.0.1:{port}/hello"
        wait_http(url)
        http_load(url, clients, 1)
        pids = dict(extra_pids or {}, http=front.pid, rpc=echo.pid)
        return cpu_per_request(pids, lambda: http_load(url, clients, seconds))


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
        echo = measured("rpc", amqp_uri)
        print(f"bare nameko RPC echo: p50 {echo['p50_ms']:.2f} ms, p99 {echo['p99_ms']:.2f} ms")
        events = measured("events", amqp_uri)
        print(f"bare nameko event dispatch at {events['rate']:g}/s: p50 {events['p50_ms']:.2f} "
              f"ms, p99 {events['p99_ms']:.2f} ms")
        burst = event_burst(amqp_uri)
        print(f"bare burst of {burst['count']} events: published in {burst['published_s']:.2f} s, "
              f"consumed by a bare nameko handler in {burst['consumed_s']:.2f} s "
              f"({burst['cpu_s']:.2f} s of its CPU)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else None)
    elif sys.argv[1:2] == ["measure"]:
        measure = {"rpc": rpc_echo, "events": event_dispatch}[sys.argv[2]]
        print(json.dumps(measure(sys.argv[3])), flush=True)
    else:
        main()
