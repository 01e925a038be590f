"""The notifications service for real: the registry and notifications on a per-test vhost,
a real SMTP server (STARTTLS + AUTH), a real HTTP webhook receiver, catalogue-valid
events published to the broker exactly as the outbox relay publishes them (the registry,
the SMTP server, ``publish``: tests/fixtures/)."""
import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from services.notifications.adapters.repository import NotificationsRepository
from services.notifications.entrypoints.service import NotificationsService
from tests.integration.notifications.receivers import WebhookReceiver
from tests.integration.notifications.samples import FAST
from tests.support import table_rows


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server[1]


@pytest.fixture
def receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


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
def rows(session_factory):
    """``rows(url, table_name, **where)``: rows of a table of the notifications database."""
    return lambda url, table, **where: table_rows(session_factory(url), table, **where)


@pytest.fixture
def repository_of():
    """``repository_of(url)``: a unit of work on the notifications database."""

    def make(url):
        engine = make_engine(url)
        return UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                          repositories=NotificationsRepository)

    return make
