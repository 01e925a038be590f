"""Concurrency control shared by every service: named locks and unique-key races.

Two tools, each for one kind of race:

* :func:`hold_lock` serialises the transactions that read-then-write one aggregate too
  large for a version check on each row (a project-year's schedule). It upserts one row
  of a lock table: on PostgreSQL the upsert holds that row's lock until the transaction
  ends (a concurrent holder waits at this statement); on SQLite any write takes the
  database's single writer lock, which is the embedded equivalent.
* :func:`retry_on_unique` turns the other race, "both checked the row was missing, both
  inserted it", into what a repeat of the request answers: the whole use case runs again
  in a fresh transaction and sees the winner's row. Nothing of the loser's first attempt
  was committed (the unique violation rolled it back).
"""
import functools
from collections.abc import Callable
from typing import Any, TypeVar, overload

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kelisim.db.types import utcnow
from kelisim.errors import Conflict
from kelisim.i18n import _
from kelisim.logging import get_logger

log = get_logger(__name__)
UNIQUE_ATTEMPTS = 3
_UPSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
F = TypeVar("F", bound=Callable[..., Any])


def hold_lock(session: Session, table: sa.Table, **key: Any) -> None:
    """Take the lock named ``key`` (the primary key columns of ``table``, which also has a
    ``locked_at`` column) for the rest of the session's transaction.

    Call it before reading anything the transaction's decisions rest on: on PostgreSQL
    (READ COMMITTED) every later statement then sees what the previous holder committed;
    on SQLite the reads before the first write ran outside the transaction anyway.
    """
    statement = _lock_upsert(session.get_bind().dialect.name, table, tuple(sorted(key)))
    session.execute(statement, dict(key, locked_at=utcnow()))


@functools.lru_cache(maxsize=32)
def _lock_upsert(dialect: str, table: sa.Table, names: tuple[str, ...]) -> Any:
    """:func:`hold_lock`'s upsert for a table and its key columns, built once: its values
    are bound parameters (building and keying the statement on every call cost as much
    as a quarter of an assignment's database work)."""
    upsert = _UPSERTS[dialect](table).values(
        {name: sa.bindparam(name) for name in (*names, "locked_at")})
    return upsert.on_conflict_do_update(index_elements=list(names),
                                        set_={"locked_at": upsert.excluded.locked_at})


def is_unique_violation(exc: BaseException) -> bool:
    """True if ``exc`` (an IntegrityError) broke a unique or primary key, on PostgreSQL
    (SQLSTATE 23505) or SQLite ("UNIQUE constraint failed")."""
    if not isinstance(exc, IntegrityError):
        return False
    if getattr(exc.orig, "pgcode", None) == "23505":
        return True
    return "UNIQUE constraint failed" in str(exc.orig)


@overload
def retry_on_unique(use_case: F, *, what: str = "the record") -> F: ...
@overload
def retry_on_unique(use_case: None = None, *, what: str = "the record") -> Callable[[F], F]: ...
def retry_on_unique(use_case: Callable[..., Any] | None = None, *,
                    what: str = "the record") -> Any:
    """Decorate a use case ``f(uow, ...)`` that inserts rows guarded by a unique key.

    When a concurrent request inserted the same key first, the use case runs again (up to
    ``UNIQUE_ATTEMPTS`` times in all) and answers as a repeat would: ``skipped``, a 409
    "exists already", or an update of the winner's row. If every attempt loses, the caller
    gets :class:`~kelisim.errors.Conflict` (409) naming ``what``, never a 500. Other
    integrity errors (foreign keys, checks) are raised unchanged.
    """
    if use_case is None:
        return functools.partial(retry_on_unique, what=what)

    @functools.wraps(use_case)
    def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, UNIQUE_ATTEMPTS + 1):
            try:
                return use_case(*args, **kwargs)
            except IntegrityError as exc:
                if not is_unique_violation(exc):
                    raise
                log.info("lost a unique-key race; running again", use_case=use_case.__name__,
                         attempt=attempt, error=str(exc.orig).splitlines()[0])
        raise Conflict(_("{what} was changed by concurrent requests: retry", what=what),
                       {"_": _("concurrent change")})

    return run
