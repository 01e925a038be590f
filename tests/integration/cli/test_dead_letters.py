"""Dead-letter operations against the real broker: count, show without consuming, replay."""
from datetime import UTC

from kombu import Connection, Exchange, Queue
from kombu.entity import PERSISTENT_DELIVERY_MODE

from kelisim.events import dead_letters, topology
from kelisim_platform.cli.main import main


def _dead_letter(amqp_uri, service, body, target_queue):
    queue = topology.dead_letter_queue(service)
    with Connection(amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        producer.publish(body, exchange=topology.DEAD_LETTER_EXCHANGE, routing_key=service,
                         declare=[topology.DEAD_LETTER_EXCHANGE, queue],
                         delivery_mode=PERSISTENT_DELIVERY_MODE,
                         headers={topology.QUEUE_HEADER: target_queue,
                                  topology.ERROR_HEADER: "ValueError: boom",
                                  topology.ATTEMPTS_HEADER: 5, "nameko.correlation_id": "c-1"})


def test_count_show_and_replay(amqp_uri):
    target = Queue("evt-test-target", exchange=Exchange("", type="direct"), routing_key="evt-test-target")
    with Connection(amqp_uri) as conn:
        target(conn.channel()).declare()
    for n in range(3):
        _dead_letter(amqp_uri, "notifications", {"n": n}, "evt-test-target")

    assert dead_letters.count(amqp_uri, "notifications") == 3
    assert dead_letters.count(amqp_uri, "registry") == 0
    shown = dead_letters.peek(amqp_uri, "notifications", limit=2)
    assert [body for _, body in shown] == [{"n": 0}, {"n": 1}]
    assert shown[0][0][topology.ERROR_HEADER] == "ValueError: boom"
    assert dead_letters.count(amqp_uri, "notifications") == 3  # showing consumed nothing

    assert dead_letters.replay(amqp_uri, "notifications", limit=2) == 2
    assert dead_letters.count(amqp_uri, "notifications") == 1
    with Connection(amqp_uri) as conn:
        queue = target(conn.channel())
        replayed = [queue.get(no_ack=True, accept=["json"]) for _ in range(2)]
        assert queue.get(no_ack=True) is None
    assert [m.payload for m in replayed] == [{"n": 0}, {"n": 1}]
    headers = replayed[0].headers
    assert topology.ATTEMPTS_HEADER not in headers and topology.ERROR_HEADER not in headers
    assert headers["nameko.correlation_id"] == "c-1"


def test_cli_counts_per_service(amqp_uri, monkeypatch, capsys):
    monkeypatch.setenv("KELISIM_AMQP_URI", amqp_uri)
    _dead_letter(amqp_uri, "reports", {"n": 1}, "nowhere")
    assert main(["dlq", "count", "--service", "reports", "--service", "projects"]) == 0
    assert capsys.readouterr().out.splitlines() == ["reports\t1", "projects\t0"]


def test_replay_leaves_events_older_than_the_processed_id_retention(amqp_uri, monkeypatch,
                                                                   capsys):
    from datetime import datetime, timedelta

    target = Queue("evt-test-old", exchange=Exchange("", type="direct"), routing_key="evt-test-old")
    with Connection(amqp_uri) as conn:
        target(conn.channel()).declare()
    now = datetime.now(UTC)
    for n, days in ((1, 40), (2, 1), (3, 31)):
        _dead_letter(amqp_uri, "projects",
                     {"id": f"e{n}", "occurred_at": (now - timedelta(days=days)).isoformat()},
                     "evt-test-old")
    monkeypatch.setenv("KELISIM_AMQP_URI", amqp_uri)
    monkeypatch.setenv("KELISIM_RETENTION_PROCESSED_DAYS", "30")

    assert main(["dlq", "replay", "--service", "projects"]) == 0

    out = capsys.readouterr()
    assert out.out.splitlines() == ["projects\t1 replayed"]
    assert "2 left in the queue" in out.err and "KELISIM_RETENTION_PROCESSED_DAYS=30" in out.err
    assert [body["id"] for _, body in dead_letters.peek(amqp_uri, "projects")] == ["e1", "e3"]
    with Connection(amqp_uri) as conn:
        message = target(conn.channel()).get(no_ack=True, accept=["json"])
    assert message.payload["id"] == "e2"
