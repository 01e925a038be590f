"""One task assignment through every channel, on SQLite and PostgreSQL; then the same event
again, which changes nothing anywhere."""
import eventlet
import pytest
from kombu import Connection, Exchange, Queue
from prometheus_client import REGISTRY

from services.notifications.domain import signing
from tests.integration.notifications.samples import TURKISTAN, task_assigned
from tests.support import wait_for


@pytest.fixture(params=["sqlite", "postgres"])
def notifications_db(request, migrated):
    return migrated("notifications", request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def stream(amqp_uri):
    """A queue bound to KZ-61 on the regional stream; ``messages()``: those from projects
    (creating people in the registry puts registry events there too)."""
    conn = Connection(amqp_uri)
    queue = Queue("test.stream.KZ-61", exchange=Exchange("kelisim.regional", type="topic",
                                                         durable=True),
                  routing_key="KZ-61.#", auto_delete=True)(conn.channel())
    queue.declare()
    taken = []

    class Stream:
        def messages(self):
            while (message := queue.get(no_ack=True, accept=["json"])) is not None:
                taken.append(message)
            return [m for m in taken if m.payload["source"] == "projects"]

    yield Stream()
    conn.release()


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, dict(service="notifications", **labels)) or 0


def test_an_assignment_reaches_inbox_email_webhook_and_stream_exactly_once(
        notifications, publish, people, receiver, rpc, mailbox, stream):
    [aliya], kgu = people("KZ-61", "Aliya")
    with rpc("notifications", TURKISTAN) as service:
        hook = service.register_webhook({"url": receiver.url, "event_types": ["task_assigned"]})
    before = {c: sample("kelisim_notification_deliveries_total", channel=c, outcome="delivered")
              for c in ("inbox", "email", "webhook", "stream")}
    latency_before = sample("kelisim_notification_latency_seconds_count", channel="inbox")

    event = publish("task_assigned", task_assigned(
        {"kind": "org_unit", "id": kgu["id"], "name": kgu["name_ru"]}), ["KZ-61"])

    with rpc("notifications", TURKISTAN) as service:
        page = wait_for(lambda: service.list_inbox({})["items"] and service.list_inbox({}))
    [item] = page["items"]
    assert (item["event_id"], item["org_unit_id"], item["unread"]) == (event.id, kgu["id"], True)
    assert item["title_kk"] == "Жаңа тапсырма: Медиаторлар тренингі"
    assert item["title_ru"] == "Новая задача: Медиаторлар тренингі"

    [mail] = wait_for(lambda: mailbox.for_event(event.id))
    assert mail["To"] == aliya["email"] and mail["From"] == "kelisim@example.kz"
    # in the reader's language: Kazakh, as nobody chose another
    assert mail["Subject"] == "Жаңа тапсырма: Медиаторлар тренингі"
    assert mail["Content-Language"] == "kk"
    text = mail.get_content()
    assert "Медиация институтын дамыту" in text and "Развитие института медиации" not in text

    [call] = wait_for(lambda: receiver.calls)
    assert signing.verify(hook["secret"], call.headers["X-Kelisim-Timestamp"], call.body,
                          call.headers["X-Kelisim-Signature"])
    assert call.json["event"]["id"] == event.id and call.json["webhook_id"] == hook["id"]
    assert call.headers["X-Kelisim-Event"] == "task_assigned"
    assert call.headers["X-Kelisim-Delivery"] == str(call.json["delivery_id"])

    [message] = wait_for(stream.messages)
    assert message.delivery_info["routing_key"] == "KZ-61.projects.task_assigned"
    assert message.payload == event.to_message()

    # the same event again (a redelivery or a duplicate), then another one behind it
    publish(again=event)
    later = publish("task_assigned", task_assigned({"kind": "org_unit", "id": kgu["id"]},
                                                   task_id=2), ["KZ-61"])
    wait_for(lambda: len(receiver.calls) == 2 and later.id in {
        m.payload["id"] for m in stream.messages()} and mailbox.for_event(later.id))
    eventlet.sleep(0.3)
    with rpc("notifications", TURKISTAN) as service:
        assert [i["event_id"] for i in service.list_inbox({})["items"]] == [later.id, event.id]
        log = service.list_deliveries({"event_id": event.id})
    assert len(mailbox.for_event(event.id)) == 1
    assert [c.json["event"]["id"] for c in receiver.calls] == [event.id, later.id]
    # the stream is at least once: a redelivered event is published again, and stream
    # consumers drop repeats by event id (the envelope's id, also the message_id)
    streamed = [m.payload["id"] for m in stream.messages()]
    assert set(streamed) == {event.id, later.id} and streamed[-1] == later.id
    assert all(m.properties["message_id"] == m.payload["id"] for m in stream.messages())
    assert sorted(d["channel"] for d in log["items"]) == ["email", "inbox", "webhook"]
    assert all(d["status"] == "delivered" and len(d["log"]) == 1 for d in log["items"])

    for channel in ("inbox", "email", "webhook"):
        assert sample("kelisim_notification_deliveries_total", channel=channel,
                      outcome="delivered") == before[channel] + 2
    # the stream also carried the registry's person_created
    assert sample("kelisim_notification_deliveries_total", channel="stream",
                  outcome="delivered") >= before["stream"] + 2
    assert sample("kelisim_notification_deliveries_total", channel="all",
                  outcome="duplicate") >= 1
    assert sample("kelisim_notification_latency_seconds_count", channel="inbox") == \
        latency_before + 2
