"""Argon2 off the event loop, a few at a time.

A hash or verification (:mod:`gateway.domain.passwords`) takes ~0.15 s of CPU in four
threads and holds :data:`~gateway.domain.passwords.MEMORY_MIB` (64 MiB) meanwhile; run in
eventlet's pool of 20 OS threads without a bound, a burst of sign-ins grew the gateway by
64 MiB each (1.3 GiB, over its 512 MiB limit in deploy/kubernetes). Here at most
:data:`AT_ONCE` run in a process; the other green threads wait their turn.
"""
from eventlet import tpool
from eventlet.semaphore import Semaphore

from gateway.domain import passwords

AT_ONCE = 2  # two cores' worth: more at once would not finish sooner, only hold more memory
_TURNS = Semaphore(AT_ONCE)


def verify(password_hash: str | None, password: object) -> tuple[bool, bool]:
    """:func:`gateway.domain.passwords.verify` in a pool thread, in turn."""
    with _TURNS:
        result: tuple[bool, bool] = tpool.execute(passwords.verify, password_hash, password)
    return result


def hash_password(password: str) -> str:
    """:func:`gateway.domain.passwords.hash_password` in a pool thread, in turn; a weak
    password is refused (Invalid) at once, without waiting."""
    passwords.check_strength(password)
    with _TURNS:
        made: str = tpool.execute(passwords.hash_password, password)
    return made
