"""Listening sockets that refuse a port already in use.

``eventlet.listen`` (used by nameko's web server and by the exporters) turns on
SO_REUSEPORT: a second platform started on the same ports bound them silently, the kernel
shared the connections between the two, and Prometheus scraped two processes' figures in
turn. Here only SO_REUSEADDR is set (a restart may bind a port whose old connections
linger in TIME_WAIT), so a port another process listens on is an error, raised as
:class:`PortTaken` with the setting that chooses the port; a host that is not an address of
this machine, or a port this user may not bind, is a :class:`CannotListen` naming its
setting too.
"""
import errno
import socket

import eventlet

GATEWAY_VARIABLE = "KELISIM_GATEWAY_ADDRESS"
# two platforms on one broker vhost share their RPC queues and answer each other's calls
VHOST_ADVICE = ", and give a second platform its own vhost in KELISIM_AMQP_URI"


class CannotListen(Exception):
    """``host:port`` cannot be listened on; ``str()`` is a one-line message naming the
    setting to change."""

    def __init__(self, host: str, port: int, variable: str, message: str) -> None:
        self.host, self.port, self.variable = host, port, variable
        super().__init__(message)


class PortTaken(CannotListen):
    """The port is in use (another process listens on it)."""

    def __init__(self, host: str, port: int, variable: str) -> None:
        super().__init__(host, port, variable,
                         f"port {port} on {host} is already in use (another kelisim "
                         f"running?); set {variable} to a free one{VHOST_ADVICE}")


def _refused(host: str, port: int, variable: str, host_variable: str,
             exc: OSError) -> CannotListen:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EACCES:  # a port below 1024 without the privilege
        return CannotListen(host, port, variable, f"cannot listen on port {port} of {host} "
                            f"({reason}); set {variable} to a port this user may bind (on most "
                            "systems above 1023)")
    return CannotListen(host, port, host_variable, f"cannot listen on {host!r} port {port} "
                        f"({reason}); set {host_variable} to an address of this machine")


def listen(host: str, port: int, variable: str, backlog: int = 128,
           host_variable: str | None = None) -> socket.socket:
    """A listening (green) socket on ``host:port``, without port sharing.

    ``variable`` names the environment variable that set the port, ``host_variable`` the
    one that set the host (default: ``variable``), for the messages. Raises
    :class:`PortTaken` when something already listens there, :class:`CannotListen` for a
    host that does not resolve or is not an address of this machine, or a privileged port.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock: socket.socket = eventlet.listen((host, port), family=family, backlog=backlog,
                                              reuse_port=False)
        return sock
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortTaken(host, port, variable) from None
        raise _refused(host, port, variable, host_variable or variable, exc) from None


def ensure_free(host: str, port: int, variable: str, host_variable: str | None = None) -> None:
    """Raise :class:`PortTaken` if ``host:port`` is in use, :class:`CannotListen` if it
    cannot be bound (bound then released at once): checked before starting what will bind
    it, so the refusal comes before anything runs."""
    listen(host, port, variable, host_variable=host_variable).close()


def gateway_address(address: str) -> tuple[str, int]:
    """``(host, port)`` of a ``[host:]port`` gateway address (no host: every interface)."""
    from nameko.web.server import parse_address

    parsed = parse_address(address)
    return parsed.address or "0.0.0.0", parsed.port
