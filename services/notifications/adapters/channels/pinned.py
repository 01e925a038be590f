"""One bounded HTTP POST to an address checked just before connecting (webhooks).

The host is resolved here, every address checked against the destination policy, and
the connection made to that exact address (urllib3's connection with the original host
name for the ``Host`` header, TLS SNI and certificate check): a name that resolves to a
public address at registration and to an internal one later is refused, and nothing
resolves it a second time between the check and the connection.

Each call is bounded as a whole: ``deadline`` seconds from the start to the last byte
read (a watchdog closes the socket of a receiver that drips its answer), and at most
``max_response_bytes`` of the answer are read (then the connection is closed); the body
is never decoded nor kept.
"""
import http.client
import socket
import ssl
import time

import certifi
import eventlet
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError

from services.notifications.adapters.channels.deadline import RawFd, Watchdog, cut
from services.notifications.domain.destinations import Unresolvable, allowed_addresses

CHUNK = 16384


class SendError(Exception):
    """The call failed; ``reason`` is short and names no answer of the receiver."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def resolve(host, port):
    """The addresses ``host`` resolves to now, as strings (the system's resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    seen = []
    for *_, sockaddr in infos:
        if sockaddr[0] not in seen:
            seen.append(sockaddr[0])
    return seen


class _HTTP(RawFd, HTTPConnection):
    def _new_conn(self):
        return self._remember(super()._new_conn())


class _HTTPS(RawFd, HTTPSConnection):
    def _new_conn(self):
        return self._remember(super()._new_conn())


def within(resolver, seconds, timed_out):
    """``resolver`` bounded by ``seconds`` (a name server that never answers, or answers
    slowly, holds the send no longer than its deadline): raises ``timed_out`` then. The
    bound needs a green resolver (eventlet's, as in the services); a blocking one is not
    cut."""
    def bounded(host, port):
        with eventlet.Timeout(max(seconds, 0.001), False):
            return resolver(host, port)
        raise timed_out
    return bounded


def _connection(destination, ip, timeout, ca_file):
    if destination.scheme == "https":
        # the stdlib's default context (TLS 1.2+, the name checked against the certificate)
        context = ssl.create_default_context(cafile=ca_file or certifi.where())
        return _HTTPS(ip, destination.port, timeout=timeout,
                      server_hostname=destination.host, ssl_context=context)
    return _HTTP(ip, destination.port, timeout=timeout)


def _connect(destination, addresses, deadline_at, ca_file):
    """A connection to the first of ``addresses`` that answers, the TLS handshake done,
    all within the deadline (a watchdog cuts a handshake that drips)."""
    last = None
    for ip in addresses:
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            break
        conn = _connection(destination, ip, remaining, ca_file)
        watchdog = Watchdog(lambda conn=conn: cut(conn.raw_fd), remaining)
        try:
            conn.connect()
            return conn
        except (OSError, HTTPError, http.client.HTTPException) as exc:
            last = exc
            if watchdog.fired:
                conn.close()
                break
            conn.close()
        finally:
            watchdog.cancel()
    raise SendError(describe(last) if last else "no connection within the deadline")


def post(url, body, headers, policy, *, deadline=10.0, max_response_bytes=65536,
         resolver=resolve, ca_file=None):
    """POST ``body`` (bytes) to ``url``; the receiver's status code (int).

    ``deadline``: seconds for the whole call; ``max_response_bytes``: how much of the
    answer is read at most. Raises ``Refused`` (the policy forbids the destination, at
    the address actually used), :class:`SendError` (``Unresolvable`` for a name that
    did not resolve).
    """
    deadline_at = time.monotonic() + deadline
    timed_out = SendError(f"no complete answer within {deadline:g} s")
    try:
        destination, addresses = allowed_addresses(
            url, policy, within(resolver, deadline, timed_out))
    except Unresolvable as exc:
        raise SendError(str(exc)) from None
    try:
        conn = _connect(destination, addresses, deadline_at, ca_file)
    except SendError:
        if time.monotonic() >= deadline_at:
            raise SendError(f"no complete answer within {deadline:g} s") from None
        raise
    watchdog = Watchdog(lambda: cut(conn.raw_fd), deadline_at - time.monotonic())
    try:
        conn.request("POST", destination.path, body=body,
                     headers=dict(headers, Host=destination.host_header),
                     preload_content=False, decode_content=False)
        response = conn.getresponse()
    except (OSError, HTTPError, http.client.HTTPException) as exc:
        watchdog.cancel()
        conn.close()
        if watchdog.fired or time.monotonic() >= deadline_at:
            raise SendError(f"no complete answer within {deadline:g} s") from None
        raise SendError(describe(exc)) from None
    try:  # the status is the answer; the body is read only within both bounds, then dropped
        _drain(conn, response, deadline_at, max_response_bytes)
    except (OSError, HTTPError, http.client.HTTPException):
        pass
    finally:
        watchdog.cancel()
        conn.close()
    return response.status


def _drain(conn, response, deadline_at, max_bytes):
    read = 0
    while read <= max_bytes:
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            return
        if conn.sock is not None:
            conn.sock.settimeout(remaining)
        chunk = response.read(CHUNK, decode_content=False)
        if not chunk:
            return
        read += len(chunk)


def describe(exc):
    """A short, stable description of a failed call (no text from the receiver)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "TLS certificate not trusted"
    if isinstance(exc, ssl.SSLError):
        return "TLS handshake failed"
    for cause in (exc, getattr(exc, "__cause__", None), getattr(exc, "__context__", None)):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, (socket.timeout, TimeoutError)):
            return "timed out"
        if isinstance(cause, (ConnectionResetError, BrokenPipeError)):
            return "connection reset by the receiver"
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if isinstance(exc, http.client.HTTPException) and not isinstance(
            exc, http.client.RemoteDisconnected):
        return "not a valid HTTP answer"
    if "RemoteDisconnected" in name or "ProtocolError" in name or "IncompleteRead" in name:
        return "the receiver closed the connection without a complete answer"
    return f"connection failed ({name})"
