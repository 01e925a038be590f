"""Failures that must not lose or hold back a notification: an unreachable SMTP server, and
a registry that is down when the event arrives (the event is dead-lettered, then replayed)."""

from kelisim.events import dead_letters, topology
from kelisim_platform.cli.main import main
from services.notifications.entrypoints.service import NotificationsService
from services.registry.entrypoints.service import RegistryService
from tests.integration.notifications.samples import FAST, TURKISTAN, task_assigned
from tests.support import free_port, wait_for


def test_an_unreachable_smtp_server_holds_back_nothing_else(
        start, registry, notifications_db, publish, people, receiver, rpc, amqp_uri):
    dead_smtp = {"host": "127.0.0.1", "port": free_port(), "security": "none",
                 "timeout": 1}
    start(NotificationsService, notifications_db, NOTIFICATIONS=dict(FAST, smtp=dead_smtp))
    [aliya], kgu = people("KZ-61", "Aliya")
    with rpc("notifications", TURKISTAN) as service:
        service.register_webhook({"url": receiver.url, "event_types": ["task_assigned"]})

    event = publish("task_assigned", task_assigned({"kind": "org_unit", "id": kgu["id"]}),
                    ["KZ-61"])

    wait_for(lambda: receiver.calls, timeout=3)
    with rpc("notifications", TURKISTAN) as service:
        assert service.list_inbox({})["items"][0]["event_id"] == event.id
        [email] = wait_for(lambda: [d for d in service.list_deliveries({"channel": "email"})[
            "items"] if d["status"] == "dead"], timeout=10)
    assert email["target"] == aliya["email"] and len(email["log"]) >= 3
    assert all("ConnectionRefusedError" in a["error"] for a in email["log"])
    wait_for(lambda: dead_letters.count(amqp_uri, "notifications") == 1)


def test_an_event_that_cannot_be_resolved_is_dead_lettered_then_replayed(
        start, notifications_db, registry_db, publish, rpc, amqp_uri, monkeypatch):
    start(NotificationsService, notifications_db, NOTIFICATIONS=FAST)  # no registry yet
    event = publish("task_overdue", {
        "task_id": 4, "task_title": "Есеп жинау", "project_code": "civic-identity",
        "region_code": "KZ-61", "due_date": "2026-03-01", "days_overdue": 2, "stage": "first"},
        ["KZ-61"])

    wait_for(lambda: dead_letters.count(amqp_uri, "notifications") == 1)
    [(headers, body)] = dead_letters.peek(amqp_uri, "notifications")
    assert body["id"] == event.id
    assert headers[topology.QUEUE_HEADER] == (
        "evt-projects-task_overdue--notifications.on_task_overdue")
    assert "UnknownService" in headers[topology.ERROR_HEADER]

    start(RegistryService, registry_db)
    monkeypatch.setenv("KELISIM_AMQP_URI", amqp_uri)
    assert main(["dlq", "replay", "--service", "notifications"]) == 0
    with rpc("notifications", TURKISTAN) as service:
        [item] = wait_for(lambda: service.list_inbox({})["items"])
    assert item["event_id"] == event.id and item["title_ru"] == "Задача просрочена: Есеп жинау"
    assert dead_letters.count(amqp_uri, "notifications") == 0
