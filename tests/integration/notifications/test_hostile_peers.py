"""The notifications service against hostile peers started by each test on loopback: a
receiver that drips its answer holds back no other org unit, a webhook deleted while its
delivery is in flight receives nothing more, an SMTP server that never gives its final
reply gets each message once (the message goes to the operator), and a webhook into the
platform's own network is refused over HTTP (a 422 naming ``url``)."""
from kelisim.events import dead_letters
from services.notifications.entrypoints.service import NotificationsService
from tests.integration.gateway.helpers import API, ok, problem
from tests.integration.notifications.hostile import DripReceiver, HoldingReceiver, SilentSmtpServer
from tests.integration.notifications.samples import FAST, TURKISTAN, task_assigned
from tests.support import wait_for

ALMATY = {"id": "coord-75", "role": "kgu_coordinator", "region": "KZ-75"}


def assign(publish, kgu, region="KZ-61", task_id=1):
    return publish("task_assigned", task_assigned({"kind": "org_unit", "id": kgu["id"]},
                                                  region=region, task_id=task_id), [region])


def test_a_dripping_receiver_holds_back_no_other_org_unit(
        start, registry, notifications_db, publish, people, receiver, rpc):
    # a 5 s deadline per call; four workers, at most two of them per destination
    start(NotificationsService, notifications_db, NOTIFICATIONS=dict(
        FAST, smtp=None, webhook_timeout=5.0, concurrency=4, webhook_per_destination=2,
        webhook_retry={"first_delay": 0.05, "factor": 2, "max_delay": 0.4, "window": 60}))
    drip = DripReceiver(interval=0.3, duration=20, where="headers")
    try:
        _, turkistan = people("KZ-61")
        _, almaty = people("KZ-75")
        with rpc("notifications", TURKISTAN) as service:
            service.register_webhook({"url": drip.url, "event_types": ["task_assigned"]})
        with rpc("notifications", ALMATY) as service:
            service.register_webhook({"url": receiver.url, "event_types": ["task_assigned"]})

        for n in range(1, 7):
            assign(publish, turkistan, task_id=n)
        wait_for(lambda: drip.connections >= 2, timeout=5)
        other = assign(publish, almaty, region="KZ-75", task_id=99)

        # Almaty's receiver is called at once, while Turkistan's still drips
        [call] = wait_for(lambda: receiver.calls, timeout=2.5)
        assert call.json["event"]["id"] == other.id
        assert drip.open >= 1 and drip.most_open <= 2
    finally:
        drip.close()


def test_a_webhook_deleted_while_its_delivery_is_in_flight_receives_nothing_more(
        notifications, publish, people, receiver, rpc):
    held = HoldingReceiver(status=500)
    try:
        _, kgu = people("KZ-61")
        with rpc("notifications", TURKISTAN) as service:
            hook = service.register_webhook({"url": held.url, "event_types": ["task_assigned"]})
            service.register_webhook({"url": receiver.url, "event_types": ["task_overdue"]})
        assign(publish, kgu)
        wait_for(lambda: held.requests, timeout=5)  # in flight, held by the receiver

        with rpc("notifications", TURKISTAN) as service:
            service.delete_webhook(hook["id"])
            held.release()  # it answers 500 now: before, that meant "retry in 0.05 s"
            [delivery] = wait_for(lambda: [
                d for d in service.list_deliveries({"webhook_id": hook["id"]})["items"]
                if d["log"]], timeout=10)
        assert delivery["status"] == "cancelled"
        assert [(a["outcome"], a["status_code"]) for a in delivery["log"]] == [
            ("cancelled", 500)]

        # a later event reaches the other webhook: the dispatcher went on, and nothing more
        # went to the deleted one
        publish("task_overdue", {"task_id": 1, "task_title": "Тренинг",
                                 "project_code": "mediation", "region_code": "KZ-61",
                                 "due_date": "2026-03-01", "days_overdue": 2, "stage": "first",
                                 "responsible": [{"kind": "org_unit", "id": kgu["id"]}]},
                ["KZ-61"])
        wait_for(lambda: receiver.calls, timeout=5)
        assert held.connections == 1
        with rpc("notifications", TURKISTAN) as service:
            assert service.list_deliveries({"webhook_id": hook["id"]})["items"][0][
                "status"] == "cancelled"
    finally:
        held.release()
        held.close()


def test_an_smtp_server_silent_after_the_message_gets_it_once_and_the_operator_is_told(
        start, registry, notifications_db, publish, people, rpc, amqp_uri):
    silent = SilentSmtpServer(hold=30)
    try:
        start(NotificationsService, notifications_db, NOTIFICATIONS=dict(FAST, smtp={
            "host": "127.0.0.1", "port": silent.port, "security": "none", "timeout": 1}))
        [aliya], kgu = people("KZ-61", "Aliya")
        event = assign(publish, kgu)

        with rpc("notifications", TURKISTAN) as service:
            [email] = wait_for(lambda: [
                d for d in service.list_deliveries({"channel": "email"})["items"]
                if d["status"] == "dead"], timeout=15)
        assert email["target"] == aliya["email"] and email["attempts"] == 1
        assert "may have been delivered" in email["last_error"]
        assert [a["outcome"] for a in email["log"]] == ["dead"]
        wait_for(lambda: dead_letters.count(amqp_uri, "notifications") == 1, timeout=10)
        [(_, letter)] = dead_letters.peek(amqp_uri, "notifications")
        assert letter["delivery_id"] == email["id"]
        assert len(silent.messages) == 1 and event.id.encode() in silent.messages[0]
    finally:
        silent.close()


def test_a_webhook_into_the_platform_s_own_network_is_refused_over_http(
        start_gateway, start, notifications_db, registry, receiver):
    gateway = start_gateway()
    start(NotificationsService, notifications_db,  # no allow-list: the default
          NOTIFICATIONS=dict(FAST, smtp=None, webhook_destinations=None))
    port = receiver.url.split(":")[2].split("/")[0]
    for url in (receiver.url, f"http://localhost:{port}/", "http://169.254.169.254/latest/",
                "http://10.0.0.1/", "http://2130706433/", "http://[::ffff:7f00:1]/",
                "http://100.64.0.1/", "https://user:pass@93.184.215.14/"):
        refused = problem(gateway.post(f"{API}/webhooks", {
            "url": url, "event_types": ["task_assigned"]}, who="turkistan"), 422)
        assert list(refused["errors"]) == ["url"], url
    assert ok(gateway.get(f"{API}/webhooks", who="turkistan")) == []
    assert receiver.calls == []


def test_one_region_s_webhooks_to_many_destinations_hold_back_no_other_region(
        start, registry, notifications_db, publish, people, receiver, rpc):
    # four workers, two per destination, two per region: Turkistan's two dripping
    # receivers (two destinations) could otherwise take all four
    start(NotificationsService, notifications_db, NOTIFICATIONS=dict(
        FAST, smtp=None, webhook_timeout=5.0, concurrency=4, webhook_per_destination=2,
        webhook_per_region=2,
        webhook_retry={"first_delay": 0.05, "factor": 2, "max_delay": 0.4, "window": 60}))
    drips = [DripReceiver(interval=0.3, duration=20, where="headers") for _ in range(2)]
    try:
        _, turkistan = people("KZ-61")
        _, almaty = people("KZ-75")
        with rpc("notifications", TURKISTAN) as service:
            for drip in drips:
                service.register_webhook({"url": drip.url, "event_types": ["task_assigned"]})
        with rpc("notifications", ALMATY) as service:
            service.register_webhook({"url": receiver.url, "event_types": ["task_assigned"]})

        for n in range(1, 7):
            assign(publish, turkistan, task_id=n)
        wait_for(lambda: sum(d.connections for d in drips) >= 2, timeout=5)
        other = assign(publish, almaty, region="KZ-75", task_id=99)

        [call] = wait_for(lambda: receiver.calls, timeout=2.5)
        assert call.json["event"]["id"] == other.id
        assert sum(d.open for d in drips) >= 1
        assert sum(d.most_open for d in drips) <= 3  # never all four workers
    finally:
        for drip in drips:
            drip.close()
