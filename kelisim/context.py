"""Per-worker request context: correlation id and acting principal.

Both travel in nameko context data (``nameko.correlation_id`` / ``nameko.actor``
headers), so they follow a request from the gateway through RPC calls; events carry
the correlation id in their envelope and in the same header.
"""
from dataclasses import dataclass, field
from typing import Any

import structlog
from nameko.extensions import DependencyProvider

from kelisim.ids import uuid4_text

CORRELATION_KEY = "correlation_id"
ACTOR_KEY = "actor"
SYSTEM_ACTOR = {"id": "system", "role": "system", "region": None}


@dataclass(frozen=True)
class Context:
    """What the service layer knows about who asked and which request this belongs to."""

    correlation_id: str = field(default_factory=uuid4_text)
    actor: dict[str, Any] = field(default_factory=lambda: dict(SYSTEM_ACTOR))
    source: str = "kelisim"

    @property
    def actor_id(self) -> str:
        return str(self.actor.get("id", "system"))


def context_from_worker(worker_ctx: Any) -> Context:
    """Read (and if missing, set) the correlation id and actor of a nameko worker.

    ``worker_ctx.data`` is what nameko propagates; ``context_data`` is a fresh copy.
    """
    data = worker_ctx.data
    if not data.get(CORRELATION_KEY):
        data[CORRELATION_KEY] = uuid4_text()
    actor = data.get(ACTOR_KEY) or dict(SYSTEM_ACTOR)
    return Context(
        correlation_id=data[CORRELATION_KEY],
        actor=actor,
        source=worker_ctx.container.service_name,
    )


class RequestContext(DependencyProvider):
    """Binds the log context of each worker and gives it the :class:`Context`."""

    def worker_setup(self, worker_ctx: Any) -> None:
        context = context_from_worker(worker_ctx)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            service=context.source,
            entrypoint=worker_ctx.entrypoint.method_name,
            correlation_id=context.correlation_id,
            actor=context.actor_id,
        )

    def get_dependency(self, worker_ctx: Any) -> Context:
        return context_from_worker(worker_ctx)

    def worker_teardown(self, worker_ctx: Any) -> None:
        structlog.contextvars.clear_contextvars()
