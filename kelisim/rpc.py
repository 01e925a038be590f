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
  service).
- ``TimedRpcProxy(service)``: calls give up after ``RPC_TIMEOUT`` seconds. nameko's proxy
  waits for ever, and a reply lost while the broker restarts (reply queues are not
  durable) would hold the worker, and with it a slot of the service's pool, for good.

Importing this module makes kombu's ``json`` serializer orjson's in the process
(kelisim/serialization.py): the same messages, a fraction of the CPU.
"""
import sys
import weakref
from collections.abc import Callable
from typing import Any

import eventlet
from amqp.exceptions import AMQPError, MessageNacked
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
from kelisim.events.publisher import ConfirmedBatchPublisher
from kelisim.logging import get_logger

log = get_logger(__name__)
serialization.install()  # JSON messages through orjson (kelisim/serialization.py)

DEFAULT_TIMEOUT = 10.0


REPLY_RETRIES = (0.5, 1.0, 2.0)  # seconds before each new attempt at a reply, as nameko's 3
# what another attempt on a new connection can cure: a dropped or refused connection, a
# channel the broker closed (an exchange deleted meanwhile), no confirm in time, a nack
_RETRIED = (OSError, TimeoutError, AMQPError, MessageNacked)


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
        publisher = ConfirmedBatchPublisher(self.amqp_uri)
        for attempt, pause in enumerate((*REPLY_RETRIES, None)):
            try:
                with publisher.raw_batch() as send:
                    send(body, exchange=self.exchange,
                         routing_key=self.message.properties["reply_to"], headers={},
                         correlation_id=self.message.properties.get("correlation_id"))
                break
            except _RETRIED as exc:
                if pause is None:
                    raise
                log.info("an RPC reply was not confirmed: trying again", attempt=attempt + 1,
                         error=repr(exc))
                eventlet.sleep(pause)
        return result, exc_info


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


class RpcProxy(nameko_rpc.RpcProxy):
    rpc_reply_listener = ReplyListener()


class RpcTimeout(Exception):
    """A service did not answer a call in time; a handler failing on it is retried."""


class TimedRpcProxy(RpcProxy):
    """``RpcProxy(service)`` whose calls raise ``timeout_error`` when late."""

    timeout_error: type[Exception] = RpcTimeout

    def get_dependency(self, worker_ctx: Any) -> "TimedServiceProxy":
        return self.timed(super().get_dependency(worker_ctx))

    def timed(self, proxy: Any) -> "TimedServiceProxy":
        """``proxy`` (nameko's ServiceProxy) with calls that give up after RPC_TIMEOUT s."""
        timeout = float(self.container.config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))
        return TimedServiceProxy(proxy, self.target_service, timeout, self.timeout_error)


class TimedServiceProxy:
    """A nameko ServiceProxy whose calls raise ``timeout_error`` after ``timeout`` seconds."""

    def __init__(self, proxy: Any, service_name: str, timeout: float,
                 timeout_error: type[Exception] = RpcTimeout) -> None:
        self._proxy = proxy
        self.service_name = service_name
        self.timeout = timeout
        self.timeout_error = timeout_error

    def __getattr__(self, method_name: str) -> Callable[..., Any]:
        method = getattr(self._proxy, method_name)

        def call(*args: Any, **kwargs: Any) -> Any:
            # the publish has its own retries; interrupting it could leave a pooled
            # connection waiting for a confirm: time only the wait for the answer
            reply = method.call_async(*args, **kwargs)
            timer = eventlet.Timeout(self.timeout)
            try:
                return reply.result()
            except eventlet.Timeout as exc:
                if exc is not timer:
                    raise
                raise self.timeout_error(
                    f"the {self.service_name} service did not answer within {self.timeout:g}s"
                ) from None
            finally:
                timer.cancel()

        call.__name__ = method_name
        return call
