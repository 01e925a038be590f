"""Caches a service fills on first use, filled when it starts instead.

``warm = WarmUp(work_calendar)`` on a nameko service calls each builder once as the
container starts, so no request pays for it: Kazakhstan's working calendar over
2020-2040 took 44 ms to build, inside the first dated change after each start (the
benchmark's slip of 10 000 tasks among them, bench/README.md).
"""
from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider


class WarmUp(DependencyProvider):
    """Calls each ``builder()`` (a cached function; the result is dropped) at start."""

    def __init__(self, *builders: Callable[[], Any]) -> None:
        self.builders = builders

    def start(self) -> None:
        for builder in self.builders:
            builder()

    def get_dependency(self, worker_ctx: Any) -> None:
        return None
