"""kelisim's side of nameko RPC.

- ``@rpc``: nameko's entrypoint, consuming through ``SettlingQueueConsumer``, so a call in
  flight when the service stops still acks its request instead of having another replica
  run it again (see kelisim/consumer.py). A reply the broker cannot take (it is
  restarting) is logged and dropped, the caller times out: in nameko it killed the
  service's container, and the process lived on without consuming anything.
- ``RpcProxy(service)``: nameko's, its replies consumed through ``SettlingQueueConsumer``
  too (in nameko an ack of a reply on a connection the broker had just dropped killed the
  service).
- ``TimedRpcProxy(service)``: calls give up after ``RPC_TIMEOUT`` seconds. nameko's proxy
  waits for ever, and a reply lost while the broker restarts (reply queues are not
  durable) would hold the worker, and with it a slot of the service's pool, for good.

Importing this module makes kombu's ``json`` serializer orjson's in the process
(kelisim/serialization.py): the same messages, a fraction of the CPU.
"""
import weakref
from collections.abc import Callable
from typing import Any

import eventlet
from nameko import rpc as nameko_rpc

from kelisim import serialization
from kelisim.consumer import SettlingQueueConsumer
from kelisim.logging import get_logger

log = get_logger(__name__)
serialization.install()  # JSON messages through orjson (kelisim/serialization.py)

DEFAULT_TIMEOUT = 10.0


class RpcConsumer(nameko_rpc.RpcConsumer):
    queue_consumer = SettlingQueueConsumer()

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        try:
            handled: tuple[Any, Any] = super().handle_result(message, result, exc_info)
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
    queue_consumer = SettlingQueueConsumer()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # held weakly: a call that timed out drops its reply and the entry goes with it,
        # where nameko kept it for ever when the reply never came (lost in a broker restart)
        self._reply_events: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()


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
