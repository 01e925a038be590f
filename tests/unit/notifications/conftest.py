"""Notifications unit tests: the service layer over a migrated SQLite file, no broker
(recipients from tests/support_notifications.py's Directory)."""
import pytest

from services.notifications.adapters.orm import start_mappers
from services.notifications.adapters.repository import NotificationsRepository
from services.notifications.settings import Settings, SmtpSettings
from tests.support import SYSTEM, service_layer_fixtures, table_rows
from tests.support_notifications import Directory


@pytest.fixture
def directory():
    return Directory()


template_db, sessions, uow, rows, events = service_layer_fixtures(
    "notifications", NotificationsRepository, start_mappers, actor=SYSTEM)


@pytest.fixture
def table(sessions):
    """``table(name, **where)``: rows of a table, as dicts."""
    return lambda name, **where: table_rows(sessions, name, **where)


@pytest.fixture
def settings():
    # e-mails go out at once here; tests of batches set email_batch_seconds themselves
    return Settings(smtp=SmtpSettings(host="127.0.0.1", port=2525, security="none"),
                    email_batch_seconds=0)
