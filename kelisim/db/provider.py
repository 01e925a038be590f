"""The nameko dependency that gives each worker a unit of work on the service's database.

It also runs the service's outbox relay in a managed greenthread, woken as soon as a
unit of work commits events.
"""
from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session, sessionmaker

from kelisim import metrics
from kelisim.context import Context, context_from_worker
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from kelisim.events.publisher import ConfirmedBatchPublisher
from kelisim.events.relay import OutboxRelay, RelayLoop


class Database(DependencyProvider):
    """``uow = Database(repositories)``: each worker gets a :class:`UnitOfWork`."""

    def __init__(self, repositories: Callable[[Session], Any] | None = None,
                 relay: bool = True) -> None:
        self.repositories = repositories
        self.relay = relay
        self.loop: RelayLoop | None = None

    def setup(self) -> None:
        config = self.container.config
        self.engine = make_engine(config["DATABASE_URL"])
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        metrics.POOLS.watch(self.container.service_name, self.engine)
        if self.relay:
            publisher = ConfirmedBatchPublisher(config["AMQP_URI"], serializer="json")
            relay = OutboxRelay(self.engine, publisher, self.container.service_name)
            self.loop = RelayLoop(relay, interval=config.get("OUTBOX_POLL_INTERVAL", 1.0))

    def start(self) -> None:
        if self.loop is not None:
            self.container.spawn_managed_thread(self.loop.run, identifier="outbox-relay")

    def stop(self) -> None:
        if self.loop is not None:
            self.loop.stop()
        metrics.POOLS.unwatch(self.engine)
        self.engine.dispose()

    def kill(self) -> None:
        self.stop()

    def unit_of_work(self, context: Context | None = None) -> UnitOfWork:
        """A unit of work outside any worker (jobs, CLI, tests)."""
        on_events = self.loop.wake if self.loop is not None else None
        return UnitOfWork(self.session_factory, context, self.repositories, on_events)

    def get_dependency(self, worker_ctx: Any) -> UnitOfWork:
        return self.unit_of_work(context_from_worker(worker_ctx))
