"""The use cases behind the gateway: whose inbox, who may change what, pages and filters."""
from datetime import timedelta

import pytest

from kelisim.errors import Conflict, Forbidden, Invalid, NotFound
from services.notifications.domain.audience import audience_for
from services.notifications.service_layer import deliveries, inbox, intake, preferences, webhooks
from services.notifications.settings import from_config
from tests.support import ADMIN, OBSERVER
from tests.support_notifications import ALMATY, NOW, SAMPLES, TURKISTAN, envelope, public_dns, task_assigned


def notify(uow, directory, settings, event_type, regions=("KZ-61",), now=NOW, **changes):
    source = "reports" if event_type.startswith("report_") else "projects"
    event = envelope(event_type, dict(SAMPLES[event_type], **changes), regions, source=source)
    audience = audience_for(event.type, event.data, event.regions, directory)
    intake.receive(uow(), event, audience, settings, now=now)
    return event


def test_a_coordinator_reads_its_kgu_inbox_newest_first_with_filters(uow, directory, settings):
    notify(uow, directory, settings, "report_due_soon", now=NOW)
    notify(uow, directory, settings, "task_assigned", now=NOW + timedelta(minutes=1))
    notify(uow, directory, settings, "report_accepted", now=NOW + timedelta(minutes=2))
    notify(uow, directory, settings, "report_due_soon", regions=("KZ-75",),
           org_unit_id=19, region_code="KZ-75")

    page = inbox.list_inbox(uow(TURKISTAN), directory, {})
    assert page["org_unit_id"] == 16 and (page["total"], page["unread"]) == (3, 3)
    assert [i["event_type"] for i in page["items"]] == [
        "report_accepted", "task_assigned", "report_due_soon"]
    assert page["items"][0]["unread"] is True
    second = inbox.list_inbox(uow(TURKISTAN), directory, {"limit": "1", "offset": "1"})
    assert [i["event_type"] for i in second["items"]] == ["task_assigned"]
    typed = inbox.list_inbox(uow(TURKISTAN), directory, {"type": "report_due_soon"})
    assert typed["total"] == 1
    since = inbox.list_inbox(uow(TURKISTAN), directory,
                             {"since": (NOW + timedelta(seconds=30)).isoformat()})
    assert since["total"] == 2
    assert inbox.list_inbox(uow(ALMATY), directory, {})["total"] == 1


def test_reading_one_all_and_archiving(uow, directory, settings):
    notify(uow, directory, settings, "report_due_soon")
    notify(uow, directory, settings, "report_returned")
    notify(uow, directory, settings, "task_assigned")
    items = inbox.list_inbox(uow(TURKISTAN), directory, {})["items"]

    read = inbox.mark_read(uow(TURKISTAN), items[0]["id"])
    assert read["read_at"] and read["unread"] is False
    assert inbox.mark_read(uow(TURKISTAN), items[0]["id"])["read_at"] == read["read_at"]
    assert inbox.list_inbox(uow(TURKISTAN), directory, {"unread": "true"})["total"] == 2
    assert inbox.list_inbox(uow(TURKISTAN), directory, {"unread": "false"})["total"] == 1
    assert inbox.mark_all_read(uow(TURKISTAN), directory, {"type": "report_returned"}) == {
        "org_unit_id": 16, "marked": 1}
    assert inbox.mark_all_read(uow(TURKISTAN), directory, {})["marked"] == 1
    assert inbox.list_inbox(uow(TURKISTAN), directory, {})["unread"] == 0

    inbox.archive_item(uow(TURKISTAN), items[1]["id"])
    assert inbox.list_inbox(uow(TURKISTAN), directory, {})["total"] == 2
    archived = inbox.list_inbox(uow(TURKISTAN), directory, {"archived": "true"})
    assert [i["id"] for i in archived["items"]] == [items[1]["id"]]


def test_who_may_read_and_change_which_inbox(uow, directory, settings):
    notify(uow, directory, settings, "risk_escalated")  # the RGU and the KGU of KZ-61
    rgu_items = inbox.list_inbox(uow(ADMIN), directory, {})
    assert rgu_items["org_unit_id"] == 1 and rgu_items["total"] == 1
    kgu = inbox.list_inbox(uow(ADMIN), directory, {"org_unit_id": "16"})
    assert kgu["total"] == 1 and inbox.list_inbox(uow(OBSERVER), directory, {})["total"] == 1
    assert inbox.list_inbox(uow(TURKISTAN), directory, {"org_unit_id": "100"})["total"] == 0

    with pytest.raises(NotFound):
        inbox.list_inbox(uow(ALMATY), directory, {"org_unit_id": "16"})
    with pytest.raises(NotFound):
        inbox.list_inbox(uow(TURKISTAN), directory, {"org_unit_id": "1"})
    with pytest.raises(NotFound):
        inbox.list_inbox(uow(TURKISTAN), directory, {"org_unit_id": "4040"})
    with pytest.raises(NotFound):
        inbox.mark_read(uow(ALMATY), kgu["items"][0]["id"])
    with pytest.raises(Forbidden):
        inbox.mark_read(uow(OBSERVER), kgu["items"][0]["id"])
    with pytest.raises(NotFound):
        inbox.mark_read(uow(TURKISTAN), rgu_items["items"][0]["id"])
    with pytest.raises(Invalid):
        inbox.list_inbox(uow(TURKISTAN), directory, {"limit": "0"})
    assert inbox.mark_read(uow(ADMIN), kgu["items"][0]["id"])["read_at"]


def test_webhooks_are_registered_per_org_unit_and_their_secret_is_shown_once(uow, directory):
    created = webhooks.register_webhook(uow(TURKISTAN), directory, {
        "url": "https://kgu61.example.kz/hooks", "event_types": ["task_assigned",
                                                                 "task_assigned", "task_overdue"]},
        resolver=public_dns)
    assert created["org_unit_id"] == 16 and created["secret"].startswith("whsec_")
    assert created["event_types"] == ["task_assigned", "task_overdue"] and created["active"]
    listed = webhooks.list_webhooks(uow(TURKISTAN), {})
    assert [h["id"] for h in listed] == [created["id"]] and "secret" not in listed[0]
    assert webhooks.list_webhooks(uow(ALMATY), {}) == []
    assert len(webhooks.list_webhooks(uow(ADMIN), {})) == 1

    for bad in ({"url": "ftp://x.kz/h", "event_types": ["task_assigned"]},
                {"url": "https://x.kz/h", "event_types": []},
                {"url": "https://x.kz/h", "event_types": ["person_created"]},
                {"url": "https://x.kz/h", "event_types": ["task_assigned"], "secret": "mine"}):
        with pytest.raises(Invalid):
            webhooks.register_webhook(uow(TURKISTAN), directory, bad)
    with pytest.raises(NotFound):
        webhooks.register_webhook(uow(ALMATY), directory, {
            "url": "https://x.kz/h", "event_types": ["task_assigned"], "org_unit_id": 16})
    with pytest.raises(NotFound):
        webhooks.delete_webhook(uow(ALMATY), created["id"])
    with pytest.raises(Forbidden):
        webhooks.delete_webhook(uow(OBSERVER), created["id"])

    webhooks.delete_webhook(uow(TURKISTAN), created["id"])
    assert webhooks.list_webhooks(uow(TURKISTAN), {}) == []
    with pytest.raises(NotFound):
        webhooks.delete_webhook(uow(TURKISTAN), created["id"])
    with uow() as work:
        actions = [e["action"] for e in work.audit_entries(entity="webhook")]
    assert actions == ["delete", "create"]


def test_preferences_per_org_unit_and_person(uow, directory):
    kgu = preferences.get_preferences(uow(TURKISTAN), directory, {})
    assert (kgu["owner_kind"], kgu["owner_id"]) == ("org_unit", 16)
    rows = {r["event_type"]: r for r in kgu["items"]}
    assert rows["task_assigned"] == {"event_type": "task_assigned", "channels": ["inbox", "email"],
                                     "frequency": "immediate", "critical": True,
                                     "source": "default"}
    changed = preferences.set_preference(uow(TURKISTAN), directory, "report_accepted",
                                         {"channels": ["email"], "frequency": "daily"})
    assert changed == {"event_type": "report_accepted", "channels": ["email"],
                       "frequency": "daily", "critical": False, "source": "org_unit"}

    person = preferences.get_preferences(uow(TURKISTAN), directory, {"person_id": "1"})
    rows = {r["event_type"]: r for r in person["items"]}
    assert rows["report_accepted"]["source"] == "org_unit"  # inherited from the KGU
    preferences.set_preference(uow(TURKISTAN), directory, "report_accepted",
                               {"channels": [], "person_id": 1})
    assert preferences.reset_preference(uow(TURKISTAN), directory, "report_accepted",
                                        {"person_id": "1"})["source"] == "org_unit"
    assert preferences.reset_preference(uow(TURKISTAN), directory, "report_accepted",
                                        {})["source"] == "default"

    with pytest.raises(NotFound):
        preferences.get_preferences(uow(ALMATY), directory, {"person_id": "1"})
    with pytest.raises(NotFound):
        preferences.set_preference(uow(TURKISTAN), directory, "no_such_type", {"channels": []})
    with pytest.raises(Forbidden):
        preferences.set_preference(uow(OBSERVER), directory, "report_accepted",
                                   {"channels": ["inbox"]})
    with pytest.raises(Invalid):
        preferences.set_preference(uow(TURKISTAN), directory, "report_accepted",
                                   {"channels": ["sms"]})


def test_the_delivery_log_is_scoped_to_the_caller_s_region(uow, directory, settings):
    notify(uow, directory, settings, "task_assigned")
    notify(uow, directory, settings, "report_due_soon", regions=("KZ-75",), org_unit_id=19)
    mine = deliveries.list_deliveries(uow(TURKISTAN), {})
    assert mine["total"] == 2 and {d["region_code"] for d in mine["items"]} == {"KZ-61"}
    inbox_only = deliveries.list_deliveries(uow(TURKISTAN), {"channel": "inbox"})
    assert [d["log"][0]["outcome"] for d in inbox_only["items"]] == ["delivered"]
    assert deliveries.list_deliveries(uow(ADMIN), {})["total"] == 4
    with pytest.raises(Invalid):
        deliveries.list_deliveries(uow(TURKISTAN), {"channel": "pigeon"})


def test_a_task_assignment_to_another_region_s_unit_reaches_that_inbox(uow, directory, settings):
    event = envelope("task_assigned", task_assigned({"kind": "org_unit", "id": 19}), ["KZ-61"])
    intake.receive(uow(), event, audience_for(event.type, event.data, event.regions, directory),
                   settings, now=NOW)
    assert inbox.list_inbox(uow(ALMATY), directory, {})["total"] == 1


@pytest.mark.parametrize("since", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00",
                                   "1899-12-31T00:00:00Z"])
def test_a_since_beyond_the_calendar_is_refused_naming_it(uow, directory, since):
    with pytest.raises(Invalid) as refused:
        inbox.list_inbox(uow(TURKISTAN), directory, {"since": since})
    assert set(refused.value.errors) == {"since"}


def test_an_org_unit_has_a_bounded_number_of_webhooks(uow, directory, monkeypatch):
    """Each event of an org unit goes to each of its webhooks: without a bound, one
    coordinator could make every event of its unit a thousand sends."""
    def register(n):
        return webhooks.register_webhook(uow(TURKISTAN), directory, {
            "url": f"https://h{n}.example.kz/hooks", "event_types": ["task_assigned"]},
            resolver=public_dns, limit=3)

    first, *_ = [register(n) for n in range(3)]
    with pytest.raises(Conflict) as refused:
        register(3)
    assert "3" in str(refused.value)
    assert len(webhooks.list_webhooks(uow(TURKISTAN), {})) == 3
    webhooks.delete_webhook(uow(TURKISTAN), first["id"])
    assert register(4)["active"]

    assert from_config({"AMQP_URI": "x"}).webhook_max_per_org_unit == 20
    monkeypatch.setenv("KELISIM_WEBHOOK_MAX_PER_ORG_UNIT", "5")
    assert from_config({"AMQP_URI": "x"}).webhook_max_per_org_unit == 5
