"""kelisim's side of nameko RPC.

- ``@rpc``: nameko's entrypoint, consuming through ``SettlingQueueConsumer``, so a call in
  flight when the service stops still acks its request instead of having another replica
  run it again (see kelisim/consumer.py). A reply the broker cannot take (it is
  restarting) is logged and dropped, the caller times out: in nameko it killed the
  service's container, and the process lived on without consuming anything. A JSON
  reply is serialised once and published on the pooled connection's confirm-mode
  channel (:class:`Responder`).
- ``RpcProxy(service)``: nameko's, its replies consumed through ``SettlingQueueConsumer``
  too (in nameko an ack of a reply on a connection the broker had just dropped killed the
  service), a JSON request published as a reply is (:class:`MethodProxy`).
- ``TimedRpcProxy(service)``: calls give up after ``RPC_TIMEOUT`` seconds. nameko's proxy
  waits for ever, and a reply lost while the broker restarts (reply queues are not
  durable) would hold the worker, and with it a slot of the service's pool, for good.
  Calls made inside ``optional_calls()`` give up after ``OPTIONAL_RPC_TIMEOUT`` seconds
  instead (when shorter): an answer the caller can do without (a part of a page).

Importing this module makes kombu's ``json`` serializer orjson's in the process
(kelisim/serialization.py): the same messages, a fraction of the CPU.
"""
import sys
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import eventlet
from amqp.exceptions import AccessRefused, AMQPError, MessageNacked, PreconditionFailed
from amqp.exceptions import ConnectionError as AMQPConnectionError
from eventlet import corolocal
from kombu.exceptions import EncodeError, OperationalError
from nameko import exceptions as nameko_exceptions
from nameko import rpc as nameko_rpc
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)

from kelisim import serialization
from kelisim.consumer import SettlingQueueConsumer
from kelisim.events.publisher import ConfirmedBatchPublisher, NotConfirmed, Unroutable
from kelisim.i18n import _, as_message
from kelisim.logging import get_logger

log = get_logger(__name__)
serialization.install()  # JSON messages through orjson (kelisim/serialization.py)

DEFAULT_TIMEOUT = 10.0


REPLY_RETRIES = (0.5, 1.0, 2.0)  # seconds before each new attempt at a reply, as nameko's 3
# a request: one more attempt, so a caller meets a broker that is down in about the 5 s
# nameko's publisher took (each attempt's connection tries twice, 2 s apart: kombu's)
REQUEST_RETRIES = (0.5,)
# seconds a call made as its container starts waits for its reply queue (a start takes
# well under a second; with the broker away at start every call would wait it)
REPLY_QUEUE_WAIT = 5.0
# what another attempt on a new connection can cure: a dropped or refused connection, a
# channel the broker closed (an exchange deleted meanwhile), no confirm in time, a nack
_RETRIED = (OSError, TimeoutError, AMQPError, MessageNacked)
# ... but not the broker refusing the message itself, as it would on any connection: an
# exchange declared as another kind (406), a name or right it does not grant (403)
_REFUSED = (PreconditionFailed, AccessRefused)
# the connection lost, or closed by the broker, once a message was sent: it may be queued
_LOST = (OSError, AMQPConnectionError)


class Responder(nameko_rpc.Responder):
    """nameko's reply to a call, made with less CPU where the call came as JSON (as every
    kelisim caller sends): the ``{"result", "error"}`` body serialised once
    (:func:`kelisim.serialization.dumps`; nameko serialised it twice, once to check it
    can be) and published as the outbox relay publishes (``raw_batch``: the confirm-mode
    channel kept on a pooled connection) instead of through a new kombu ``Connection``
    and ``Producer`` per reply: a third of the projects service's CPU on an uncached task
    page was its reply. The message is the one nameko's publisher sends: the same body,
    content type and encoding, ``correlation_id``, persistent, priority 0, no headers.
    Confirmed by the broker as before; an attempt failed by the broker or the network
    drops its connection and is tried again on a new one after each of
    :data:`REPLY_RETRIES`, then raises (anything else at once)."""

    def send_response(self, result: Any, exc_info: Any) -> tuple[Any, Any]:
        if (self.message.properties.get("content_type") != serialization.CONTENT_TYPE
                or self.ssl or self.login_method):  # what the pooled publisher does not do
            sent: tuple[Any, Any] = super().send_response(result, exc_info)
            return sent
        error = None if exc_info is None else nameko_exceptions.serialize(exc_info[1])
        try:
            body = serialization.dumps({"result": result, "error": error})
        except Exception:  # as nameko: the caller learns the result could not be sent
            exc_info = sys.exc_info()
            error = nameko_exceptions.serialize(nameko_exceptions.UnserializableValueError(result))
            result = None
            body = serialization.dumps({"result": None, "error": error})
        publish_confirmed(self.amqp_uri, body, "reply", exchange=self.exchange,
                          routing_key=self.message.properties["reply_to"], headers={},
                          correlation_id=self.message.properties.get("correlation_id"))
        return result, exc_info


def publish_confirmed(amqp_uri: str, body: bytes, what: str,
                      retries: tuple[float, ...] = REPLY_RETRIES, unconfirmed_again: bool = True,
                      confirm_timeout: float = 30.0, **message: Any) -> None:
    """``body`` (UTF-8 JSON) published as one message of ``raw_batch`` (``message``: its
    ``send`` arguments) on a pooled connection's confirm-mode channel, and confirmed
    within ``confirm_timeout`` seconds. An attempt failed by the broker or the network
    (``_RETRIED``) drops its connection and is made again on a new one after each pause of
    ``retries`` (seconds), then raises; anything else at once, among it
    :class:`~kelisim.events.publisher.Unroutable`, the broker's refusals that another
    connection would meet again (``_REFUSED``: py-amqp's ``PreconditionFailed`` and
    ``AccessRefused``, which nameko's publisher does not retry either), and, unless
    ``unconfirmed_again``, :class:`~kelisim.events.publisher.NotConfirmed` for a message
    that may be queued already (sent again, it would be delivered twice): one the broker
    did not confirm in time, or whose connection was lost once it was sent (the error
    it met is its ``__cause__``). ``what`` names the message in the log ("reply",
    "request")."""
    publisher = ConfirmedBatchPublisher(amqp_uri, confirm_timeout=confirm_timeout)
    for attempt, pause in enumerate((*retries, None)):
        try:
            with publisher.raw_batch() as send:
                send(body, **message)
            return
        except _RETRIED as exc:
            if publisher.written and isinstance(exc, _LOST) and not unconfirmed_again:
                raise NotConfirmed(f"the connection was lost after the {what} was sent: "
                                   f"it may be queued, so it is not sent again") from exc
            if pause is None or isinstance(exc, _REFUSED) or (
                    isinstance(exc, NotConfirmed) and not unconfirmed_again):
                raise
            log.info(f"an RPC {what} failed: trying again on a new connection",
                     attempt=attempt + 1, error=repr(exc))
            eventlet.sleep(pause)


class RpcConsumer(nameko_rpc.RpcConsumer):
    queue_consumer = SettlingQueueConsumer()

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        try:
            config = self.container.config
            responder = Responder(config[AMQP_URI_CONFIG_KEY], nameko_rpc.get_rpc_exchange(config),
                                  config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
                                  ssl=config.get(AMQP_SSL_CONFIG_KEY),
                                  login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
            handled: tuple[Any, Any] = responder.send_response(result, exc_info)
            self.queue_consumer.ack_message(message)
            return handled
        except Exception as exc:  # the reply was not sent; the work is done: ack the request
            log.warning("could not send an RPC reply: the caller will time out",
                        method=message.delivery_info.get("routing_key"), error=repr(exc))
            self.queue_consumer.ack_message(message)
            return result, exc_info


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()


rpc = Rpc.decorator


class ReplyListener(nameko_rpc.ReplyListener):
    """nameko's, each reply handled in the queue consumer's own greenthread (``inline``,
    see :class:`SettlingQueueConsumer`): it is acked and wakes the call waiting for it, with
    no managed thread spawned per reply as nameko did. Still acked: the reply queue is
    durable and outlives a connection, so a reply on its way when the connection drops is
    delivered again once it is back, and its call answered (without acks it timed out)."""

    queue_consumer = SettlingQueueConsumer()
    inline = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # held weakly: a call that timed out drops its reply and the entry goes with it,
        # where nameko kept it for ever when the reply never came (lost in a broker restart)
        self._reply_events: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()

    def handle_message(self, body: Any, message: Any) -> None:
        self.queue_consumer.ack_message(message)
        waiting = self._reply_events.pop(message.properties.get("correlation_id"), None)
        if waiting is not None:  # else its call has given up (timed out) already
            waiting.send(body)

    def on_connect(self) -> None:
        """A (re)connection: nothing to do (a call waiting still waits, within its timeout)."""


class MethodProxy(nameko_rpc.MethodProxy):
    """nameko's call of one method, its request made with less CPU where it goes as JSON
    (kelisim's serializer): the ``{"args", "kwargs"}`` body serialised by
    :func:`kelisim.serialization.dumps` and published by :func:`publish_confirmed`, as
    :class:`Responder` sends a reply, instead of through nameko's ``Publisher`` (a kombu
    ``Producer`` from a pool, its ``ensure`` wrapper and py-amqp's publish that waits for
    the confirm message by message): a fifth of the gateway's CPU on an assignment's POST
    (bench/README.md). The message is the one nameko's publisher sends: the same body,
    content type and encoding, the worker's ``nameko.*`` context headers, ``reply_to``,
    ``correlation_id``, persistent, priority 0, ``mandatory``. Raises as nameko's does:
    ``UnknownService`` for a request no queue takes (the service never started on this
    broker), kombu's ``OperationalError`` when the broker cannot be reached (after one more
    attempt, :data:`REQUEST_RETRIES`), kombu's ``EncodeError`` for arguments JSON cannot
    hold; and :class:`~kelisim.events.publisher.NotConfirmed` (a TimeoutError) when the
    broker has not confirmed the request within ``RPC_TIMEOUT`` seconds, or the connection
    was lost once it was sent: it may be queued and run, so it is not sent again (nameko
    waited for the confirm for ever, and sent it again after a lost connection)."""

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        if self.publisher.serializer != "json" or self.ssl or self.login_method:
            return super()._call(*args, **kwargs)  # what the pooled publisher does not do
        try:
            body = serialization.dumps({"args": args, "kwargs": kwargs})
        except (TypeError, ValueError) as exc:  # as kombu's serializer raises it
            raise EncodeError(exc) from exc
        config = self.container.config
        _reply_queue_bound(self.reply_listener, min(REPLY_QUEUE_WAIT, float(
            config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))))
        correlation_id = str(uuid.uuid4())
        reply_event = self.reply_listener.get_reply_event(correlation_id)
        try:
            publish_confirmed(
                self.amqp_uri, body, "request", retries=REQUEST_RETRIES,
                unconfirmed_again=False,
                confirm_timeout=float(config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT)),
                exchange=nameko_rpc.get_rpc_exchange(config),
                routing_key=f"{self.service_name}.{self.method_name}",
                headers=self.get_message_headers(self.worker_ctx),
                correlation_id=correlation_id, reply_to=self.reply_listener.routing_key,
                mandatory=True)
        except Unroutable:
            raise nameko_exceptions.UnknownService(self.service_name) from None
        except NotConfirmed:
            raise
        except OSError as exc:  # the broker is down or restarting: kombu's error, as nameko's
            raise OperationalError(repr(exc)) from exc
        return nameko_rpc.RpcReply(reply_event)


def _reply_queue_bound(listener: Any, timeout: float) -> None:
    """Wait, at most ``timeout`` seconds, until the queue consumer of ``listener`` (a
    ReplyListener) consumes, its reply queue declared and bound. nameko starts a
    container's extensions all at once, so a call made as it starts (an eager timer's
    first tick) could be answered before its reply queue was bound, the reply lost and the
    call timed out (reports' collection job at start, seen by a fresh-clone walk). A
    consumer that could not start, or a wait past ``timeout``, lets the call go on and
    fail or time out as before."""
    ready = getattr(getattr(listener, "queue_consumer", None), "_consumers_ready", None)
    if ready is None or ready.ready():
        return
    timer = eventlet.Timeout(timeout)
    try:
        ready.wait()
    except eventlet.Timeout as exc:
        if exc is not timer:
            raise
    except Exception:  # the consumer's own start failed: the call goes on and says why
        pass
    finally:
        timer.cancel()


class ServiceProxy(nameko_rpc.ServiceProxy):
    """nameko's, its methods kelisim's :class:`MethodProxy` unless the proxy was given
    publisher options (confirms, retry policy, headers...): nameko's then, which has them."""

    def __getattr__(self, name: str) -> Any:
        method_proxy = nameko_rpc.MethodProxy if self.options else MethodProxy
        return method_proxy(self.worker_ctx, self.service_name, name, self.reply_listener,
                            **self.options)


class RpcProxy(nameko_rpc.RpcProxy):
    rpc_reply_listener = ReplyListener()

    def get_dependency(self, worker_ctx: Any) -> Any:
        return ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener,
                            **self.options)


@nameko_exceptions.deserialize_to_instance
class RpcTimeout(Exception):
    """A service did not answer a call in time; a handler failing on it is retried. Made
    of a :class:`kelisim.i18n.Msg` naming the service (or a plain text); its args are the
    English text (``str()``, for logs) and the Msg's dict form, so a service's RPC that
    fails on it reaches the gateway as this class again (registered with nameko), which
    answers a 504 in the reader's language (``message``). The broker's own words, when it
    did not confirm the call, are its ``__cause__``, for logs only."""

    def __init__(self, detail: Any, message: Any = None) -> None:
        self.message = as_message(message) or as_message(detail)
        text = self.message.render("en") if self.message is not None else str(detail)
        super().__init__(text, self.message.to_dict() if self.message is not None else None)

    def __str__(self) -> str:
        return str(self.args[0])

    def __repr__(self) -> str:  # the services log repr(exc): the English text, not the Msg's
        return f"{type(self).__name__}({str(self)!r})"


_optional = corolocal.local()  # per green thread: whether its calls are optional_calls()


@contextmanager
def optional_calls() -> Iterator[None]:
    """Within it, a :class:`TimedServiceProxy`'s calls made by this green thread wait
    ``optional_timeout`` seconds (``OPTIONAL_RPC_TIMEOUT``) for their answer instead of
    ``timeout`` (``RPC_TIMEOUT``), when that is shorter: for an answer the caller can do
    without, such as a part of a page the rest is shown without (a late service held the
    whole page for ``RPC_TIMEOUT``, 10 s by default). Nests; green threads it spawns are
    not inside it, and a generator suspended inside it leaves its caller inside it: wrap
    plain calls only."""
    before = getattr(_optional, "on", False)
    _optional.on = True
    try:
        yield
    finally:
        _optional.on = before


class TimedRpcProxy(RpcProxy):
    """``RpcProxy(service)`` whose calls raise ``timeout_error`` when late."""

    timeout_error: type[Exception] = RpcTimeout

    def get_dependency(self, worker_ctx: Any) -> "TimedServiceProxy":
        return self.timed(super().get_dependency(worker_ctx))

    def timed(self, proxy: Any) -> "TimedServiceProxy":
        """``proxy`` (nameko's ServiceProxy) with calls that give up after ``RPC_TIMEOUT``
        seconds, or ``OPTIONAL_RPC_TIMEOUT`` (when set and shorter) in
        :func:`optional_calls`."""
        config = self.container.config
        timeout = float(config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))
        optional = float(config.get("OPTIONAL_RPC_TIMEOUT", timeout))
        return TimedServiceProxy(proxy, self.target_service, timeout, self.timeout_error,
                                 optional_timeout=optional)


class TimedServiceProxy:
    """A nameko ServiceProxy whose calls raise ``timeout_error`` after ``timeout`` seconds,
    or after ``optional_timeout`` seconds (when shorter) inside :func:`optional_calls`."""

    def __init__(self, proxy: Any, service_name: str, timeout: float,
                 timeout_error: type[Exception] = RpcTimeout,
                 optional_timeout: float | None = None) -> None:
        self._proxy = proxy
        self.service_name = service_name
        self.timeout = timeout
        self.optional_timeout = min(timeout, optional_timeout or timeout)
        self.timeout_error = timeout_error

    def __getattr__(self, method_name: str) -> Callable[..., Any]:
        method = getattr(self._proxy, method_name)

        def call(*args: Any, **kwargs: Any) -> Any:
            # the publish has its own retries; interrupting it could leave a pooled
            # connection waiting for a confirm: time only the wait for the answer
            try:
                reply = method.call_async(*args, **kwargs)
            except NotConfirmed as exc:  # the broker may have the request: it may run, or not
                # why (the publisher's words) stays in the log, as the error's cause
                raise self.timeout_error(_(
                    "the message broker did not confirm the call of the {service} service: "
                    "it may have run; check before sending it again",
                    service=self.service_name)) from exc
            seconds = self.optional_timeout if getattr(_optional, "on", False) else self.timeout
            timer = eventlet.Timeout(seconds)
            try:
                return reply.result()
            except eventlet.Timeout as exc:
                if exc is not timer:
                    raise
                raise self.timeout_error(_(
                    "the {service} service did not answer within {seconds} s",
                    service=self.service_name, seconds=format(seconds, "g"))) from None
            finally:
                timer.cancel()

        call.__name__ = method_name
        return call
