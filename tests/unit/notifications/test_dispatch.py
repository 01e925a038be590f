"""Sending recorded deliveries: success, backoff, giving up, disabling a failing webhook,
interrupted sends, digests and replays. Channels here are real plugins of the Channel
interface whose answers are scripted."""
import random
from datetime import timedelta

from services.notifications.adapters.channels import Channel, DeliveryFailed
from services.notifications.domain.audience import audience_for
from services.notifications.domain.backoff import RetryPolicy
from services.notifications.domain.model import Webhook
from services.notifications.service_layer import dispatch, intake, preferences, webhooks
from tests.support import ADMIN
from tests.support_notifications import NOW, SAMPLES, TURKISTAN, envelope, task_assigned

POLICY = RetryPolicy(first_delay=60, factor=2, max_delay=3600, window=4 * 3600)


class Scripted(Channel):
    """Fails with the scripted errors in order, then succeeds; keeps what it was given."""

    def __init__(self, name, failures=(), repeatable=True):
        self.name = name
        self.failures = list(failures)
        self.repeatable = repeatable
        self.sent = []

    def deliver(self, message):
        self.sent.append(message)
        if self.failures:
            raise self.failures.pop(0)
        return 200


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


def event_with_webhook(uow, directory, settings):
    with uow() as work:
        work.repo.add(Webhook(org_unit_id=16, region_code="KZ-61", url="http://127.0.0.1:9/h",
                              secret="whsec_x", event_types=["task_assigned"], created_at=NOW))
        work.commit()
    event = envelope("task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"])
    audience = audience_for(event.type, event.data, event.regions, directory)
    intake.receive(uow(), event, audience, settings, now=NOW)
    return event


def send_due(uow, channel, clock, policy=POLICY):
    ids = dispatch.claim(uow(), channel.name, clock(), 10, lease=60)
    return [dispatch.send(uow, channel, i, policy, now=clock, rng=random.Random(3))[0]
            for i in ids]


def test_a_delivery_is_sent_once_with_its_message_and_logged(uow, directory, settings, table):
    event = event_with_webhook(uow, directory, settings)
    hook = Scripted("webhook")
    assert send_due(uow, hook, Clock()) == ["delivered"]
    assert send_due(uow, hook, Clock(NOW + timedelta(hours=1))) == []  # nothing due again
    [message] = hook.sent
    assert message.envelope["id"] == event.id and message.secret == "whsec_x"
    assert message.target == "http://127.0.0.1:9/h" and message.org_unit_id == 16
    [delivery] = table("deliveries", channel="webhook")
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        "delivered", 1, 200)
    assert [a["outcome"] for a in table("delivery_attempts", delivery_id=delivery["id"])] == [
        "delivered"]


def test_failures_back_off_exponentially_and_one_channel_does_not_hold_another(
        uow, directory, settings, table):
    event_with_webhook(uow, directory, settings)
    hook = Scripted("webhook", [DeliveryFailed("HTTP 503", status_code=503)] * 2)
    mail = Scripted("email")
    clock = Clock()

    assert send_due(uow, hook, clock) == ["failed"]
    assert send_due(uow, mail, clock) == ["delivered"]  # e-mail went while the webhook waits
    [delivery] = table("deliveries", channel="webhook")
    first_wait = (delivery["next_attempt_at"] - clock().replace(tzinfo=None)).total_seconds()
    assert 30 <= first_wait <= 60
    assert send_due(uow, hook, clock) == []  # not due yet

    clock.now = delivery["next_attempt_at"].replace(tzinfo=NOW.tzinfo)
    assert send_due(uow, hook, clock) == ["failed"]
    [delivery] = table("deliveries", channel="webhook")
    second_wait = (delivery["next_attempt_at"] - clock().replace(tzinfo=None)).total_seconds()
    assert 60 <= second_wait <= 120

    clock.now = delivery["next_attempt_at"].replace(tzinfo=NOW.tzinfo)
    assert send_due(uow, hook, clock) == ["delivered"]
    attempts = table("delivery_attempts", delivery_id=delivery["id"])
    assert [(a["outcome"], a["status_code"]) for a in attempts] == [
        ("failed", 503), ("failed", 503), ("delivered", 200)]
    with uow() as work:
        assert work.repo.webhook(1).consecutive_failures == 0


def test_a_webhook_failing_past_its_window_is_disabled_with_a_notice(uow, directory, settings,
                                                                     table):
    event_with_webhook(uow, directory, settings)
    second = envelope("task_assigned", task_assigned({"kind": "org_unit", "id": 16},
                                                     title="Екінші"), ["KZ-61"])
    intake.receive(uow(), second, audience_for(second.type, second.data, second.regions,
                                               directory), settings, now=NOW)
    hook = Scripted("webhook", [DeliveryFailed("ConnectionError: refused")] * 100)
    clock = Clock()
    outcomes = []
    while "dead" not in outcomes:
        outcomes += send_due(uow, hook, clock)
        clock.now += timedelta(minutes=20)
    assert clock.now - NOW >= timedelta(hours=POLICY.window / 3600)

    with uow() as work:
        webhook = work.repo.webhook(1)
        assert not webhook.active and "ConnectionError" in webhook.disabled_reason
    webhook_rows = table("deliveries", channel="webhook")
    assert {d["status"] for d in webhook_rows} == {"dead"}
    [notice] = table("inbox_items", event_type="webhook_disabled")
    assert notice["org_unit_id"] == 16 and "http://127.0.0.1:9/h" in notice["body_ru"]
    assert notice["title_kk"] == "Вебхук өшірілді"
    # a disabled webhook is not planned for new events
    third = envelope("task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"])
    summary = intake.receive(uow(), third, audience_for(third.type, third.data, third.regions,
                                                        directory), settings, now=clock())
    assert "webhook" not in summary


def test_a_permanent_failure_is_dead_at_once_and_a_replay_tries_again(uow, directory, settings,
                                                                       table):
    event_with_webhook(uow, directory, settings)
    mail = Scripted("email", [DeliveryFailed("SMTP 550: no such user", permanent=True,
                                             status_code=550)])
    assert send_due(uow, mail, Clock()) == ["dead"]
    [dead] = table("deliveries", channel="email")
    assert dead["status"] == "dead" and dead["last_status_code"] == 550

    assert dispatch.replay(uow(), {"delivery_id": dead["id"]}, now=NOW) == "email"
    assert dispatch.replay(uow(), {"delivery_id": dead["id"]}) is None  # already pending
    assert send_due(uow, mail, Clock()) == ["delivered"]
    assert dispatch.replay(uow(), {"delivery_id": 999}) is None


def test_an_interrupted_email_is_not_sent_again_but_a_webhook_is(uow, directory, settings,
                                                                 table):
    event_with_webhook(uow, directory, settings)
    for channel in ("email", "webhook"):
        dispatch.claim(uow(), channel, NOW, 10, lease=60)  # then the process "dies"
    later = NOW + timedelta(seconds=61)
    assert dispatch.recover_stale(uow(), "email", False, NOW) == 0  # lease still running
    assert dispatch.recover_stale(uow(), "email", False, later) == 1
    assert dispatch.recover_stale(uow(), "webhook", True, later) == 1
    [email] = table("deliveries", channel="email")
    [webhook] = table("deliveries", channel="webhook")
    assert email["status"] == "dead" and "may have been delivered" in email["last_error"]
    assert webhook["status"] == "pending"
    assert send_due(uow, Scripted("webhook"), Clock(later)) == ["delivered"]


def test_digests_gather_held_items_per_recipient(uow, directory, settings, table):
    preferences.set_preference(uow(ADMIN), directory, "report_due_soon",
                               {"channels": ["email"], "frequency": "hourly", "person_id": 1})
    for days_left in (5, 4):
        event = envelope("report_due_soon", dict(SAMPLES["report_due_soon"], days_left=days_left),
                         ["KZ-61"], source="reports")
        intake.receive(uow(), event, audience_for(event.type, event.data, event.regions,
                                                  directory), settings, now=NOW)
    assert dispatch.compose_digests(uow(), NOW) == 0  # not due before the hour
    assert dispatch.compose_digests(uow(), NOW + timedelta(hours=1)) == 1

    mail = Scripted("email")
    assert send_due(uow, mail, Clock(NOW + timedelta(hours=1))) == ["delivered"]
    [message] = mail.sent
    assert message.event_type == "digest" and message.target == "aliya@kgu61.kz"
    assert [r.body_ru.endswith("Осталось дней: 5.") for _, _, r in message.digest] == [True, False]
    items = table("deliveries", event_type="report_due_soon", channel="email")
    assert {i["status"] for i in items} == {"digested"}
    assert dispatch.compose_digests(uow(), NOW + timedelta(hours=2)) == 0


def test_backlog_counts_waiting_and_dead_deliveries_per_channel(uow, directory, settings):
    event_with_webhook(uow, directory, settings)
    send_due(uow, Scripted("email", [DeliveryFailed("bad", permanent=True)]), Clock())
    waiting, dead = dispatch.backlog(uow())
    assert waiting == {"webhook": 1}
    assert dead == {"email": 1}


class DeletesItsWebhook(Channel):
    """The webhook's owner deletes it while its delivery is being sent, which then fails."""

    name = "webhook"

    def __init__(self, uow):
        self.uow = uow

    def deliver(self, message):
        webhooks.delete_webhook(self.uow(TURKISTAN), message.webhook_id)
        raise DeliveryFailed("HTTP 503", status_code=503)


def test_a_webhook_deleted_while_its_delivery_is_in_flight_is_not_called_again(
        uow, directory, settings, table):
    event_with_webhook(uow, directory, settings)
    assert send_due(uow, DeletesItsWebhook(uow), Clock()) == ["cancelled"]
    [delivery] = table("deliveries", channel="webhook")
    assert delivery["status"] == "cancelled" and delivery["claimed_until"] is None
    assert [(a["outcome"], a["status_code"]) for a in table(
        "delivery_attempts", delivery_id=delivery["id"])] == [("cancelled", 503)]
    later = Scripted("webhook")
    assert send_due(uow, later, Clock(NOW + timedelta(hours=1))) == [] and later.sent == []


def test_a_webhook_deleted_while_a_dead_process_holds_the_lease_is_not_called_again(
        uow, directory, settings, table):
    event_with_webhook(uow, directory, settings)
    assert len(dispatch.claim(uow(), "webhook", NOW, 10, lease=60)) == 1  # then it dies
    webhooks.delete_webhook(uow(TURKISTAN), 1)
    later = NOW + timedelta(seconds=61)
    assert dispatch.recover_stale(uow(), "webhook", True, later) == 0
    [delivery] = table("deliveries", channel="webhook")
    assert delivery["status"] == "cancelled"
    assert send_due(uow, Scripted("webhook"), Clock(later)) == []


def test_an_email_that_may_have_been_delivered_goes_to_the_operator_not_out_again(
        uow, directory, settings, table):
    event_with_webhook(uow, directory, settings)
    mail = Scripted("email", [DeliveryFailed("no final reply", maybe_delivered=True)],
                    repeatable=False)
    assert send_due(uow, mail, Clock()) == ["dead"]
    [email] = table("deliveries", channel="email")
    assert email["status"] == "dead" and email["attempts"] == 1
    assert email["last_error"].startswith("no final reply: it may have been delivered")
    with uow() as work:
        assert [d.id for d in work.repo.undead_lettered()] == [email["id"]]
    assert send_due(uow, mail, Clock(NOW + timedelta(hours=1))) == [] and len(mail.sent) == 1
    # a webhook, whose receivers drop repeats by delivery id, is simply retried
    hook = Scripted("webhook", [DeliveryFailed("cut off", maybe_delivered=True)])
    assert send_due(uow, hook, Clock()) == ["failed"]
    assert send_due(uow, hook, Clock(NOW + timedelta(seconds=1))) == ["delivered"]
