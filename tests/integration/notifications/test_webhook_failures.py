"""A failing webhook receiver: retried with growing waits; one that keeps failing is disabled
with a notice in the inbox, its delivery dead-lettered and replayable, and the other
channels are not held back. (The retry window is 1.5 s here instead of 24 h.)"""
from prometheus_client import REGISTRY

from kelisim.events import dead_letters, topology
from kelisim_platform.cli.main import main
from services.notifications.domain import signing
from tests.integration.notifications.samples import TURKISTAN, task_assigned
from tests.support import wait_for


def assignment(publish, kgu, task_id=1):
    return publish("task_assigned", task_assigned({"kind": "org_unit", "id": kgu["id"]},
                                                  task_id=task_id), ["KZ-61"])


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(
        notifications, publish, people, receiver, rpc):
    _, kgu = people("KZ-61")
    with rpc("notifications", TURKISTAN) as service:
        hook = service.register_webhook({"url": receiver.url, "event_types": ["task_assigned"]})
    receiver.script = [500, 503]

    event = assignment(publish, kgu)

    with rpc("notifications", TURKISTAN) as service:
        [delivery] = wait_for(lambda: [
            d for d in service.list_deliveries({"channel": "webhook"})["items"]
            if d["status"] == "delivered"])
    assert [(a["outcome"], a["status_code"]) for a in delivery["log"]] == [
        ("failed", 500), ("failed", 503), ("delivered", 200)]
    assert len(receiver.calls) == 3
    assert {c.headers["X-Kelisim-Delivery"] for c in receiver.calls} == {str(delivery["id"])}
    assert all(c.json["event"]["id"] == event.id for c in receiver.calls)
    assert all(signing.verify(hook["secret"], c.headers["X-Kelisim-Timestamp"], c.body,
                              c.headers["X-Kelisim-Signature"]) for c in receiver.calls)
    first_wait = receiver.calls[1].at - receiver.calls[0].at
    second_wait = receiver.calls[2].at - receiver.calls[1].at
    assert 0.025 <= first_wait and 0.05 <= second_wait  # 0.05 s then 0.1 s, jittered by half


def test_a_receiver_that_keeps_failing_is_disabled_dead_lettered_and_replayable(
        notifications, publish, people, receiver, rpc, amqp_uri, mailbox, monkeypatch, capsys):
    _, kgu = people("KZ-61", "Aliya")
    with rpc("notifications", TURKISTAN) as service:
        hook = service.register_webhook({"url": receiver.url, "event_types": ["task_assigned"]})
    receiver.default = 500

    event = assignment(publish, kgu)

    # the other channels did not wait for the webhook
    wait_for(lambda: mailbox.for_event(event.id), timeout=5)
    with rpc("notifications", TURKISTAN) as service:
        [disabled] = wait_for(lambda: [h for h in service.list_webhooks({})
                                       if not h["active"]], timeout=10)
        inbox = service.list_inbox({})["items"]
        [dead] = service.list_deliveries({"channel": "webhook"})["items"]
    assert disabled["id"] == hook["id"] and "HTTP 500" in disabled["disabled_reason"]
    assert dead["status"] == "dead" and len(dead["log"]) == len(receiver.calls) >= 4
    notice, assigned = inbox
    assert assigned["event_id"] == event.id
    assert notice["event_type"] == "webhook_disabled" and receiver.url in notice["body_ru"]
    assert notice["title_ru"] == "Вебхук отключён" and notice["critical"]

    wait_for(lambda: dead_letters.count(amqp_uri, "notifications") == 1)
    wait_for(lambda: REGISTRY.get_sample_value("kelisim_notification_dead_deliveries", {
        "service": "notifications", "channel": "webhook"}) == 1)
    [(headers, letter)] = dead_letters.peek(amqp_uri, "notifications")
    assert headers[topology.QUEUE_HEADER] == "notifications.redeliver"
    assert letter["delivery_id"] == dead["id"] and "HTTP 500" in headers[topology.ERROR_HEADER]

    # new events are not sent to a disabled webhook
    calls = len(receiver.calls)
    later = assignment(publish, kgu, task_id=2)
    wait_for(lambda: mailbox.for_event(later.id), timeout=5)

    # the receiver is fixed; the operator replays the dead letter
    receiver.default = 200
    monkeypatch.setenv("KELISIM_AMQP_URI", amqp_uri)
    assert main(["dlq", "replay", "--service", "notifications"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "notifications\t1 replayed"
    with rpc("notifications", TURKISTAN) as service:
        wait_for(lambda: service.list_deliveries({"channel": "webhook"})["items"][0]["status"]
                 == "delivered")
        assert len(receiver.calls) == calls + 1
        assert receiver.calls[-1].json["event"]["id"] == event.id
        assert dead_letters.count(amqp_uri, "notifications") == 0
        wait_for(lambda: REGISTRY.get_sample_value("kelisim_notification_dead_deliveries", {
            "service": "notifications", "channel": "webhook"}) == 0)
        # switched back on by its owner, it receives new events again
        assert service.enable_webhook(hook["id"])["active"] is True
    newest = assignment(publish, kgu, task_id=3)
    wait_for(lambda: receiver.calls[-1].json["event"]["id"] == newest.id)
