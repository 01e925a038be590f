"""Real local receivers for the tests: an HTTP webhook receiver and a reader of the SMTP
server's folder."""
import email
import email.policy
import json
import time
from dataclasses import dataclass
from pathlib import Path

import eventlet
import eventlet.wsgi


@dataclass
class Call:
    headers: dict
    body: bytes
    at: float

    @property
    def json(self):
        return json.loads(self.body)


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 answering each POST with the next scripted status
    (then ``default``), recording every call."""

    def __init__(self):
        self.calls = []
        self.script = []
        self.default = 200
        self.socket = eventlet.listen(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/hooks/kelisim"
        self.thread = eventlet.spawn(eventlet.wsgi.server, self.socket, self.app,
                                     log_output=False)

    def app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}
        headers["Content-Type"] = environ.get("CONTENT_TYPE")
        self.calls.append(Call(headers, body, time.time()))
        status = self.script.pop(0) if self.script else self.default
        start_response(f"{status} Scripted", [("Content-Type", "text/plain")])
        return [b"ok" if status < 300 else b"try later"]

    def close(self):
        self.thread.kill()
        self.socket.close()


class Mailbox:
    """What the test SMTP server stored, parsed."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def messages(self):
        found = []
        for path in sorted(self.folder.glob("*.eml"), key=lambda p: int(p.stem)):
            found.append(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
        return found

    def for_event(self, event_id):
        return [m for m in self.messages() if m["X-Kelisim-Event-Id"] == event_id]

    def to(self, address):
        return [m for m in self.messages() if m["To"] == address]
