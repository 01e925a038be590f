"""The whole platform for the security tests: every component as its own process (as
``make run`` starts them) on a vhost of its own, SQLite, with a token per role, shared by
the tests of one module; plus a watch on every database that notices any committed change.
"""
import sqlite3
import subprocess
import time
import uuid
from dataclasses import dataclass, field

import pytest
import requests
from sqlalchemy.orm import sessionmaker

from gateway.adapters.repository import TokenRepository
from gateway.service_layer import tokens
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from tests.faults.harness import prepare
from tests.integration.notifications.receivers import WebhookReceiver
from tests.unit.reports.conftest import mediation_template

API = "/api/v1"
OWN, OTHER = "KZ-61", "KZ-75"
# who -> (role, region); "revoked" is a Turkistan coordinator's token, revoked before use
WHO = {"admin": ("rgu_admin", None), "coordinator": ("kgu_coordinator", OWN),
       "stranger": ("kgu_coordinator", OTHER), "observer": ("observer", None),
       "revoked": ("kgu_coordinator", OWN)}
AUDIT_TABLES = {"projects": ("audit_log", "history")}
COMPONENTS = ("registry", "projects", "reports", "notifications", "gateway")


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


class Changes:
    """``PRAGMA data_version`` of every database, read on connections of its own: it moves
    whenever any other connection commits a change, and only then."""

    def __init__(self, urls):
        self.connections = {name: sqlite3.connect(url.removeprefix("sqlite:///"))
                            for name, url in urls.items()}

    def versions(self):
        return {name: conn.execute("PRAGMA data_version").fetchone()[0]
                for name, conn in self.connections.items()}

    def quiet(self, settle=0.5, timeout=60):
        """Wait until nothing changed for ``settle`` seconds (events consumed, jobs done)."""
        deadline = time.monotonic() + timeout
        last, since = self.versions(), time.monotonic()
        while time.monotonic() - since < settle:
            assert time.monotonic() < deadline, "the databases never stopped changing"
            time.sleep(0.1)
            now = self.versions()
            if now != last:
                last, since = now, time.monotonic()
        return last

    def close(self):
        for conn in self.connections.values():
            conn.close()


@dataclass
class Deployment:
    platform: object
    url: str
    hook_url: str = None  # a receiver answering 200, so no delivery lingers in retries
    tokens: dict = field(default_factory=dict)
    actors: dict = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)

    def request(self, method, path, who="admin", **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept-Language", "en")  # the assertions read English problems
        if who is not None:
            headers.setdefault("Authorization", f"Bearer {self.tokens.get(who, who)}")
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url + path, headers=headers, **kwargs)

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


def _issue_tokens(gateway_url):
    engine = make_engine(gateway_url)
    issued, actors = {}, {}
    try:
        for who, (role, region) in WHO.items():
            uow = UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                             repositories=TokenRepository)
            token, plaintext = tokens.create_token(uow, role, region, f"security {who}")
            issued[who], actors[who] = plaintext, f"token:{token['id']}"
            if who == "revoked":
                tokens.revoke_token(UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                                               repositories=TokenRepository), token["id"])
    finally:
        engine.dispose()
    return issued, actors


@pytest.fixture(scope="package")
def deployment(tmp_path_factory):
    """The platform, a token per WHO, mediation rolled out to both regions, a report
    template with this quarter's reports, and every event consumed."""
    vhost = f"kelisim-test-{uuid.uuid4().hex[:12]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    folder = tmp_path_factory.mktemp("security")
    platform = prepare(f"amqp://guest:guest@127.0.0.1:5672/{vhost}", folder,
                       KELISIM_MAX_REQUEST_BYTES="65536",
                       KELISIM_WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32")  # the receiver
    receiver = WebhookReceiver()
    try:
        issued, actors = _issue_tokens(platform.urls["gateway"])
        for component in COMPONENTS:
            platform.start(component)
        platform.wait_ready("registry", "projects", "reports", "notifications")
        url = f"http://{platform.env['KELISIM_GATEWAY_ADDRESS']}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, platform.log_tail()
            time.sleep(0.3)
        deployment = Deployment(platform, url, receiver.url, issued, actors)
        deployment.ok("POST", f"{API}/projects/mediation/rollouts",
                      json={"year": 2026, "regions": [OWN, OTHER]})
        deployment.ok("POST", f"{API}/report-templates", json=mediation_template(
            code="security-test", active_from="2020-01-01"))
        with platform.rpc("reports") as reports:
            reports.run_collection()
        yield deployment
    finally:
        platform.stop_all()
        receiver.close()
        _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="package")
def changes(deployment):
    watch = Changes({c: deployment.db(c) for c in COMPONENTS})
    yield watch
    watch.close()
