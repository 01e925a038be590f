"""``kelisim restore`` on a running platform says to stop it, not to move a port."""
import socket

from kelisim import config
from kelisim_platform import backup


def test_a_platform_seen_by_its_port_is_reported_as_running_not_as_a_port_to_change(
        monkeypatch):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        monkeypatch.setenv("KELISIM_METRICS_HOST", "127.0.0.1")
        monkeypatch.setenv(config.metrics_port_variable(config.SERVICES[0]), str(port))
        running = backup.running_platform()
    assert running is not None and str(port) in running
    assert "free one" not in running and "set " not in running


def test_a_wrong_metrics_host_does_not_hide_a_gateway_in_use(monkeypatch):
    """Before: the first port that could not be bound (the exporters', on a host not of
    this machine) ended the search, and a restore went ahead under a running gateway."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        monkeypatch.setenv("KELISIM_METRICS_HOST", "192.0.2.1")  # TEST-NET-1: never local
        monkeypatch.setenv("KELISIM_GATEWAY_ADDRESS", f"127.0.0.1:{port}")
        running = backup.running_platform()
    assert running == f"port {port} on 127.0.0.1 (KELISIM_GATEWAY_ADDRESS) is in use"
