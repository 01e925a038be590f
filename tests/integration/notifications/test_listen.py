"""``kelisim listen``: a KGU's durable queue on the regional stream, its region alone."""
import io
import json

import eventlet
import pytest
from kombu import Connection, Queue

from kelisim_platform.cli.listen import run
from kelisim_platform.cli.main import build_parser
from tests.integration.notifications.samples import task_assigned
from tests.support import close_vhost_connections, wait_for


@pytest.fixture
def listen(amqp_uri, monkeypatch):
    """``listen(*argv)``: run ``kelisim listen`` in a greenthread; returns (thread, output)."""
    monkeypatch.setenv("KELISIM_AMQP_URI", amqp_uri)

    def start(*argv):
        out = io.StringIO()
        args = build_parser().parse_args(["listen", *argv])
        return eventlet.spawn(run, args, out), out

    return start


def wait(thread, timeout=10):
    with eventlet.Timeout(timeout):
        return thread.wait()


def test_listen_prints_its_region_only_and_keeps_a_durable_queue(
        notifications, publish, listen, amqp_uri):
    thread, out = listen("--region", "KZ-61", "--json", "--count", "2")
    eventlet.sleep(0.5)  # bound
    elsewhere = publish("task_assigned", task_assigned({"kind": "org_unit", "id": 19},
                                                       region="KZ-75"), ["KZ-75"])
    national = publish("risk_escalated", {"risk_id": 1, "project_code": "mediation",
                                          "title": "Бюджет", "score": 20, "threshold": 15}, [])
    ours = publish("task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"])
    both = publish("plan_status_changed", {"plan_id": 1, "project_code": "mediation",
                                           "region_code": "KZ-61", "year": 2026,
                                           "old_status": "draft", "new_status": "approved"},
                   ["KZ-61", "KZ-75"])

    assert wait(thread) == 0
    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sorted(e["id"] for e in printed) == sorted([ours.id, both.id])
    assert ours.to_message() in printed
    assert elsewhere.id not in out.getvalue() and national.id not in out.getvalue()

    # the queue outlives the listener: what arrives meanwhile waits for the next run
    with Connection(amqp_uri) as conn:
        queue = Queue("kelisim.regional.KZ-61.listen", channel=conn.channel())
        assert queue.queue_declare(passive=True).message_count == 0
        meanwhile = publish("task_overdue", {
            "task_id": 9, "task_title": "Кеңес отырысы", "project_code": "mediation",
            "region_code": "KZ-61", "due_date": "2026-03-01", "days_overdue": 1,
            "stage": "first"}, ["KZ-61"])
        with eventlet.Timeout(10):
            while queue.queue_declare(passive=True).message_count == 0:
                eventlet.sleep(0.05)

    thread, out = listen("--region", "KZ-61", "--count", "1", "--national")
    assert wait(thread) == 0
    [line] = out.getvalue().splitlines()
    assert "KZ-61" in line and "projects.task_overdue" in line
    assert "Тапсырма мерзімі өтті: Кеңес отырысы / Задача просрочена: Кеңес отырысы" in line
    assert meanwhile.id not in line  # readable, not JSON


def test_the_events_register_reaches_its_regions_stream(notifications, publish, listen):
    thread, out = listen("--region", "KZ-61", "--count", "1")
    eventlet.sleep(0.5)  # bound
    publish("event_recorded", {
        "event_id": 7, "region_code": "KZ-61", "org_unit_id": 16, "org_unit_kind": "kgu",
        "kind": "meeting", "title_kk": "Аналар кеңесінің отырысы", "title_ru": None,
        "starts_at": "2026-05-01T05:00:00+00:00", "local_date": "2026-05-01",
        "participants": 40, "structure_ids": [3], "structure_types": ["council_of_mothers"],
        "status": "recorded"}, ["KZ-61"], source="reports")
    assert wait(thread) == 0
    [line] = out.getvalue().splitlines()
    assert "KZ-61" in line and "reports.event_recorded" in line
    assert "Аналар кеңесінің отырысы" in line


def test_listen_refuses_a_bad_region_and_an_absent_broker(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["listen", "--region", "Turkistan"])
    monkeypatch.setenv("KELISIM_AMQP_URI", "amqp://guest:guest@127.0.0.1:1/")
    args = build_parser().parse_args(["listen", "--region", "KZ-61"])
    assert run(args) == 2
    assert "RabbitMQ is not reachable" in capsys.readouterr().err


def test_listen_reconnects_by_itself_when_its_connection_is_closed(
        notifications, publish, listen, amqp_uri, capfd):
    """``rabbitmqctl close_connection`` on the vhost (the listener's, and the notifications
    service's, whose regional stream publishes on): the listener says so once, reconnects,
    and prints what was published after the cut; notifications publishes it."""
    thread, out = listen("--region", "KZ-61", "--json", "--count", "2")
    before = publish("task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"])
    wait_for(lambda: before.id in out.getvalue(), timeout=10)
    assert close_vhost_connections(amqp_uri) >= 2  # at least the listener and notifications
    after = publish("task_assigned", task_assigned({"kind": "org_unit", "id": 16}), ["KZ-61"])
    assert wait(thread, timeout=30) == 0
    printed = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
    assert printed == [before.id, after.id]
    err = capfd.readouterr().err
    assert err.count("kelisim: the broker connection was lost") == 1, err
    assert err.count("kelisim: reconnected to the broker") == 1, err
