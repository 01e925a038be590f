"""The notifications service for real: the registry and notifications on a per-test vhost,
a real SMTP server (STARTTLS + AUTH), a real HTTP webhook receiver, catalogue-valid
events published to the broker exactly as the outbox relay publishes them."""
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from kombu import Connection
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.testing.utils import find_free_port
from sqlalchemy.orm import sessionmaker

from kelisim.context import CORRELATION_KEY
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from kelisim.events.envelope import new_envelope
from kelisim.events.topology import event_exchange
from services.notifications.adapters.repository import NotificationsRepository
from services.notifications.entrypoints.service import NotificationsService
from services.registry.adapters.repository import RegistryRepository
from services.registry.entrypoints.service import RegistryService
from services.registry.service_layer.reference import load_reference_data
from tests.integration.gateway.conftest import start_gateway  # noqa: F401  (a fixture)
from tests.integration.notifications.receivers import Mailbox, WebhookReceiver
from tests.support import (
    ADMIN,  # noqa: F401  (re-exported to the tests)
    on_database,
)

TURKISTAN = {"id": "coord-61", "role": "kgu_coordinator", "region": "KZ-61"}
SMTP_USER, SMTP_PASSWORD = "kelisim", "s3cret-pass"
# The test receivers listen on loopback, which webhooks may reach only when an operator
# allows it: the tests allow 127.0.0.1 (and nothing else) explicitly.
LOOPBACK_ALLOWED = {"networks": ["127.0.0.1/32"]}
# Fast retries: the webhook window is 1.5 s instead of 24 h.
FAST = {"webhook_retry": {"first_delay": 0.05, "factor": 2, "max_delay": 0.4, "window": 1.5},
        "email_retry": {"first_delay": 0.05, "factor": 2, "max_delay": 0.2, "window": 1.0},
        "dispatch_interval": 0.2, "webhook_timeout": 2.0,
        "webhook_destinations": LOOPBACK_ALLOWED,
        "email_batch_seconds": 0}  # e-mails of one action wait for each other: see test_email


@pytest.fixture(scope="session")
def smtp_server(tmp_path_factory):
    """A real SMTP server in its own process, for the whole session: (settings, Mailbox)."""
    folder = tmp_path_factory.mktemp("smtp")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    mail = folder / "mail"
    mail.mkdir()
    port = find_free_port()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("smtp_server.py")), "--dir", str(mail),
         "--port", str(port), "--cert", str(cert), "--key", str(key), "--user", SMTP_USER,
         "--password", SMTP_PASSWORD], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("ready"), "the SMTP server did not start"
    settings = {"host": "127.0.0.1", "port": port, "security": "starttls", "username": SMTP_USER,
                "password": SMTP_PASSWORD, "sender": "kelisim@example.kz", "timeout": 5,
                "ca_file": str(cert)}
    yield settings, Mailbox(mail)
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server[1]


@pytest.fixture
def receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def registry_db(tmp_path, migrated):
    url = migrated("registry", f"sqlite:///{tmp_path / 'registry.db'}")
    on_database(url, RegistryRepository, load_reference_data)
    return url


@pytest.fixture
def notifications_db(tmp_path, migrated):
    return migrated("notifications", f"sqlite:///{tmp_path / 'notifications.db'}")


@pytest.fixture
def registry(start, registry_db):
    return start(RegistryService, registry_db)


@pytest.fixture
def notifications_settings(smtp_server):
    return dict(FAST, smtp=smtp_server[0])


@pytest.fixture
def notifications(notifications_db, start, registry, notifications_settings):
    """The notifications service (its database set up first, so it goes after the service)."""
    return start(NotificationsService, notifications_db, NOTIFICATIONS=notifications_settings)


@pytest.fixture
def people(rpc):
    """``people(region, *names)``: people with e-mail attached to the region's KGU."""

    def make(region, *names):
        with rpc("registry") as registry:
            kgu = registry.kgu_of_region(region)["org_unit"]
            return [registry.create_person({
                "full_name": name, "email": f"{name.lower()}.{uuid.uuid4().hex[:6]}@example.kz",
                "org_unit_id": kgu["id"]}) for name in names], kgu

    return make


@pytest.fixture
def publish(amqp_uri):
    """``publish(type, data, regions, source=...)``: a catalogue-valid envelope published as
    the outbox relay does (persistent, confirmed); returns the envelope. ``again=envelope``
    publishes that same envelope a second time."""

    def send(event_type=None, data=None, regions=(), source="projects", again=None):
        envelope = again or new_envelope(event_type, data, source=source,
                                         correlation_id=f"corr-{uuid.uuid4()}", regions=regions)
        exchange = event_exchange(envelope.source)
        with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
            conn.Producer(serializer="json").publish(
                envelope.to_message(), exchange=exchange, declare=[exchange],
                routing_key=envelope.type, delivery_mode=PERSISTENT_DELIVERY_MODE,
                headers={f"nameko.{CORRELATION_KEY}": envelope.correlation_id},
                message_id=envelope.id)
        return envelope

    return send


@pytest.fixture
def rows(session_factory):
    """``rows(url, table_name, **where)``: rows of a table of the notifications database."""

    def read(url, table, **where):
        with session_factory(url)() as session:
            t = sa.Table(table, sa.MetaData(), autoload_with=session.get_bind())
            query = sa.select(t).order_by(*t.primary_key.columns)
            for name, value in where.items():
                query = query.where(t.c[name] == value)
            return [dict(r._mapping) for r in session.execute(query)]

    return read


def task_assigned(assignee, region="KZ-61", title="Медиаторлар тренингі", role="R", task_id=1):
    return {"task_id": task_id, "task_title": title, "plan_id": 3, "project_code": "mediation",
            "project_name": {"kk": "Медиация институтын дамыту",
                             "ru": "Развитие института медиации"},
            "region_code": region, "start_date": "2026-03-01", "due_date": "2026-04-15",
            "assignment_id": 10 + task_id, "role": role, "assignee": assignee}


@pytest.fixture
def repository_of():
    """``repository_of(url)``: a unit of work on the notifications database."""

    def make(url):
        engine = make_engine(url)
        return UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                          repositories=NotificationsRepository)

    return make
