"""Hostile peers on 127.0.0.1, started by a test: a webhook receiver that drips its answer,
one that answers with a huge body, one that holds each request until released, and an SMTP
server that takes the whole message and never gives its final reply.

Plain sockets and threads (green under the tests' eventlet monkey patching), each peer
closed by the test that started it.
"""
import socket
import ssl
import threading
import time


class Peer:
    """A TCP server on a free port of 127.0.0.1 running ``handle(conn)`` per connection."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/kelisim"
        self.connections = 0
        self.open = 0
        self.most_open = 0
        self.closed = False
        self.threads = []
        self.conns = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self):
        try:
            while True:
                conn, _ = self.sock.accept()
                if self.closed:  # the wake-up connection of close()
                    conn.close()
                    return
                self.connections += 1
                self.conns.append(conn)
                thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
                self.threads.append(thread)
                thread.start()
        finally:
            self.sock.close()  # closed by the thread that reads it (eventlet's rule)

    def _serve(self, conn):
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            self.handle(conn)
        except OSError:
            pass
        finally:
            self.open -= 1
            conn.close()

    def handle(self, conn):
        raise NotImplementedError

    def close(self):
        """Stop: wake the accepting thread, cut open connections, wait for the threads."""
        if self.closed:
            return
        self.closed = True
        with socket.create_connection(("127.0.0.1", self.port), timeout=5):
            pass
        self._accepting.join(5)
        for conn in self.conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self.threads:
            thread.join(5)


def read_request(conn):
    """Read one HTTP request (headers and a Content-Length body); its raw bytes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class DripReceiver(Peer):
    """Answers one byte every ``interval`` seconds, for ``duration`` seconds at most: in the
    body after sending the headers (``where="body"``) or already in the status line and
    headers (``where="headers"``). ``requests`` keeps what it received."""

    def __init__(self, interval=0.3, duration=15.0, where="body"):
        self.interval, self.duration, self.where = interval, duration, where
        self.requests = []
        super().__init__()

    def handle(self, conn):
        self.requests.append(read_request(conn))
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
        if self.where == "body":
            conn.sendall(answer)
            answer = b"x" * 100000
        ends = time.monotonic() + self.duration
        for byte in answer:
            if time.monotonic() > ends or self.closed:
                return
            conn.sendall(bytes([byte]))
            time.sleep(self.interval)


class HugeReceiver(Peer):
    """Answers ``status`` with a body of ``size`` bytes sent as fast as it can be read;
    ``sent`` counts what went out, ``complete`` how many answers went out whole."""

    def __init__(self, size=20 * 1024 * 1024, status=200):
        self.size, self.status = size, status
        self.sent = 0
        self.complete = 0
        self.chunk = b"internal-answer " * 4096  # 64 KiB, the same object every time
        super().__init__()

    def handle(self, conn):
        read_request(conn)
        conn.sendall(f"HTTP/1.1 {self.status} Whatever\r\nContent-Type: text/plain\r\n"
                     f"Content-Length: {self.size}\r\n\r\n".encode())
        left = self.size
        while left > 0:
            piece = self.chunk if left >= len(self.chunk) else self.chunk[:left]
            conn.sendall(piece)
            self.sent += len(piece)
            left -= len(piece)
        self.complete += 1


class HoldingReceiver(Peer):
    """Records each request, then holds it until ``release()``; answers ``status``."""

    def __init__(self, status=500):
        self.status = status
        self.requests = []
        self.released = threading.Event()
        super().__init__()

    def handle(self, conn):
        self.requests.append(read_request(conn))
        self.released.wait(30)
        conn.sendall(f"HTTP/1.1 {self.status} Held\r\nContent-Length: 0\r\n\r\n".encode())

    def release(self):
        self.released.set()


class SilentSmtpServer(Peer):
    """An SMTP server (no TLS, no AUTH) that takes the whole message after DATA and then
    never sends its final reply, holding the connection open; ``messages`` keeps each
    message it received whole."""

    def __init__(self, hold=30.0):
        self.hold = hold
        self.messages = []
        super().__init__()

    def handle(self, conn):
        file = conn.makefile("rb")
        conn.sendall(b"220 silent.test ESMTP\r\n")
        while True:
            line = file.readline()
            if not line:
                return
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb == b"EHLO":
                conn.sendall(b"250-silent.test\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                message = b""
                while True:
                    part = file.readline()
                    if not part or part == b".\r\n":
                        break
                    message += part
                self.messages.append(message)
                ends = time.monotonic() + self.hold  # the final reply never comes
                while time.monotonic() < ends and not self.closed:
                    time.sleep(0.1)
                return
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                conn.sendall(b"250 OK\r\n")


class TlsReceiver(Peer):
    """An https receiver answering 200 with the certificate ``cert``/``key``; ``requests``
    keeps each request, ``server_names`` the name each client asked for (TLS SNI)."""

    def __init__(self, cert, key):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.context.sni_callback = self._sni
        self.requests = []
        self.server_names = []
        super().__init__()

    def _sni(self, sock, name, context):
        self.server_names.append(name)

    def handle(self, conn):
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client did not trust the certificate
        self.requests.append(read_request(tls))
        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        tls.close()


class DripSmtpServer(Peer):
    """An SMTP server that sends its greeting one byte every ``interval`` seconds (for
    ``duration`` seconds at most), so no single read ever times out."""

    def __init__(self, interval=0.3, duration=15.0):
        self.interval, self.duration = interval, duration
        super().__init__()

    def handle(self, conn):
        ends = time.monotonic() + self.duration
        for byte in b"220 " + b"slow" * 1000 + b"\r\n":
            if time.monotonic() > ends or self.closed:
                return
            conn.sendall(bytes([byte]))
            time.sleep(self.interval)


class DripTlsHandshake(Peer):
    """Answers a TLS client's hello with the header of a 16 KiB handshake record, then one
    byte of it every ``interval`` seconds (``duration`` at most): no single read of the
    handshake ever times out."""

    def __init__(self, interval=0.3, duration=15.0):
        self.interval, self.duration = interval, duration
        super().__init__()

    def handle(self, conn):
        conn.recv(65536)  # the ClientHello
        conn.sendall(b"\x16\x03\x03\x40\x00")
        ends = time.monotonic() + self.duration
        while time.monotonic() < ends and not self.closed:
            conn.sendall(b"\x00")
            time.sleep(self.interval)
