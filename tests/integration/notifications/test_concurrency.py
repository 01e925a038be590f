"""Two consumers taking in the same event at once (PostgreSQL): one inbox item, not two."""
from sqlalchemy.exc import IntegrityError

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.notifications.adapters.orm import start_mappers
from services.notifications.adapters.repository import NotificationsRepository
from services.notifications.domain.audience import audience_for
from services.notifications.service_layer import intake
from services.notifications.settings import Settings
from tests.support import race_with_slow_commit
from tests.support_notifications import Directory, envelope, task_assigned


def test_a_duplicate_racing_the_original_fails_then_is_a_duplicate(postgres_url, migrated,
                                                                    session_factory):
    start_mappers()
    sessions = session_factory(migrated("notifications", postgres_url))

    def uow(cls=UnitOfWork):
        return cls(sessions, Context(source="notifications"), NotificationsRepository)

    event = envelope("task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"])
    audience = audience_for(event.type, event.data, event.regions, Directory())

    # the original commits only once the duplicate waits on what it wrote (or the test fails)
    original, duplicate = race_with_slow_commit(uow, intake.receive, event, audience, Settings())
    assert original["inbox"] == 1
    assert isinstance(duplicate, IntegrityError)  # the handler fails, so the event is retried...
    assert intake.receive(uow(), event, audience, Settings()) == {"duplicate": True}  # ...once
    with uow() as check:
        items, total = check.repo.inbox(16)
        assert total == 1 and items[0].event_id == event.id
        assert [d.channel for d in check.repo.deliveries_of_event(event.id)] == ["inbox"]
