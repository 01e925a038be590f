"""What every nameko service class declares, written once."""
from typing import Any

from nameko.dependency_providers import Config
from nameko.timer import Timer

from kelisim import config, retention
from kelisim.context import RequestContext
from kelisim.gauges import BackgroundGauges
from kelisim.metrics import EntrypointMetrics
from kelisim.rpc import rpc


class RetentionTimer(Timer):
    """Fires every ``RETENTION_INTERVAL`` seconds (config, else KELISIM_RETENTION_INTERVAL);
    refuses to start with a processed-event retention shorter than the retry delays."""

    def setup(self) -> None:
        super().setup()
        retention.check_bounds(retry_delays=self.container.config.get("EVENT_RETRY_DELAYS"))
        self.interval = float(self.container.config.get("RETENTION_INTERVAL")
                              or config.retention_interval())


class ServiceBase:
    """Base of every kelisim nameko service: request context, metrics, and ``ping``.

    A service with state gauges of its own redeclares ``gauges`` with its refreshers.
    """

    name: str = None  # type: ignore[assignment]  # each service class names itself
    uow: Any  # the service's Database dependency
    context = RequestContext()
    metrics = EntrypointMetrics()
    gauges = BackgroundGauges()
    settings = Config()

    @rpc
    def ping(self) -> dict[str, Any]:
        """Liveness over RPC, used by the gateway's /health."""
        return {"service": self.name, "ok": True}

    @RetentionTimer.decorator(interval=3600)
    def prune_retention(self) -> dict[str, int] | None:
        """The retention job (kelisim/retention.py): once per interval across replicas."""
        with self.uow as uow:
            engine = uow.session.get_bind()
        return retention.prune(engine, self.name,
                               interval=self.settings.get("RETENTION_INTERVAL"))
