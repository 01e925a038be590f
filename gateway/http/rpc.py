"""RPC proxies that give up after ``RPC_TIMEOUT`` seconds instead of waiting forever."""
import eventlet
from nameko.rpc import RpcProxy

from gateway.http.errors import UpstreamTimeout

DEFAULT_TIMEOUT = 10.0


class TimedRpcProxy(RpcProxy):
    """``RpcProxy(service)`` whose calls raise :class:`UpstreamTimeout` (504) when late."""

    def get_dependency(self, worker_ctx):
        timeout = float(self.container.config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))
        return TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service, timeout)


class TimedServiceProxy:
    def __init__(self, proxy, service_name, timeout):
        self._proxy = proxy
        self.service_name = service_name
        self.timeout = timeout

    def __getattr__(self, method_name):
        method = getattr(self._proxy, method_name)

        def call(*args, **kwargs):
            timer = eventlet.Timeout(self.timeout)
            try:
                return method.call_async(*args, **kwargs).result()
            except eventlet.Timeout as exc:
                if exc is not timer:
                    raise
                raise UpstreamTimeout(
                    f"the {self.service_name} service did not answer within {self.timeout:g}s"
                ) from None
            finally:
                timer.cancel()

        call.__name__ = method_name
        return call
