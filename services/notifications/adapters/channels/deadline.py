"""A deadline for a whole exchange with a peer, not only for each read.

A socket timeout bounds each read: a peer that sends one byte just before every timeout
holds the caller for ever. :class:`Watchdog` shuts the socket down once the deadline
has passed, so the blocked read returns and the caller fails at once; it works with
plain threads and under eventlet (where ``threading.Timer`` is a green thread).
"""
import socket
import threading


class Watchdog:
    """Shuts down ``sock_of()`` (the socket in use then, or None) after ``seconds``;
    ``fired`` tells whether it did. ``cancel()`` once the exchange is over."""

    def __init__(self, sock_of, seconds):
        self.sock_of = sock_of
        self.fired = False
        self.timer = threading.Timer(max(0.0, seconds), self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self):
        self.fired = True
        sock = self.sock_of()
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self):
        self.timer.cancel()
