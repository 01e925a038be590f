"""The notifications routes through the real gateway, with real tokens of each role."""
from datetime import UTC, datetime, timedelta

from services.notifications.entrypoints.service import NotificationsService
from tests.integration.gateway.helpers import API, kgu_id, ok, problem
from tests.integration.notifications.samples import FAST, task_assigned
from tests.support import wait_for

REPORT = {"report_id": 5, "template_code": "quarterly", "template_title": "Тоқсандық есеп",
          "period": "2026-Q1", "region_code": "KZ-61", "due_date": "2026-04-10", "days_left": 5}


def test_inbox_webhooks_preferences_and_deliveries_over_http(
        start_gateway, start, notifications_db, publish, receiver):
    gateway = start_gateway()
    start(NotificationsService, notifications_db, NOTIFICATIONS=dict(FAST, smtp=None))
    kgu = kgu_id(gateway, "KZ-61")
    empty = ok(gateway.get(f"{API}/inbox", who="turkistan"))
    assert (empty["org_unit_id"], empty["total"], empty["unread"]) == (kgu, 0, 0)

    assigned = publish("task_assigned", task_assigned({"kind": "org_unit", "id": kgu}), ["KZ-61"])
    publish("report_due_soon", dict(REPORT, org_unit_id=kgu), ["KZ-61"], source="reports")
    page = wait_for(lambda: (p := ok(gateway.get(f"{API}/inbox", who="turkistan")))["total"] == 2
                    and p)
    assert page["unread"] == 2 and page["items"][1]["event_id"] == assigned.id
    typed = ok(gateway.get(f"{API}/inbox", who="turkistan",
                           params={"unread": "true", "type": "task_assigned"}))
    assert [i["title_kk"] for i in typed["items"]] == ["Жаңа тапсырма: Медиаторлар тренингі"]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert ok(gateway.get(f"{API}/inbox", who="turkistan", params={"since": future}))["total"] == 0
    assert len(ok(gateway.get(f"{API}/inbox", who="turkistan", params={"limit": 1}))["items"]) == 1
    problem(gateway.get(f"{API}/inbox", who="turkistan", params={"since": "yesterday"}), 422)
    # a misspelled event type is the reader's mistake, said in their language: not "no items"
    typo = problem(gateway.get(f"{API}/inbox", who="turkistan", params={"type": "task_assignd"},
                               headers={"Accept-Language": "ru"}), 422)
    assert set(typo["errors"]) == {"type"} and "task_assigned" in typo["errors"]["type"]
    assert typo["errors"]["type"].startswith("Должно быть одним из")
    problem(gateway.post(f"{API}/inbox/read-all", who="turkistan",
                         params={"type": "task_assignd"}), 422)

    item = typed["items"][0]["id"]
    problem(gateway.post(f"{API}/inbox/{item}/read", who="observer"), 403)
    problem(gateway.post(f"{API}/inbox/{item}/read", who="almaty"), 404)
    assert ok(gateway.post(f"{API}/inbox/{item}/read", who="turkistan"))["read_at"]
    assert ok(gateway.post(f"{API}/inbox/read-all", who="turkistan")) == {
        "org_unit_id": kgu, "marked": 1}
    assert ok(gateway.get(f"{API}/inbox", who="turkistan"))["unread"] == 0
    assert ok(gateway.get(f"{API}/inbox", params={"org_unit_id": kgu}))["total"] == 2
    assert ok(gateway.get(f"{API}/inbox"))["total"] == 0  # the RGU's own inbox
    problem(gateway.get(f"{API}/inbox", who="almaty", params={"org_unit_id": kgu}), 404)

    created = ok(gateway.post(f"{API}/webhooks", {"url": receiver.url,
                                                  "event_types": ["task_overdue"]},
                              who="turkistan"), 201)
    assert created["secret"].startswith("whsec_") and created["org_unit_id"] == kgu
    listed = ok(gateway.get(f"{API}/webhooks", who="turkistan"))
    assert [h["id"] for h in listed] == [created["id"]] and "secret" not in listed[0]
    bad = problem(gateway.post(f"{API}/webhooks", {"url": "not a url", "event_types": ["x"]},
                               who="turkistan"), 422)
    assert set(bad["errors"]) == {"url", "event_types"}
    problem(gateway.request("DELETE", f"{API}/webhooks/{created['id']}", who="almaty"), 404)
    deleted = gateway.request("DELETE", f"{API}/webhooks/{created['id']}", who="turkistan")
    assert deleted.status_code == 204 and deleted.content == b""
    assert ok(gateway.get(f"{API}/webhooks", who="turkistan")) == []

    muted = problem(gateway.request("PUT", f"{API}/preferences/task_assigned",
                                    json={"channels": ["email"]}, who="turkistan"), 422)
    assert "channels" in muted["errors"]
    chosen = ok(gateway.request("PUT", f"{API}/preferences/report_due_soon", who="turkistan",
                                json={"channels": ["email"], "frequency": "daily"}))
    assert (chosen["source"], chosen["frequency"]) == ("org_unit", "daily")
    rows = {r["event_type"]: r for r in ok(gateway.get(f"{API}/preferences",
                                                       who="turkistan"))["items"]}
    assert rows["report_due_soon"]["channels"] == ["email"] and rows["task_assigned"]["critical"]
    problem(gateway.request("PUT", f"{API}/preferences/report_due_soon", who="observer",
                            json={"channels": []}), 403)
    reset = ok(gateway.request("DELETE", f"{API}/preferences/report_due_soon", who="turkistan"))
    assert reset["source"] == "default"

    log = ok(gateway.get(f"{API}/deliveries", who="turkistan", params={"channel": "inbox"}))
    assert log["total"] == 2 and all(d["log"][0]["outcome"] == "delivered" for d in log["items"])
    assert ok(gateway.get(f"{API}/deliveries", who="almaty"))["total"] == 0
