"""kelisim's RPC replies (kelisim.rpc.Responder): the message nameko's own responder sends,
byte for byte, published on the pooled confirm-mode channel; and a service answering
through it over the real broker."""
import subprocess
import time
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pytest
from kombu import Connection, Queue
from nameko import rpc as nameko_rpc
from nameko.exceptions import RemoteError

from kelisim import rpc as kelisim_rpc
from kelisim.errors import NotFound

EXCHANGE = nameko_rpc.get_rpc_exchange({})


def _reply_queue(conn, name):
    queue = Queue(name, exchange=EXCHANGE, routing_key=name, auto_delete=True)(conn.channel())
    queue.declare()
    return queue


def _request(reply_to, correlation_id="c-1", content_type="application/json"):
    return SimpleNamespace(properties={"reply_to": reply_to, "correlation_id": correlation_id,
                                       "content_type": content_type})


@pytest.mark.parametrize("result, exc_info", [
    ({"items": [{"id": n, "title": "Медиация", "due": "2026-12-01"} for n in range(500)]}, None),
    (None, (NotFound, NotFound("no task 7"), None)),
    (object(), None),  # nameko answers UnserializableValueError
], ids=["result", "error", "unserializable"])
def test_a_reply_is_the_message_nameko_sends(amqp_uri, result, exc_info):
    with Connection(amqp_uri) as conn:
        queue = _reply_queue(conn, "reply-compare")
        answers = []
        for responder_cls in (nameko_rpc.Responder, kelisim_rpc.Responder):
            responder = responder_cls(amqp_uri, EXCHANGE, "json", _request("reply-compare"))
            answers.append(responder.send_response(result, exc_info))
        by_nameko, by_kelisim = (queue.get(no_ack=True, accept=["json"]) for _ in range(2))
        assert queue.get(no_ack=True) is None
    assert by_kelisim.body == by_nameko.body
    assert by_kelisim.properties == by_nameko.properties
    assert by_kelisim.properties["correlation_id"] == "c-1"
    assert by_kelisim.headers == by_nameko.headers
    assert by_kelisim.delivery_info["routing_key"] == "reply-compare"
    assert answers[1][0] is answers[0][0] or answers[1][0] == answers[0][0]
    assert (answers[1][1] is None) == (answers[0][1] is None)


class ReplyingService:
    name = "replying"

    @kelisim_rpc.rpc
    def page(self, size):
        return [{"id": n, "name": "Түркістан облысы"} for n in range(size)]

    @kelisim_rpc.rpc
    def unserializable(self):
        return object()


def test_a_service_answers_through_it_call_after_call(container_factory, amqp_uri, rpc):
    container = container_factory(ReplyingService, {"AMQP_URI": amqp_uri, "serializer": "json"})
    container.start()
    try:
        with rpc("replying") as replying:
            for size in (0, 1, 2000, 3):
                assert replying.page(size) == [{"id": n, "name": "Түркістан облысы"}
                                               for n in range(size)]
            with pytest.raises(RemoteError, match="UnserializableValueError"):
                replying.unserializable()
            assert replying.page(2) == [{"id": 0, "name": "Түркістан облысы"},
                                        {"id": 1, "name": "Түркістан облысы"}]
    finally:
        container.kill()


def test_a_reply_the_broker_cannot_take_is_not_retried(amqp_uri):
    """Only what a new connection can cure is tried again: a reply address longer than
    AMQP's 255 bytes fails at once, as nameko's did."""
    responder = kelisim_rpc.Responder(amqp_uri, EXCHANGE, "json", _request("r" * 300))
    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        responder.send_response({"a": 1}, None)
    assert not isinstance(raised.value, kelisim_rpc._RETRIED)
    assert time.monotonic() - started < kelisim_rpc.REPLY_RETRIES[0]


class CallingService:
    name = "calling"
    replying = kelisim_rpc.RpcProxy("replying")

    @kelisim_rpc.rpc
    def sizes(self, sizes):
        return [len(self.replying.page(size)) for size in sizes]


def _consumers(amqp_uri):
    """{queue: ack_required} of the consumers on ``amqp_uri``'s vhost, as the broker has them."""
    vhost = unquote(urlsplit(amqp_uri).path[1:])
    listed = subprocess.run(["rabbitmqctl", "-q", "list_consumers", "-p", vhost, "queue_name",
                             "ack_required"], check=True, capture_output=True, text=True,
                            timeout=60).stdout
    return {name: required == "true" for name, required in
            (line.split("\t") for line in listed.splitlines()[1:] if "\t" in line)}


def test_replies_are_taken_in_without_acks(container_factory, amqp_uri, rpc):
    """A service's calls get their replies from a consumer the broker asks no acks of (an
    ack per reply was a frame each way and the broker's work on a durable queue), and
    every call still gets its own answer; the requests are still acked (see consumer.py)."""
    config = {"AMQP_URI": amqp_uri, "serializer": "json"}
    containers = [container_factory(cls, config) for cls in (ReplyingService, CallingService)]
    for container in containers:
        container.start()
    try:
        with rpc("calling") as calling:
            assert calling.sizes([3, 0, 250, 1] * 5) == [3, 0, 250, 1] * 5
        consumers = _consumers(amqp_uri)
        replies = [name for name in consumers if name.startswith("rpc.reply-calling")]
        assert replies and not any(consumers[name] for name in replies), consumers
        assert consumers["rpc-replying"] is True and consumers["rpc-calling"] is True
    finally:
        for container in containers:
            container.kill()
