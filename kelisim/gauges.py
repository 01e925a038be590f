"""Gauges refreshed in the background, so they are current even when a service is idle.

``BackgroundGauges`` (declared once on ``ServiceBase``) refreshes, every
``KELISIM_GAUGE_INTERVAL`` seconds (default 15, ``GAUGE_INTERVAL`` in a service's config):
the size of the service's dead-letter queue when it consumes events, and each
``refresh(engine)`` a service passes for its own state gauges (see ``StateGauge``),
read from its database. A failing refresh is logged and tried again next time.
"""
from collections.abc import Callable
from functools import partial
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider

from kelisim import metrics
from kelisim.config import gauge_interval
from kelisim.events import dead_letters
from kelisim.events.handler import ReliableEventHandler
from kelisim.logging import get_logger

DEFAULT_INTERVAL = 15.0
log = get_logger(__name__)


class BackgroundGauges(DependencyProvider):
    """Refreshes the dead-letter gauge and each ``refresher(engine)`` every
    ``KELISIM_GAUGE_INTERVAL`` seconds in a managed thread."""

    def __init__(self, *refreshers: Callable[[Any], None]) -> None:
        self.refreshers = refreshers
        self._thread: Any = None

    def setup(self) -> None:
        config = self.container.config
        self.interval = float(config.get("GAUGE_INTERVAL")
                              or gauge_interval(DEFAULT_INTERVAL))
        self.consumes_events = any(isinstance(entrypoint, ReliableEventHandler)
                                   for entrypoint in self.container.entrypoints)

    def start(self) -> None:
        self._thread = None
        if self.consumes_events or self.refreshers:
            self._thread = self.container.spawn_managed_thread(
                self._run, identifier="background-gauges")

    def stop(self) -> None:
        """End the refresh loop ourselves, so the container has no thread left to kill
        (nameko warns "killing managed thread 'background-gauges'" otherwise)."""
        if self._thread is not None:
            self._thread.kill()
            self._thread = None

    def _run(self) -> None:
        while True:
            self.refresh()
            eventlet.sleep(self.interval)

    def refresh(self) -> None:
        """Refresh every gauge once (also called by tests)."""
        service = self.container.service_name
        if self.consumes_events:
            self._quietly("dead letters", lambda: metrics.DEAD_LETTERS.labels(service).set(
                dead_letters.waiting(self.container.config["AMQP_URI"], service)))
        engine = self._engine()
        for refresh in self.refreshers:
            self._quietly(refresh.__module__, partial(refresh, engine))

    def _engine(self) -> Any:
        from kelisim.db.provider import Database

        for dependency in self.container.dependencies:
            if isinstance(dependency, Database):
                return dependency.engine
        return None

    def _quietly(self, what: str, refresh: Callable[[], object]) -> None:
        try:
            refresh()
        except Exception as exc:  # broker or database away: keep the last values, retry later
            log.warning("gauges not refreshed", gauges=what, error=repr(exc))
