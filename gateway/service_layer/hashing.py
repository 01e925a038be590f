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


def turn() -> Semaphore:
    """The process's turn to hash, for ``with turn():`` around what must happen in the same
    turn as a verification (a sign-in reads its throttle there). Not re-entrant."""
    return _TURNS


def verify(password_hash: str | None, password: object, *,
           in_turn: bool = False) -> tuple[bool, bool]:
    """:func:`gateway.domain.passwords.verify` in a pool thread, in turn (``in_turn``: the
    caller holds :func:`turn` already)."""
    if in_turn:
        result: tuple[bool, bool] = tpool.execute(passwords.verify, password_hash, password)
        return result
    with _TURNS:
        return verify(password_hash, password, in_turn=True)


def hash_password(password: str) -> str:
    """:func:`gateway.domain.passwords.hash_password` in a pool thread, in turn; a weak
    password is refused (Invalid) at once, without waiting."""
    passwords.check_strength(password)
    with _TURNS:
        made: str = tpool.execute(passwords.hash_password, password)
    return made
