"""Unique keys of the notifications database under concurrency (PostgreSQL): a preference
set for the first time by two requests at once (both succeed, one row, the later one's
choice) and digests composed by two dispatchers at once (one digest)."""
from datetime import timedelta

import sqlalchemy as sa

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.notifications.adapters import orm
from services.notifications.adapters.orm import start_mappers
from services.notifications.adapters.repository import NotificationsRepository
from services.notifications.domain.audience import audience_for
from services.notifications.service_layer import dispatch, intake, preferences
from services.notifications.settings import Settings, SmtpSettings
from tests.support import ADMIN, race_with_slow_commit
from tests.support_notifications import NOW, SAMPLES, TURKISTAN, Directory, envelope


def test_two_first_settings_of_one_preference_at_once_both_succeed(postgres_url, migrated,
                                                                    session_factory):
    start_mappers()
    sessions = session_factory(migrated("notifications", postgres_url))
    directory = Directory()
    choices = iter([["email"], ["inbox"]])

    def set_it(uow):
        return preferences.set_preference(uow, directory, "report_accepted",
                                          {"channels": next(choices), "frequency": "daily"})

    first, second = race_with_slow_commit(
        lambda cls: cls(sessions, Context(actor=dict(TURKISTAN), source="notifications"),
                        NotificationsRepository), set_it)
    assert [repr(a) for a in (first, second) if isinstance(a, Exception)] == []
    assert (first["channels"], second["channels"]) == (["email"], ["inbox"])
    with sessions() as session:
        stored = NotificationsRepository(session).preferences_of([("org_unit", 16)])
    assert [(key[2], p.channels) for key, p in stored.items()] == [("report_accepted", ["inbox"])]


def test_two_dispatchers_composing_the_digests_at_once_make_each_once(postgres_url, migrated,
                                                                      session_factory):
    start_mappers()
    sessions = session_factory(migrated("notifications", postgres_url))
    directory = Directory()

    def make_uow(cls=UnitOfWork, actor=None):
        return cls(sessions, Context(actor=dict(actor or {}), source="notifications"),
                   NotificationsRepository)

    preferences.set_preference(make_uow(actor=ADMIN), directory, "report_due_soon",
                               {"channels": ["email"], "frequency": "hourly", "person_id": 1})
    settings = Settings(smtp=SmtpSettings(host="127.0.0.1", port=2525, security="none"))
    for days_left in (5, 4):
        event = envelope("report_due_soon", dict(SAMPLES["report_due_soon"], days_left=days_left),
                         ["KZ-61"], source="reports")
        intake.receive(make_uow(), event, audience_for(event.type, event.data, event.regions,
                                                       directory), settings, now=NOW)

    first, second = race_with_slow_commit(make_uow, dispatch.compose_digests,
                                          NOW + timedelta(hours=1))
    assert [repr(a) for a in (first, second) if isinstance(a, Exception)] == []
    assert sorted([first, second]) == [0, 1]
    with sessions() as session:
        digests = session.execute(sa.select(orm.deliveries.c.id).where(
            orm.deliveries.c.event_type == "digest")).all()
    assert len(digests) == 1
