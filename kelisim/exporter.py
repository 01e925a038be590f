"""The HTTP endpoint of a service process: Prometheus metrics and the probes of an orchestrator.

``/metrics`` the text exposition; ``/live`` 200 while the process's event loop answers;
``/ready`` 200 once the service's container has started (its consumers are on the broker)
and 503 before that and from the moment a SIGTERM asks it to stop.
"""
from collections.abc import Callable, Iterable
from typing import Any

import eventlet
import eventlet.wsgi
from prometheus_client import make_wsgi_app

from kelisim import ports

StartResponse = Callable[..., Any]


class Exporter:
    def __init__(self) -> None:
        self.ready = False
        self._metrics = make_wsgi_app()

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/live":
            return _plain(start_response, "200 OK", b"live\n")
        if path == "/ready":
            if self.ready:
                return _plain(start_response, "200 OK", b"ready\n")
            return _plain(start_response, "503 Service Unavailable", b"not ready\n")
        body: Iterable[bytes] = self._metrics(environ, start_response)
        return body

    def start(self, host: str, port: int, variable: str = "KELISIM_METRICS_HOST") -> tuple[str, int]:
        """Listen on ``host:port`` in a greenthread of this process; ``variable`` names the
        setting of the port (KELISIM_METRICS_HOST that of the host). Raises
        ``kelisim.ports.PortTaken`` when the port is in use, ``CannotListen`` when the host
        is not an address of this machine."""
        sock = ports.listen(host, port, variable, host_variable="KELISIM_METRICS_HOST")
        eventlet.spawn_n(eventlet.wsgi.server, sock, self.app, log_output=False)
        address: tuple[str, int] = sock.getsockname()
        return address


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]
