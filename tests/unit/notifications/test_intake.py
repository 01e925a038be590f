"""Taking in events: inbox items, recorded deliveries, preferences and digests, exactly once."""
from datetime import UTC, datetime

import pytest

from kelisim.errors import Invalid
from services.notifications.domain import planning
from services.notifications.domain.audience import audience_for
from services.notifications.domain.model import Preference, Webhook
from services.notifications.service_layer import intake, preferences
from tests.support import ADMIN
from tests.support_notifications import NOW, SAMPLES, TURKISTAN, envelope, task_assigned


def take(uow, directory, settings, event):
    audience = audience_for(event.type, event.data, event.regions, directory)
    return intake.receive(uow(), event, audience, settings, now=NOW)


def add(uow, *entities):
    with uow() as work:
        for entity in entities:
            work.repo.add(entity)
        work.commit()


def by_channel(rows):
    found = {}
    for row in rows:
        found.setdefault(row["channel"], []).append(row)
    return found


def test_an_assignment_fills_inboxes_and_records_each_outbound_delivery(uow, directory, settings,
                                                                        table):
    add(uow, Webhook(org_unit_id=100, region_code="KZ-61", url="http://127.0.0.1:9/h",
                     secret="s", event_types=["task_assigned"], created_at=NOW),
        Webhook(org_unit_id=19, region_code="KZ-75", url="http://127.0.0.1:9/other",
                secret="s", event_types=["task_assigned"], created_at=NOW))
    event = envelope("task_assigned", task_assigned({"kind": "org_unit", "id": 100,
                                                     "name": "Филиал"}), ["KZ-61"])

    summary = take(uow, directory, settings, event)

    assert summary["inbox"] == 2 and summary["email"] == 1 and summary["webhook"] == 1
    inbox = table("inbox_items")
    assert [i["org_unit_id"] for i in inbox] == [16, 100]
    assert inbox[0]["title_kk"] == "Жаңа тапсырма: Медиация институтын танымал ету"
    assert inbox[0]["title_ru"] == "Новая задача: Популяризация института медиации"
    assert inbox[0]["critical"] and inbox[0]["read_at"] is None
    assert inbox[0]["data"]["assignment_id"] == 11 and inbox[0]["region_code"] == "KZ-61"
    deliveries = by_channel(table("deliveries"))
    assert {d["status"] for d in deliveries["inbox"]} == {"delivered"}
    assert [(d["target"], d["status"]) for d in deliveries["email"]] == [
        ("aliya@kgu61.kz", "pending")]  # person 5 of the branch has no e-mail
    assert [d["target"] for d in deliveries["webhook"]] == ["http://127.0.0.1:9/h"]
    assert "stream" not in deliveries  # published after the commit, recording nothing
    assert table("delivery_attempts") == []  # inbox items commit with their deliveries
    assert table("received_events")[0]["envelope"]["id"] == event.id


def test_the_same_event_twice_makes_nothing_new(uow, directory, settings, table):
    event = envelope("task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"])
    take(uow, directory, settings, event)
    before = (len(table("inbox_items")), len(table("deliveries")))

    assert take(uow, directory, settings, event) == {"duplicate": True}
    with uow() as work:
        assert work.repo.is_processed(event.id, intake.CONSUMER)
    assert (len(table("inbox_items")), len(table("deliveries"))) == before


def test_the_stream_has_one_message_per_region_and_national_for_none(uow, settings, table):
    assert planning.stream_targets(["KZ-75", "KZ-61", "KZ-61"], "projects", "task_overdue") == [
        ("KZ-61", "KZ-61.projects.task_overdue"), ("KZ-75", "KZ-75.projects.task_overdue")]
    assert planning.stream_targets([], "registry", "person_created") == [
        (None, "national.registry.person_created")]
    event = envelope("person_created", {"id": 9, "full_name": "X", "version": 1},
                     source="registry")
    assert intake.receive(uow(), event, None, settings, now=NOW) == {"occurred_at": NOW}
    assert table("deliveries") == [] and table("inbox_items") == []
    assert [r["event_id"] for r in table("received_events")] == [event.id]


def test_preferences_mute_and_digest_non_critical_types(uow, directory, settings, table):
    preferences.set_preference(uow(TURKISTAN), directory, "report_due_soon",
                               {"channels": ["email"], "frequency": "daily"})
    preferences.set_preference(uow(ADMIN), directory, "report_due_soon",
                               {"channels": ["inbox"], "person_id": 1})
    preferences.set_preference(uow(TURKISTAN), directory, "report_accepted",
                               {"channels": ["email"], "frequency": "hourly"})

    take(uow, directory, settings, envelope("report_due_soon", SAMPLES["report_due_soon"],
                                            ["KZ-61"], source="reports"))
    take(uow, directory, settings, envelope("report_accepted", SAMPLES["report_accepted"],
                                            ["KZ-61"], source="reports"))

    # the KGU muted its inbox for both; the person kept only the inbox for the first
    assert table("inbox_items") == []
    email = table("deliveries", channel="email")
    assert [(d["event_type"], d["status"]) for d in email] == [("report_accepted", "digest")]
    assert email[0]["due_at"] == datetime(2026, 3, 2, 7, 0)  # the next full hour (UTC)


def test_a_daily_digest_is_due_at_nine_in_astana(uow, directory, settings, table):
    preferences.set_preference(uow(ADMIN), directory, "report_due_soon",
                               {"channels": ["inbox", "email"], "frequency": "daily",
                                "person_id": 1})
    take(uow, directory, settings, envelope("report_due_soon", SAMPLES["report_due_soon"],
                                            ["KZ-61"], source="reports"))
    [email] = table("deliveries", channel="email")
    # 11:30 in Astana has passed 09:00, so tomorrow 09:00 (04:00 UTC)
    assert email["status"] == "digest" and email["due_at"] == datetime(2026, 3, 3, 4, 0)
    assert len(table("inbox_items")) == 1


def test_critical_types_cannot_be_muted(uow, directory, settings, table):
    for change in ({"channels": ["email"]}, {"channels": ["inbox"]}, {"channels": []}):
        with pytest.raises(Invalid) as refused:
            preferences.set_preference(uow(TURKISTAN), directory, "task_overdue", change)
        assert refused.value.status == 422
    # even a preference stored behind the rules' back does not mute a critical type
    add(uow, Preference("org_unit", 16, "task_assigned", [], "immediate", NOW))
    take(uow, directory, settings, envelope(
        "task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"]))
    assert len(table("inbox_items")) == 1
    assert table("deliveries", channel="email")[0]["status"] == "pending"


def test_every_type_may_go_in_a_digest_but_slips_and_overdue_tasks_go_at_once(
        uow, directory, settings, table):
    for event_type in ("task_assigned", "task_overdue", "report_due_soon"):
        chosen = preferences.set_preference(uow(TURKISTAN), directory, event_type,
                                            {"channels": ["inbox", "email"],
                                             "frequency": "daily"})
        assert chosen["frequency"] == "daily"
    take(uow, directory, settings, envelope(
        "task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"]))
    assert [d["status"] for d in table("deliveries", channel="email")] == ["digest"]
    take(uow, directory, settings, envelope("task_overdue", {
        "task_id": 7, "task_title": "Тренинг", "project_code": "mediation",
        "region_code": "KZ-61", "due_date": "2026-02-15", "days_overdue": 3,
        "stage": "overdue"}, ["KZ-61"]))
    overdue = table("deliveries", channel="email", event_type="task_overdue")
    assert [d["status"] for d in overdue] == ["pending"]


def test_without_smtp_no_email_is_planned(uow, directory, table):
    from services.notifications.settings import Settings

    take(uow, directory, Settings(smtp=None), envelope(
        "task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"]))
    assert table("deliveries", channel="email") == []
    assert len(table("inbox_items")) == 1


def test_utc_times_are_kept(uow, directory, settings, table):
    take(uow, directory, settings, envelope(
        "task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"]))
    with uow() as work:
        item = work.repo.inbox(16)[0][0]
        assert item.occurred_at == NOW and item.occurred_at.tzinfo == UTC


def test_a_batch_writes_what_its_events_write_one_by_one(uow, directory, settings, table):
    """receive_many writes a batch with one INSERT per table (no ORM objects): the rows
    are those of the same events taken one at a time, duplicates make nothing, and the
    summaries come in order."""
    events = [envelope("task_assigned", task_assigned({"kind": "org_unit", "id": unit}),
                       ["KZ-61"]) for unit in (16, 100, 16)]
    take(uow, directory, settings, events[2])  # already processed
    items = [(e, audience_for(e.type, e.data, e.regions, directory), None)
             for e in (events[0], events[1], events[0], events[2])]

    summaries = intake.receive_many(uow(), items, settings, now=NOW)

    assert [s.get("duplicate", False) for s in summaries] == [False, False, True, True]
    assert summaries[0]["inbox"] == 1 and summaries[1]["inbox"] == 2
    inbox = table("inbox_items")
    assert [(i["event_id"], i["org_unit_id"]) for i in inbox] == [
        (events[2].id, 16), (events[0].id, 16), (events[1].id, 16), (events[1].id, 100)]
    assert inbox[1]["title_kk"].startswith("Жаңа тапсырма: ")
    assert inbox[1]["created_at"].replace(tzinfo=UTC) == NOW  # read back without the type
    assert inbox[1]["occurred_at"].replace(tzinfo=UTC) == datetime.fromisoformat(
        events[0].occurred_at)
    assert inbox[1]["data"] == events[0].data and inbox[1]["read_at"] is None
    deliveries = table("deliveries")
    assert [(d["event_id"], d["channel"], d["status"], d["attempts"]) for d in deliveries
            if d["channel"] == "inbox"] == [
        (events[2].id, "inbox", "delivered", 1), (events[0].id, "inbox", "delivered", 1),
        (events[1].id, "inbox", "delivered", 1), (events[1].id, "inbox", "delivered", 1)]
    received = {r["event_id"]: r for r in table("received_events")}
    assert set(received) == {e.id for e in events}
    assert received[events[0].id]["envelope"] == events[0].to_message()
    assert received[events[0].id]["received_at"].replace(tzinfo=UTC) == NOW
