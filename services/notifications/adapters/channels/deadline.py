"""A deadline for a whole exchange with a peer, not only for each read.

A socket timeout bounds each read: a peer that sends one byte just before every timeout
holds the caller for ever (in a TLS handshake as well as in an answer). :class:`Watchdog`
shuts the connection down once the deadline has passed, so the blocked read returns and
the caller fails at once. It works with plain threads and under eventlet (where
``threading.Timer`` is a green thread).
"""
import os
import socket
import threading


def cut(fd):
    """Shut down the TCP connection of file descriptor ``fd`` (through a duplicate, so the
    socket object that owns ``fd`` stays usable for closing; a TLS socket wrapping the
    same connection is cut too). None or a closed ``fd``: nothing happens."""
    if fd is None or fd < 0:
        return
    try:
        duplicate = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()


class Watchdog:
    """Calls ``cut_connection()`` after ``seconds`` unless cancelled first; ``fired`` tells
    whether it did. ``cancel()`` once the exchange is over, before closing the socket."""

    def __init__(self, cut_connection, seconds):
        self.cut_connection = cut_connection
        self.fired = False
        self.timer = threading.Timer(max(0.0, seconds), self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self):
        self.fired = True
        self.cut_connection()

    def cancel(self):
        self.timer.cancel()


class RawFd:
    """Mixin for a connection class whose ``_new_conn()`` or ``_get_socket()`` opens the
    TCP socket: keeps its file descriptor as ``raw_fd`` as soon as it is connected, before
    any TLS handshake, so a :class:`Watchdog` can cut a handshake that drips too."""

    raw_fd = None

    def _remember(self, sock):
        self.raw_fd = sock.fileno()
        return sock
