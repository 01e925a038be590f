"""Two consumers taking in the same event at once (PostgreSQL): one inbox item, not two."""
import eventlet
import pytest
from sqlalchemy.exc import IntegrityError

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.notifications.adapters.orm import start_mappers
from services.notifications.adapters.repository import NotificationsRepository
from services.notifications.domain.audience import audience_for
from services.notifications.service_layer import intake
from services.notifications.settings import Settings
from tests.support_notifications import Directory, envelope, task_assigned


class SlowCommit(UnitOfWork):
    """Writes everything, then waits before committing: the window a racer falls into."""

    def commit(self):
        self.flush()
        eventlet.sleep(0.3)
        super().commit()


def test_a_duplicate_racing_the_original_fails_then_is_a_duplicate(postgres_url, migrated,
                                                                    session_factory):
    start_mappers()
    sessions = session_factory(migrated("notifications", postgres_url))

    def uow(cls=UnitOfWork):
        return cls(sessions, Context(source="notifications"), NotificationsRepository)

    event = envelope("task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"])
    audience = audience_for(event.type, event.data, event.regions, Directory())

    original = eventlet.spawn(intake.receive, uow(SlowCommit), event, audience, Settings())
    eventlet.sleep(0.1)
    duplicate = eventlet.spawn(intake.receive, uow(), event, audience, Settings())

    assert original.wait()["inbox"] == 1
    with pytest.raises(IntegrityError):
        duplicate.wait()  # the handler fails, so the event is retried...
    assert intake.receive(uow(), event, audience, Settings()) == {"duplicate": True}  # ...once
    with uow() as check:
        items, total = check.repo.inbox(16)
        assert total == 1 and items[0].event_id == event.id
        assert [d.channel for d in check.repo.deliveries_of_event(event.id)] == ["inbox"]
