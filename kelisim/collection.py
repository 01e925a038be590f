"""Pausing Python's cyclic garbage collector around a bulk change.

A 10 001-task slip allocates some hundreds of thousands of containers (events, payloads,
rows, statement parameters) on top of the loaded graph; each allocation past the
collector's thresholds sets off a collection that walks every tracked object, and the
full ones walk the whole heap. Measured in-process on the slip (PostgreSQL): 1.21 s of
CPU with the collector on, 0.83 s with it off (bench/README.md). What such a change
allocates is freed by reference counting as it goes; the few cycles it leaves wait for
the next collection after the pause.
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
