"""What every nameko service class declares, written once."""
from kelisim.context import RequestContext
from kelisim.gauges import BackgroundGauges
from kelisim.metrics import EntrypointMetrics
from kelisim.rpc import rpc


class ServiceBase:
    """Base of every kelisim nameko service: request context, metrics, and ``ping``.

    A service with state gauges of its own redeclares ``gauges`` with its refreshers.
    """

    name = None
    context = RequestContext()
    metrics = EntrypointMetrics()
    gauges = BackgroundGauges()

    @rpc
    def ping(self):
        """Liveness over RPC, used by the gateway's /health."""
        return {"service": self.name, "ok": True}
