"""A preference set for the first time by two requests at once (PostgreSQL): both succeed,
one row, the later one's choice."""
from kelisim.context import Context
from services.notifications.adapters.orm import start_mappers
from services.notifications.adapters.repository import NotificationsRepository
from services.notifications.service_layer import preferences
from tests.support import race_with_slow_commit
from tests.unit.notifications.conftest import TURKISTAN, Directory


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
