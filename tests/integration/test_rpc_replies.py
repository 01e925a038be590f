"""kelisim's RPC replies (kelisim.rpc.Responder) and requests (kelisim.rpc.MethodProxy):
the messages nameko's own responder and publisher send, byte for byte, published on the
pooled confirm-mode channel; and services calling and answering through them over the
real broker."""
import contextlib
import socket
import time
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import eventlet
import pytest
from amqp.exceptions import AccessRefused, PreconditionFailed
from eventlet.event import Event
from kombu import Connection, Exchange, Queue
from kombu.exceptions import EncodeError, OperationalError
from nameko import rpc as nameko_rpc
from nameko.exceptions import RemoteError, UnknownService
from nameko.testing.services import entrypoint_hook

from gateway.http.problems import problem_for
from kelisim import rpc as kelisim_rpc
from kelisim.errors import NotFound
from tests.support import rabbitmqctl, vhost_consumers

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


def _worker_ctx(amqp_uri, **config):
    return SimpleNamespace(
        container=SimpleNamespace(config={"AMQP_URI": amqp_uri, "serializer": "json", **config}),
        context_data={"actor": {"id": 3, "role": "kgu_coordinator", "region": "KZ-61"},
                      "language": "kk", "call_id_stack": ["gateway.add_assignment.1"]})


def _listener():
    return SimpleNamespace(routing_key="reply-to-me", get_reply_event=lambda _id: Event())


def _method(cls, amqp_uri, service, method, **config):
    return cls(_worker_ctx(amqp_uri, **config), service, method, _listener())


def test_a_request_is_the_message_nameko_sends(amqp_uri):
    args, kwargs = (7, "Түркістан облысы", [1, 2]), {"role": "R", "when": None}
    with Connection(amqp_uri) as conn:
        queue = Queue("rpc-target", exchange=EXCHANGE, routing_key="target.*",
                      auto_delete=True)(conn.channel())
        queue.declare()
        for cls in (nameko_rpc.MethodProxy, kelisim_rpc.MethodProxy):
            assert isinstance(_method(cls, amqp_uri, "target", "assign")._call(*args, **kwargs),
                              nameko_rpc.RpcReply)
        by_nameko, by_kelisim = (queue.get(no_ack=True, accept=["json"]) for _ in range(2))
        assert queue.get(no_ack=True) is None
    assert by_kelisim.body == by_nameko.body
    assert by_kelisim.payload == {"args": [7, "Түркістан облысы", [1, 2]], "kwargs": kwargs}
    ids = [message.properties.pop("correlation_id") for message in (by_nameko, by_kelisim)]
    assert len(set(ids)) == 2 and all(ids)  # a new one per call
    assert by_kelisim.properties == by_nameko.properties
    assert by_kelisim.properties["reply_to"] == "reply-to-me"
    assert by_kelisim.headers == by_nameko.headers
    assert by_kelisim.headers["nameko.language"] == "kk"
    assert by_kelisim.delivery_info["routing_key"] == "target.assign"


def test_a_request_no_queue_takes_is_an_unknown_service_and_the_next_one_goes(amqp_uri):
    """As nameko's (mandatory + confirms): a service that never started on the broker is
    ``UnknownService`` at once, and the pooled connection it went on still serves."""
    with Connection(amqp_uri) as conn:
        queue = Queue("rpc-known", exchange=EXCHANGE, routing_key="known.*",
                      auto_delete=True)(conn.channel())
        queue.declare()
        for _ in range(2):
            with pytest.raises(UnknownService, match="nobody"):
                _method(kelisim_rpc.MethodProxy, amqp_uri, "nobody", "ping")._call()
            _method(kelisim_rpc.MethodProxy, amqp_uri, "known", "ping")._call()
            assert queue.get(no_ack=True).payload == {"args": [], "kwargs": {}}
        assert queue.get(no_ack=True) is None


def test_a_request_fails_as_nameko_s_when_the_broker_is_away_or_its_arguments_are_not_json():
    """kombu's OperationalError (the gateway's 503, not a 500) within about nameko's 5 s,
    kombu's EncodeError (found by a review: ConnectionRefusedError after 11.5 s, TypeError)."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        closed = free.getsockname()[1]  # nothing listens on it once closed
    away = f"amqp://guest:guest@127.0.0.1:{closed}//"
    started = time.monotonic()
    with pytest.raises(OperationalError):
        _method(kelisim_rpc.MethodProxy, away, "target", "assign")._call(1)
    assert time.monotonic() - started < 8
    assert problem_for(OperationalError("refused")).status == 503
    with pytest.raises(EncodeError):
        _method(kelisim_rpc.MethodProxy, away, "target", "assign")._call(object())


@contextlib.contextmanager
def _through_a_holding_proxy(amqp_uri, service, timeout):
    """Calls of ``service`` through a :class:`HoldingProxy` to the broker, the requests
    also queued (``<service>.*``) to be counted: yields (proxy, the proxied URI, the
    queue, a timed proxy of ``service``), a pooled connection warmed by a ``warm`` call."""
    parts = urlsplit(amqp_uri)
    proxy = HoldingProxy(parts.port)
    proxied = urlunsplit(parts._replace(netloc=parts.netloc.replace(
        f":{parts.port}", f":{proxy.port}")))
    try:
        with Connection(amqp_uri) as conn:
            queue = Queue(f"rpc-{service}", exchange=EXCHANGE, routing_key=f"{service}.*",
                          auto_delete=True)(conn.channel())
            queue.declare()
            ctx = _worker_ctx(proxied, RPC_TIMEOUT=timeout)
            calls = kelisim_rpc.TimedServiceProxy(
                kelisim_rpc.ServiceProxy(ctx, service, _listener()), service, timeout=timeout)
            kelisim_rpc.MethodProxy(ctx, service, "warm", _listener())._call()
            yield proxy, proxied, queue, calls
    finally:
        proxy.close()


def _routing_keys(queue, most):
    eventlet.sleep(0.5)
    taken = [queue.get(no_ack=True) for _ in range(most)]
    return [m.delivery_info["routing_key"] for m in taken if m]


def test_a_request_the_broker_does_not_confirm_is_not_sent_twice(amqp_uri):
    """The broker takes the request and its confirm is lost: the call gives up after
    RPC_TIMEOUT (the timed proxy's error) and the request is queued once; sent again on a
    new connection it ran twice (found by a review), nameko waited for ever."""
    with _through_a_holding_proxy(amqp_uri, "held", 2) as (proxy, _, queue, calls):
        proxy.hold()
        started = time.monotonic()
        with pytest.raises(kelisim_rpc.RpcTimeout, match="did not confirm"):
            calls.answer()
        assert 2 <= time.monotonic() - started < 5
        assert _routing_keys(queue, 3) == ["held.warm", "held.answer"]


def test_a_request_whose_connection_is_lost_once_sent_is_not_sent_twice(amqp_uri):
    """The broker takes the request, then the connection is lost while its confirm is on
    the way: the call fails at once with the timed proxy's error and the request is queued
    once; sent again on a new connection it ran twice (found by a review; nameko's
    publisher does the same). A connection lost before the request went out is still
    tried again: the next call, on a broker cut meanwhile, is answered."""
    with _through_a_holding_proxy(amqp_uri, "lost", 10) as (proxy, proxied, queue, calls):
        proxy.hold()
        eventlet.spawn_after(1.0, proxy.cut)  # the request is on the broker by then
        started = time.monotonic()
        with pytest.raises(kelisim_rpc.RpcTimeout, match="did not confirm") as raised:
            calls.answer()
        assert "may be queued" in str(raised.value.__cause__)  # the publisher's words: logged
        assert time.monotonic() - started < 5
        kelisim_rpc.MethodProxy(_worker_ctx(proxied, RPC_TIMEOUT=10), "lost", "next",
                                _listener())._call()
        assert _routing_keys(queue, 4) == ["lost.warm", "lost.answer", "lost.next"]


def test_a_request_lost_once_sent_on_its_last_attempt_is_not_confirmed(monkeypatch):
    """A first attempt that fails before the request went out, then a last one whose
    connection is lost once it was sent: NotConfirmed (the request may be queued, the
    timed proxy's timeout error), not the socket's error (a 503 inviting the caller to
    send it again); found by a review. The batches stand in for the broker: which attempt
    fails where is what is tested."""
    attempts = []

    @contextlib.contextmanager
    def raw_batch(publisher):
        publisher.written = False
        attempts.append(publisher)
        yield lambda body, **message: None
        if len(attempts) == 1:
            raise ConnectionRefusedError("before the request went out")
        publisher.written = True
        raise ConnectionResetError("after the request went out")

    monkeypatch.setattr(kelisim_rpc.ConfirmedBatchPublisher, "raw_batch", raw_batch)
    with pytest.raises(kelisim_rpc.NotConfirmed) as raised:
        kelisim_rpc.publish_confirmed("amqp://nowhere", b"{}", "request", retries=(0.01,),
                                      unconfirmed_again=False, exchange=EXCHANGE,
                                      routing_key="anyone.anything", headers={})
    assert len(attempts) == 2
    assert isinstance(raised.value.__cause__, ConnectionResetError)


def test_a_request_made_while_its_container_starts_waits_for_its_reply_queue(amqp_uri):
    """A call made before the caller's queue consumer consumes (its reply queue not yet
    bound: an eager timer's first tick as the container starts) goes out once it does;
    its reply was lost and the call timed out. A consumer that failed to start lets the
    call go at once."""
    with Connection(amqp_uri) as conn:
        queue = Queue("rpc-starting", exchange=EXCHANGE, routing_key="starting.*",
                      auto_delete=True)(conn.channel())
        queue.declare()
        ready = Event()
        listener = SimpleNamespace(routing_key="reply-to-me", get_reply_event=lambda _id: Event(),
                                   queue_consumer=SimpleNamespace(_consumers_ready=ready))
        call = eventlet.spawn(kelisim_rpc.MethodProxy(_worker_ctx(amqp_uri), "starting",
                                                      "first", listener)._call)
        eventlet.sleep(0.5)
        assert queue.get(no_ack=True) is None
        ready.send(None)
        call.wait()
        assert queue.get(no_ack=True).delivery_info["routing_key"] == "starting.first"

        failed = Event()
        failed.send_exception(OSError("the broker is away"))
        listener.queue_consumer._consumers_ready = failed
        kelisim_rpc.MethodProxy(_worker_ctx(amqp_uri), "starting", "second", listener)._call()
        assert queue.get(no_ack=True).delivery_info["routing_key"] == "starting.second"


def test_a_reply_the_broker_cannot_take_is_not_retried(amqp_uri):
    """Only what a new connection can cure is tried again: a reply address longer than
    AMQP's 255 bytes fails at once, as nameko's did."""
    responder = kelisim_rpc.Responder(amqp_uri, EXCHANGE, "json", _request("r" * 300))
    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        responder.send_response({"a": 1}, None)
    assert not isinstance(raised.value, kelisim_rpc._RETRIED)
    assert time.monotonic() - started < kelisim_rpc.REPLY_RETRIES[0]


@pytest.mark.parametrize("refusal, error", [
    ("an exchange of another kind", PreconditionFailed),  # declared direct, asked as topic
    ("no right to write", AccessRefused),
], ids=["precondition-failed", "access-refused"])
def test_an_error_a_new_connection_cannot_cure_is_raised_at_once(amqp_uri, refusal, error):
    """The broker refusing the message itself (an exchange of another kind, a right it does
    not grant) refuses it again on any connection: raised at once, as nameko's publisher
    (kombu's ``ensure``) raises it, not after each pause of the retries; and once the
    cause is gone the next message on the same broker goes."""
    vhost = urlsplit(amqp_uri).path.lstrip("/")
    exchange = Exchange("kelisim-test-refusing", type="topic", durable=True)
    if refusal == "an exchange of another kind":
        with Connection(amqp_uri) as conn:
            Exchange(exchange.name, type="direct", durable=True)(conn.channel()).declare()
    else:
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", "^$", ".*")
    try:
        started = time.monotonic()
        with pytest.raises(error):
            kelisim_rpc.publish_confirmed(amqp_uri, b"{}", "request", retries=(3.0,),
                                          exchange=exchange, routing_key="anyone", headers={})
        assert time.monotonic() - started < 2.0
    finally:
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    with Connection(amqp_uri) as conn:
        queue = _reply_queue(conn, "after-refusal")
        kelisim_rpc.publish_confirmed(amqp_uri, b'{"n": 1}', "reply", exchange=EXCHANGE,
                                      routing_key="after-refusal", headers={})
        assert queue.get(no_ack=True, accept=["json"]).payload == {"n": 1}


class CallingService:
    name = "calling"
    replying = kelisim_rpc.RpcProxy("replying")

    @kelisim_rpc.rpc
    def sizes(self, sizes):
        """The calls at once, each from a green thread of its own."""
        return list(eventlet.GreenPool(len(sizes)).imap(
            lambda size: len(self.replying.page(size)), sizes))


def test_calls_at_once_each_get_their_own_reply_and_replies_are_acked(
        container_factory, amqp_uri, rpc):
    """Replies are handled in the caller's consumer greenthread (no thread per reply), each
    call gets its own, and the broker still asks for acks (see the test below)."""
    config = {"AMQP_URI": amqp_uri, "serializer": "json"}
    containers = [container_factory(cls, config) for cls in (ReplyingService, CallingService)]
    for container in containers:
        container.start()
    try:
        sizes = [n * 37 % 400 for n in range(60)]
        with rpc("calling") as calling:
            assert calling.sizes(sizes) == sizes
            assert calling.sizes([3, 0]) == [3, 0]
        consumers = vhost_consumers(amqp_uri)
        replies = [name for name in consumers if name.startswith("rpc.reply-calling")]
        assert replies and all(consumers[name] for name in replies), consumers
    finally:
        for container in containers:
            container.kill()


ARRIVED: list = []
RELEASE: list = []


class HoldingService:
    name = "holding"

    @kelisim_rpc.rpc
    def answer(self):
        ARRIVED[0].send(True)
        RELEASE[0].wait()
        return 42


class AskingService:
    name = "asking"
    holding = kelisim_rpc.TimedRpcProxy("holding")

    @kelisim_rpc.rpc
    def ask(self):
        return self.holding.answer()


class HoldingProxy:
    """A TCP proxy in green threads whose broker-to-client direction can be held (read
    from the broker, not forwarded), then cut (every connection closed)."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.server = eventlet.listen(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held = set()  # the broker-side sockets whose frames are dropped
        self.pairs = []
        self.serving = eventlet.spawn(self._serve)

    def _serve(self):
        while True:
            client, _ = self.server.accept()
            upstream = eventlet.connect(("127.0.0.1", self.target_port))
            self.pairs.append((client, upstream))
            eventlet.spawn(self._pipe, client, upstream)
            eventlet.spawn(self._pipe, upstream, client)

    def _pipe(self, source, target):
        try:
            while data := source.recv(65536):
                if source not in self.held:
                    target.sendall(data)
        except OSError:
            pass
        finally:
            _shut(source, target)

    def hold(self):
        self.held = {upstream for _, upstream in self.pairs}

    def cut(self):
        pairs, self.pairs = self.pairs, []
        for pair in pairs:
            _shut(*pair)

    def close(self):
        self.serving.kill()
        self.cut()
        self.server.close()


def _shut(*socks):
    for sock in socks:
        try:
            sock.shutdown(2)
        except OSError:
            pass


def test_a_reply_on_its_way_when_the_callers_connection_drops_still_answers_the_call(
        container_factory, amqp_uri):
    """The broker hands the reply to the caller's connection, which drops before the caller
    reads it: unacked, the reply goes back to the (durable) reply queue and reaches the
    call once the caller has reconnected; taken without acks it was lost and the call
    timed out (found by an adversarial review)."""
    parts = urlsplit(amqp_uri)
    proxy = HoldingProxy(parts.port)
    proxied = urlunsplit(parts._replace(netloc=parts.netloc.replace(
        f":{parts.port}", f":{proxy.port}")))
    ARRIVED[:], RELEASE[:] = [Event()], [Event()]
    holding = container_factory(HoldingService, {"AMQP_URI": amqp_uri, "serializer": "json"})
    asking = container_factory(AskingService, {"AMQP_URI": proxied, "serializer": "json",
                                               "RPC_TIMEOUT": 8})
    holding.start()
    asking.start()
    try:
        with entrypoint_hook(asking, "ask") as ask:
            call = eventlet.spawn(ask)
            ARRIVED[0].wait()     # the request went out ...
            eventlet.sleep(0.5)   # ... and its publisher has the broker's confirm
            proxy.hold()          # from now on what the broker sends to asking is dropped
            RELEASE[0].send(True)
            eventlet.sleep(1.0)   # the reply is handed to asking's connection, and dropped
            proxy.cut()           # asking reconnects through the proxy
            assert call.wait() == 42
    finally:
        holding.kill()
        asking.kill()
        proxy.close()
