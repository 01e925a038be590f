"""An organisation outside the Assembly named on a task: it has no inbox, so nothing is
sent to it, and nothing fails on it; the region's KGU, its webhooks and the regional stream
get the event, which names the organisation in Kazakh and Russian."""
from kombu import Connection, Exchange, Queue

from kelisim.events import dead_letters
from tests.integration.notifications.samples import TURKISTAN, task_assigned
from tests.support import wait_for


def test_an_akimat_named_responsible_reaches_the_kgu_webhook_and_stream_and_fails_nothing(
        notifications, publish, people, receiver, rpc, rows, notifications_db, amqp_uri):
    conn = Connection(amqp_uri)
    stream = Queue("test.stream.co-executors", exchange=Exchange(
        "kelisim.regional", type="topic", durable=True), routing_key="KZ-61.#",
        auto_delete=True)(conn.channel())
    stream.declare()
    _, kgu = people("KZ-61", "Aliya")
    with rpc("registry") as registry:
        akimat = registry.list_organisations({"code": "AKIMAT-KZ-61"})["items"][0]
        changed = registry.update_organisation(akimat["id"], {
            "version": akimat["version"], "email": "akimat@turkistan.gov.kz"})
    with rpc("notifications", TURKISTAN) as service:
        hook = service.register_webhook({"url": receiver.url, "event_types": ["task_assigned"]})

    event = publish("task_assigned", task_assigned(
        {"kind": "organisation", "id": akimat["id"], "name": akimat["name_ru"],
         "region_code": "KZ-61"}), ["KZ-61"])

    with rpc("notifications", TURKISTAN) as service:
        [item] = wait_for(lambda: service.list_inbox({})["items"])
    assert (item["event_id"], item["org_unit_id"]) == (event.id, kgu["id"])
    [call] = wait_for(lambda: receiver.calls)
    assert call.json["event"]["data"]["assignee"]["kind"] == "organisation"
    assert call.json["webhook_id"] == hook["id"]
    [received] = rows(notifications_db, "received_events", event_id=event.id)
    assert received["names"]["assignee"] == {"kk": "Түркістан облысының әкімдігі",
                                             "ru": "Акимат Туркестанской области",
                                             "en": "Akimat of Turkistan Region"}
    deliveries = rows(notifications_db, "deliveries", event_id=event.id)
    assert {d["channel"] for d in deliveries} >= {"inbox", "webhook"}
    assert all(d["org_unit_id"] in (kgu["id"], None) for d in deliveries
               if "org_unit_id" in d)

    taken = []

    def streamed():
        while (message := stream.get(no_ack=True, accept=["json"])) is not None:
            taken.append(message.payload)
        return {m["type"] for m in taken} >= {"organisation_updated", "task_assigned"}

    assert wait_for(streamed)
    update = next(m for m in taken if m["type"] == "organisation_updated")
    assert update["data"]["current"] == changed
    assert dead_letters.count(amqp_uri, "notifications") == 0
    conn.release()
