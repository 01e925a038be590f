"""Locks among the green threads of one process (nameko's workers run on eventlet)."""
from eventlet.semaphore import Semaphore


def green_lock() -> Semaphore:
    """A lock the green threads of this process take in turn, first come first served
    (``with lock: ...``): a waiter yields to the others, where an OS lock made before
    eventlet's monkey patching would stop the whole process, its holder included."""
    return Semaphore(1)
