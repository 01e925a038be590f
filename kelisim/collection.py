"""Python's cyclic garbage collector: paused around a bulk change, and kept off the heap a
service builds as it starts.

A 10 001-task slip allocates some hundreds of thousands of containers (events, payloads,
rows, statement parameters) on top of the loaded graph; each allocation past the
collector's thresholds sets off a collection that walks every tracked object, and the
full ones walk the whole heap. Measured in-process on the slip (PostgreSQL): 1.21 s of
CPU with the collector on, 0.83 s with it off (bench/README.md). What such a change
allocates is freed by reference counting as it goes; the few cycles it leaves wait for
the next collection after the pause.

A started service holds 110 000–120 000 objects made as it started and kept for its
life (modules, nameko's containers, SQLAlchemy's mappers and compiled statements, the
catalogues, the working calendar); every full collection walked all of them again: 65–80 ms
of CPU each in notifications, one of them inside a four-project rollout, and in projects
(``gc.callbacks`` timing, bench/README.md). :func:`freeze_startup_heap` moves them out of
the collector's reach once the service has started.
"""
import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0
_resume = False


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (if it was on). Nests, and overlaps
    between green threads: the collector comes back on when the last pause ends, and only
    if it was on when the first began."""
    global _depth, _resume
    if _depth == 0:
        _resume = gc.isenabled()
        gc.disable()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _resume:
            gc.enable()


def freeze_startup_heap() -> int:
    """Collect what starting left behind (one full collection), then move every object
    still tracked into the collector's permanent generation (:func:`gc.freeze`), so later
    collections walk only what the service made since; returns how many objects were
    frozen (:func:`gc.get_freeze_count`). Call it once the service has started: a frozen
    object is still freed by reference counting, but a cycle it later falls into is never
    collected, a leak bounded by what is frozen (made once, at start)."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
