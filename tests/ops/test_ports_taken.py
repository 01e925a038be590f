"""A port already in use is an error, at once, naming the port and the variable that sets
it: a second platform started on the same ports must not share them with the first
(SO_REUSEPORT), or Prometheus scrapes two processes' figures in turn."""
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.support import free_port

pytestmark = pytest.mark.broker


@pytest.fixture
def taken_port():
    """A port another process listens on, sharing allowed on its side (SO_REUSEPORT), as
    the exporters and the gateway of an older platform hold it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", free_port()))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


def kelisim(amqp_uri, tmp_path, *argv, **env):
    environment = dict(os.environ, KELISIM_AMQP_URI=amqp_uri, KELISIM_LOG_LEVEL="WARNING",
                       KELISIM_DATA_DIR=str(tmp_path / "var"),
                       KELISIM_GATEWAY_ADDRESS=f"127.0.0.1:{free_port()}",
                       **{f"KELISIM_{s.upper()}_METRICS_PORT": str(free_port())
                          for s in ("registry", "projects", "reports", "notifications")})
    environment.update(env)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", *argv], env=environment,
                          capture_output=True, text=True, timeout=120)
    return proc, time.monotonic() - started


def refusal(proc, port):
    """The stderr lines that name ``port``."""
    return [line for line in proc.stderr.splitlines() if str(port) in line]


@pytest.mark.parametrize("component", ["registry", "notifications"])
def test_serve_refuses_an_exporter_port_in_use(component, taken_port, amqp_uri, tmp_path):
    variable = f"KELISIM_{component.upper()}_METRICS_PORT"
    proc, took = kelisim(amqp_uri, tmp_path, "serve", component, **{variable: str(taken_port)})
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert refusal(proc, taken_port) == [
        f"kelisim: {component}: port {taken_port} on 127.0.0.1 is already in use "
        f"(another kelisim running?); set {variable} to a free one, and give a second platform "
        "its own vhost in KELISIM_AMQP_URI"]
    assert took < 30


def test_serve_refuses_a_gateway_port_in_use(taken_port, amqp_uri, tmp_path):
    proc, took = kelisim(amqp_uri, tmp_path, "serve", "gateway",
                         KELISIM_GATEWAY_ADDRESS=f"127.0.0.1:{taken_port}")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert refusal(proc, taken_port) == [
        f"kelisim: gateway: port {taken_port} on 127.0.0.1 is already in use "
        "(another kelisim running?); set KELISIM_GATEWAY_ADDRESS to a free one, and give a second "
        "platform its own vhost in KELISIM_AMQP_URI"]
    assert took < 30


@pytest.mark.parametrize("variable", ["KELISIM_GATEWAY_ADDRESS", "KELISIM_PROJECTS_METRICS_PORT"])
def test_run_refuses_before_starting_anything(variable, taken_port, amqp_uri, tmp_path):
    """``make run`` (``kelisim run``): one line, exit 2, no database made, nothing started."""
    value = f"127.0.0.1:{taken_port}" if variable == "KELISIM_GATEWAY_ADDRESS" else str(taken_port)
    proc, took = kelisim(amqp_uri, tmp_path, "run", **{variable: value})
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [
        f"kelisim: port {taken_port} on 127.0.0.1 is already in use "
        f"(another kelisim running?); set {variable} to a free one, and give a second platform "
        "its own vhost in KELISIM_AMQP_URI"]
    assert not (tmp_path / "var").exists()
    assert took < 30


def test_the_tests_never_give_two_components_one_port():
    """The harness takes a platform's ports one after another before any is bound; the
    kernel may hand an unbound port out again (a gateway then found a service's exporter
    on its address, and every security test errored), so free_port never repeats one and
    takes none from the range the kernel picks from for a port-0 bind or a client."""
    given = [free_port() for _ in range(3000)]
    assert len(set(given)) == len(given)
    with open("/proc/sys/net/ipv4/ip_local_port_range") as limits:
        first, last = map(int, limits.read().split())
    assert not [port for port in given if first <= port <= last]
