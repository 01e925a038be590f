"""One statement in flight on a session's connection while its greenthread computes.

Under eventlet, psycopg2 is cooperative (kelisim/db/engine.py): a statement sent to
PostgreSQL leaves the greenthread waiting on the socket while the server works on the
other core. :class:`InFlight` runs a write in a greenthread of its own and lets the caller
go on with pure computation (building the next rows) until it waits for it, so the
server's time and the client's overlap instead of adding up. Nothing else may use the
session between ``start`` and ``wait``: the caller keeps every query (a repository read, a
lazy load, a flush) after ``wait``. Elsewhere (SQLite, or psycopg2 not cooperative) the
write runs at once in the caller's greenthread.

A caller interrupted while its write runs (a worker killed as its service stops, a
timeout) kills the write before it goes: psycopg2 holds the connection's lock while a
statement is in flight, so the rollback that follows would otherwise block the whole
process, and the transaction's locks with it. A killed write closes its connection
(SQLAlchemy drops it from the pool); the server rolls the transaction back.
"""
import contextvars
from collections.abc import Callable
from typing import Any

import eventlet
import eventlet.patcher
from sqlalchemy.orm import Session


class InFlight:
    """``with InFlight(session) as writing: ... writing.start(write, *args) ... writing.wait()``.

    At most one write is in flight; :meth:`start` waits for the one before. :meth:`wait`
    raises what the write raised. Leaving the block waits for the write in flight too; if
    the block raised, the write's own error (the transaction is lost either way) is
    dropped, so the block's is the one that propagates; if the block was interrupted
    (GreenletExit, a timeout: not an Exception), the write is killed at once."""

    def __init__(self, session: Session) -> None:
        self.overlaps = (session.get_bind().dialect.name == "postgresql"
                         and eventlet.patcher.is_monkey_patched("socket"))
        self._thread: Any = None
        self._error: BaseException | None = None  # a write's that ran at once

    def __enter__(self) -> "InFlight":
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if error is None:
            self.wait()
            return
        self._error = None
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if not isinstance(error, Exception):  # killed or timed out: no waiting
            thread.kill()
            return
        try:
            _join(thread)
        except Exception:  # noqa: BLE001 - the block's error is the one to raise
            pass

    def start(self, write: Callable[..., Any], *args: Any) -> None:
        """Send ``write(*args)`` (it uses the session) on its way; the caller may compute
        until the next :meth:`wait` or :meth:`start`."""
        self.wait()
        if not self.overlaps:
            try:
                write(*args)
            except Exception as exc:  # raised by wait(), as an overlapping write's is
                self._error = exc
            return
        # in the caller's contextvars (its log context): a new greenlet starts with none
        self._thread = eventlet.spawn(_returning_error, contextvars.copy_context(), write, args)
        eventlet.sleep(0)  # let it send the statement: then it waits on the socket

    def wait(self) -> None:
        """Until the write in flight is done; raises what it raised."""
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if self._thread is not None:
            thread, self._thread = self._thread, None
            _join(thread)


def _join(thread: Any) -> None:
    """Wait for a write's greenthread and raise its error; a waiter interrupted meanwhile
    kills the write first."""
    try:
        error = thread.wait()
    except BaseException:
        if not thread.dead:
            thread.kill()
        raise
    if error is not None:
        raise error


def _returning_error(context: contextvars.Context, write: Callable[..., Any],
                     args: tuple[Any, ...]) -> Exception | None:
    """Run ``write(*args)`` in ``context``; its error is returned, for :func:`_join` to
    raise where the caller waits (raised here, eventlet's hub would print it as well)."""
    try:
        context.run(write, *args)
    except Exception as exc:  # noqa: BLE001 - raised by the caller's wait
        return exc
    return None
