"""Change feeds heard without a worker: a cache that every replica keeps forgets what it
had whenever the source of its data publishes an event.

The event handlers' queues are shared by a service's replicas, so each event reaches one
of them; a cache kept in each replica must hear every change in each (a rename seen by
one notifications replica only left the other naming the person by the old name). Each
replica binds a queue of its own (``topology.change_feed``) and forgets its cache on
every event there. Forgetting is a method call: nameko's ``@consume`` spent a greenthread,
a worker (every dependency injected) and an acknowledgement on each event, 0.3 ms of
notifications' CPU per new person; here the queue consumer's own greenthread does it.
"""
from typing import Any

from kombu import Queue
from nameko.extensions import DependencyProvider

from kelisim.consumer import SettlingQueueConsumer, own_queue
from kelisim.logging import get_logger

log = get_logger(__name__)


class ChangeFeed(DependencyProvider):
    """``forget = ChangeFeed(change_feed("registry", "notifications-directory"),
    "directory")``: every event on the feed makes the service's dependency ``directory``
    forget what it cached (its provider's ``invalidate()``, which must not block: it runs
    in the consumer's greenthread, between deliveries of every queue of the process's
    ``@consume`` entrypoints).

    Nothing is acknowledged: the queue is exclusive and auto-deleted, so nothing on it
    outlives the connection and an ack would keep nothing safe. For the same reason a
    dropped connection loses the events on the queue and any published until the queue is
    declared again: the cache is forgotten on every (re)connection too, once the new queue
    is bound. Injects the number of events heard since the container started.

    Raises ``LookupError`` at setup when the service has no dependency ``forget``, and
    ``AttributeError`` when its provider has no ``invalidate()``."""

    queue_consumer = SettlingQueueConsumer()
    inline = True  # handled in the consumer's greenthread (SettlingQueueConsumer)
    no_ack = True  # see above

    def __init__(self, queue: Queue, forget: str) -> None:
        self.queue = queue
        self.forget = forget
        self.heard = 0
        self._cache: Any = None

    def setup(self) -> None:
        found = [dependency for dependency in self.container.dependencies
                 if dependency.attr_name == self.forget]
        if not found:
            raise LookupError(f"{self.container.service_name} has no dependency "
                              f"{self.forget!r} for its change feed to forget")
        self._cache = found[0]
        if not callable(getattr(self._cache, "invalidate", None)):
            raise AttributeError(f"{type(self._cache).__name__} has no invalidate()")
        self.queue = own_queue(self.queue)
        self.queue_consumer.register_provider(self)

    def stop(self) -> None:
        self.queue_consumer.unregister_provider(self)

    def handle_message(self, body: Any, message: Any) -> None:
        """An event of the source (any type, any body): the cache forgets."""
        self.heard += 1
        self._forget("event")

    def on_connect(self) -> None:
        """A (re)connection, the feed's queue bound again: what was missed is forgotten."""
        self._forget("connection")

    def _forget(self, why: str) -> None:
        # an error here would end the consumer's greenthread, and with it every
        # @consume of the process: logged, and the next event tries again
        try:
            self._cache.invalidate()
        except Exception:
            log.exception("a change feed's cache could not forget", forget=self.forget, on=why)

    def get_dependency(self, worker_ctx: Any) -> int:
        return self.heard
