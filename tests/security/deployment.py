"""The platform deployed for the security tests (every component as its own process), what
they call it as, and a watch on every database that notices any committed change."""
import http.cookiejar
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field

import requests
from sqlalchemy.orm import sessionmaker

from gateway.adapters.accounts import AccountRepository
from gateway.domain.opaque import csrf_token_for
from gateway.service_layer import accounts, personal_tokens, sessions
from kelisim.context import SYSTEM_ACTOR, Context
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from tests.support import wait_for

API = "/api/v1"
OWN, OTHER = "KZ-61", "KZ-75"
# who -> (role, region): an account each, with a personal API token; "revoked" is a Turkistan
# coordinator whose token was revoked before use
WHO = {"admin": ("rgu_admin", None), "coordinator": ("kgu_coordinator", OWN),
       "stranger": ("kgu_coordinator", OTHER), "observer": ("observer", None),
       "revoked": ("kgu_coordinator", OWN)}
# who also calls as a browser: "<who>~session" sends the session cookie and its CSRF token;
# "coordinator~nocsrf" the cookie alone; "ended~session" a signed-out session's cookie
SESSIONS = ("admin", "coordinator", "stranger", "observer")
PASSWORD = "security-matrix password"
AUDIT_TABLES = {"projects": ("audit_log", "history")}
COMPONENTS = ("registry", "projects", "reports", "notifications", "gateway")


class Changes:
    """``PRAGMA data_version`` of every database, read on connections of its own: it moves
    whenever any other connection commits a change, and only then.

    ``quiet()`` waits until the platform has nothing left to do, as it can be seen: every
    outbox published, every queue of the vhost drained and acknowledged, no delivery of
    notifications waiting to be sent or retried, and no database changed while that was
    looked at. A pause of some seconds proves nothing on a loaded machine: the events of
    the deployment's rollout and report collection, or of a target made just before (a
    structure, a task, a report moved), may still sit in an outbox or a queue, and
    notifications then commits their ``processed_events``, ``received_events``, inbox items
    and inbox deliveries during the next request (seen: some 80 events taken in during the
    first refused request, after a settle of 1 s with no commit).
    """

    def __init__(self, urls, vhost=None):
        self.vhost = vhost
        self.verified = None  # published() when the queues were last seen empty
        self.connections = {name: sqlite3.connect(url.removeprefix("sqlite:///"))
                            for name, url in urls.items()}

    def versions(self):
        return {name: conn.execute("PRAGMA data_version").fetchone()[0]
                for name, conn in self.connections.items()}

    def published(self):
        """How many events each database's outbox has published."""
        return {name: conn.execute("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
                .fetchone()[0] for name, conn in self.connections.items() if _has_outbox(conn)}

    def busy(self, queues=True):
        """What the platform still has to do: a list of reasons, empty when it is idle."""
        reasons = []
        for name, conn in self.connections.items():
            if _has_outbox(conn):
                waiting = conn.execute(
                    "SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]
                if waiting:
                    reasons.append(f"{name}: {waiting} events in the outbox")
        deliveries = self.connections.get("notifications")
        if deliveries is not None:  # sends due or retries waiting (a digest waits for its hour)
            waiting = deliveries.execute("SELECT count(*) FROM deliveries WHERE status IN "
                                         "('pending', 'sending')").fetchone()[0]
            if waiting:
                reasons.append(f"notifications: {waiting} deliveries to send")
        if queues and self.vhost:
            try:
                listed = _queues(self.vhost)
            except subprocess.SubprocessError as exc:  # rabbitmqctl fails now and then under load
                return reasons + [f"queues not listed: {getattr(exc, 'stderr', exc)}"]
            reasons += [f"queue {q}: {ready} ready, {unacked} unacknowledged"
                        for q, ready, unacked, consumers in listed
                        if unacked or ready and (consumers or q.startswith("kelisim.retry."))]
        return reasons

    def quiet(self, timeout=180):
        """Wait until :meth:`busy` finds nothing to do and no database changed meanwhile;
        the versions then. The databases are looked at first (cheap); the queues (a
        ``rabbitmqctl`` call of seconds on a loaded machine) once they are idle. Dead
        letters and queues no process consumes (the regional stream's subscribers) are not
        work of the platform."""
        seen = {}

        def idle(queues):
            before = self.versions()
            seen["busy"] = self.busy(queues)
            return not seen["busy"] and self.versions() == before and before

        deadline = time.monotonic() + timeout
        try:
            while True:
                settled = wait_for(lambda: idle(False),
                                   timeout=max(1, deadline - time.monotonic()), interval=0.1)
                # every message on the bus began as a published outbox row: none published
                # since the queues were last seen empty, none can be in them now
                if self.published() == self.verified:
                    return settled
                published = self.published()
                settled = idle(True)
                if settled:
                    self.verified = published
                    return settled
                assert time.monotonic() < deadline
        except AssertionError as exc:
            raise AssertionError(f"the platform never went quiet: {seen.get('busy')}") from exc

    def close(self):
        for conn in self.connections.values():
            conn.close()


def _has_outbox(conn):
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'"
                        ).fetchone() is not None


def _queues(vhost):
    """``(name, ready, unacknowledged, consumers)`` of every queue of ``vhost``."""
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers", "name",
         "messages_ready", "messages_unacknowledged", "consumers"],
        check=True, capture_output=True, text=True, timeout=60).stdout
    rows = [line.split("\t") for line in listed.splitlines() if line.strip()]
    return [(name, int(ready), int(unacked), int(consumers))
            for name, ready, unacked, consumers in rows]


@dataclass
class Deployment:
    platform: object
    url: str
    hook_url: str = None  # a receiver answering 200, so no delivery lingers in retries
    tokens: dict = field(default_factory=dict)
    actors: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # who -> the secret of its session cookie
    session: requests.Session = field(default_factory=lambda: cookieless_session())

    def request(self, method, path, who="admin", **kwargs):
        """As ``who``: a WHO name (its personal token), ``<who>~session`` or
        ``<who>~nocsrf`` (its browser session, with or without the CSRF token), a token."""
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept-Language", "en")  # the assertions read English problems
        browser = who is not None and "~" in who
        if browser:
            name, kind = who.split("~")
            secret = self.sessions[name]
            headers["Cookie"] = f"kelisim_session={secret}"
            if kind != "nocsrf":
                headers["X-CSRF-Token"] = csrf_token_for(secret)
        elif who is not None:
            headers.setdefault("Authorization", f"Bearer {self.tokens.get(who, who)}")
        kwargs.setdefault("timeout", 30)
        response = self.session.request(method, self.url + path, headers=headers, **kwargs)
        if browser and name != "ended" and method == "DELETE" and path == f"{API}/session" \
                and response.status_code == 204:
            self.sessions[name] = sign_in(self.db("gateway"), name)  # signed out: back in
        return response

    def ok(self, method, path, who="admin", status=None, **kwargs):
        response = self.request(method, path, who, **kwargs)
        assert response.status_code < 300 and (status is None or response.status_code == status), \
            f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else None

    def db(self, component):
        return self.platform.urls[component]

    def audit_count(self, component, actor_id):
        """Rows naming ``actor_id`` in the component's audit trail (the audit log; for
        projects also its change history, which records who, when, what and why)."""
        engine = make_engine(self.db(component))
        try:
            with engine.connect() as conn:
                return sum(conn.exec_driver_sql(
                    f"SELECT count(*) FROM {table} WHERE actor_id = ?", (actor_id,)).scalar()
                    for table in AUDIT_TABLES.get(component, ("audit_log",)))
        finally:
            engine.dispose()


def cookieless_session():
    """A requests session that keeps no cookies: each caller's credentials are sent as set."""
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def _gateway_uow(engine, actor=None):
    return UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                      Context(actor=dict(actor or SYSTEM_ACTOR)), repositories=AccountRepository)


def issue_tokens(gateway_url):
    """An account per WHO with a password and a personal API token (the revoked one's
    revoked), and a signed-in session per SESSIONS; returns ``(tokens, actors, sessions,
    passwords)``."""
    engine = make_engine(gateway_url)
    issued, actors, signed_in = {}, {}, {}
    try:
        for who, (role, region) in WHO.items():
            made = accounts.create_account(_gateway_uow(engine), {
                "login": f"{who}@security.kz", "role": role, "region_code": region,
                "display_name_kk": f"{who} (kk)", "display_name_ru": f"{who} (ru)"})
            link = accounts.issue_link(_gateway_uow(engine), made["id"])[2]
            accounts.set_password(_gateway_uow(engine), link, PASSWORD)
            actor = {"id": f"account:{made['id']}", "role": role, "region": region}
            token, plaintext = personal_tokens.create_token(_gateway_uow(engine, actor), actor,
                                                            f"security {who}")
            issued[who], actors[who] = plaintext, actor["id"]
            if who == "revoked":
                personal_tokens.revoke_token(_gateway_uow(engine, actor), actor, token["id"])
        for who in SESSIONS:
            signed_in[who] = sign_in(gateway_url, who)
        ended = sign_in(gateway_url, "coordinator")
        sessions.sign_out(_gateway_uow(engine), ended)
        signed_in["ended"] = ended
    finally:
        engine.dispose()
    for who in SESSIONS:
        actors[f"{who}~session"] = actors[who]
    return issued, actors, signed_in


def sign_in(gateway_url, who):
    """A new session of ``who``'s account, signed in on the database; its secret."""
    engine = make_engine(gateway_url)
    try:
        return sessions.sign_in(_gateway_uow(engine), f"{who}@security.kz", PASSWORD)[1]
    finally:
        engine.dispose()
