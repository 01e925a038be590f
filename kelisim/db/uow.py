"""Unit of work: one transaction holding a change, its audit rows and its outgoing events.

The service layer only sees this object: repositories (``uow.repo``), ``emit`` for
integration events (written to the outbox in the same transaction), ``audit`` for the
audit log, and ``first_time`` for idempotent consumers.
"""
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kelisim import serialization
from kelisim.context import Context
from kelisim.db import bulk
from kelisim.db.engine import make_engine
from kelisim.db.overlap import InFlight
from kelisim.db.pages import page_of_rows
from kelisim.db.tables import outbox_as_text, platform_tables
from kelisim.db.types import UtcDateTime, utcnow
from kelisim.events.envelope import Envelope, new_envelope

_OUTBOX, _AUDIT, _PROCESSED = platform_tables(sa.MetaData())
_AUDIT_INSERT = _AUDIT.insert()  # built once, its values bound per row (no .values() clone)
_OUTBOX_TEXT = outbox_as_text()
# Events per outbox INSERT. Two chunks are in memory while one is in flight: with 1 000,
# the projects service peaked at 146 MiB in the 10 000-task slip (137 before the overlap);
# 250 peaked at 133 MiB and answered as fast (bench/README.md).
OUTBOX_CHUNK = 250
_OUTBOX_ON_POSTGRESQL = sa.text(
    "INSERT INTO outbox (event_id, event_type, envelope, created_at, attempts) "
    "SELECT given.event_id, :event_type, given.envelope, :now, 0 "
    "FROM unnest(CAST(:ids AS varchar[]), CAST(:bodies AS json[])) "
    "WITH ORDINALITY AS given(event_id, envelope, n) ORDER BY given.n"
).bindparams(sa.bindparam("now", type_=UtcDateTime()))


class UnitOfWork:
    """``with uow: ... uow.commit()``: one session; ``repositories(session)`` as ``uow.repo``;
    ``on_events()`` is called after a commit that emitted events (wakes the outbox relay)."""

    def __init__(self, session_factory: Callable[[], Session], context: Context | None = None,
                 repositories: Callable[[Session], Any] | None = None,
                 on_events: Callable[[], None] | None = None) -> None:
        self._session_factory = session_factory
        self.context = context or Context()
        self._repositories = repositories
        self._on_events = on_events
        self._emitted = 0
        self.session: Session = None  # type: ignore[assignment]  # set by __enter__
        self.repo: Any = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self._emitted = 0
        if self._repositories is not None:
            self.repo = self._repositories(self.session)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.rollback()  # a no-op after commit
        self.session.close()

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError:
            self.session.rollback()
            raise
        if self._emitted and self._on_events is not None:
            self._on_events()
        self._emitted = 0

    def flush(self) -> None:
        self.session.flush()

    def in_flight(self) -> InFlight:
        """``with uow.in_flight() as writing: writing.start(write, *args)``: a write (a
        repository's, on this unit of work's session) sent to PostgreSQL while the caller
        goes on computing; see :class:`kelisim.db.overlap.InFlight` for what the caller
        may not do meanwhile."""
        return InFlight(self.session)

    def emit(self, event_type: str, data: dict[str, Any], regions: Sequence[str] = ()) -> Envelope:
        """Queue an integration event; it is published only if this transaction commits."""
        envelope = self._envelope(event_type, data, regions)
        self._insert(event_type, [envelope], utcnow())
        return envelope

    def emit_many(self, event_type: str,
                  items: Iterable[tuple[dict[str, Any], Sequence[str]]]) -> int:
        """Queue many events of one type, ``(data, regions)`` pairs (any iterable, read
        lazily); return how many. One INSERT per ``OUTBOX_CHUNK``: a slip of 10 000 tasks
        builds and writes its rows a chunk at a time, so the rows, their JSON and the
        statement's parameters of only two chunks are in memory (and, when ``items`` is a
        generator, only one chunk of the events themselves).

        On PostgreSQL a chunk's envelopes are built while the database inserts the chunk
        before (:class:`~kelisim.db.overlap.InFlight`): a slip's 10 000 rows took 0.28 s,
        of which 0.17 s was the server's. Reading ``items`` and the repository's
        ``event_names`` (either may query) waits for the insert in flight."""
        items = iter(items)
        now, count = utcnow(), 0
        occurred = now.isoformat()  # the events of one call occur together, when it began

        def take() -> list[tuple[dict[str, Any], Sequence[str]]]:
            return [(self._named(event_type, data), regions)
                    for data, regions in islice(items, OUTBOX_CHUNK)]

        with self.in_flight() as writing:
            chunk = take()
            while chunk:
                envelopes = [self._new_envelope(event_type, data, regions, occurred)
                             for data, regions in chunk]
                bodies = [serialization.dumps(envelope.to_message()).decode()
                          for envelope in envelopes]
                writing.wait()
                following = take()
                writing.start(self._insert, event_type, envelopes, now, bodies)
                count += len(chunk)
                chunk = following
        return count

    def _envelope(self, event_type: str, data: dict[str, Any], regions: Sequence[str],
                  occurred_at: str | None = None) -> Envelope:
        return self._new_envelope(event_type, self._named(event_type, data), regions,
                                  occurred_at)

    def _named(self, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with the names in every language the repository adds, if it does
        (``event_names``; it may query)."""
        names = getattr(self.repo, "event_names", None)
        return names(event_type, data) if names is not None else data

    def _new_envelope(self, event_type: str, data: dict[str, Any], regions: Sequence[str],
                      occurred_at: str | None = None) -> Envelope:
        return new_envelope(event_type, data, source=self.context.source,
                            correlation_id=self.context.correlation_id, regions=regions,
                            occurred_at=occurred_at)

    def _insert(self, event_type: str, envelopes: list[Envelope], now: datetime,
                bodies: list[str] | None = None) -> None:
        """Outbox rows of ``envelopes``, each stored as the JSON text the relay publishes
        byte for byte (:func:`kelisim.serialization.dumps`, what kombu's ``json``
        serializer writes; ``bodies``, if given, are those texts). PostgreSQL gets one
        ``INSERT ... SELECT FROM unnest(arrays) WITH ORDINALITY`` (rows and ids in the given
        order; a third of the client CPU of an executemany: no per-row parameter
        processing); SQLite an executemany."""
        if bodies is None:
            bodies = [serialization.dumps(envelope.to_message()).decode()
                      for envelope in envelopes]
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(_OUTBOX_ON_POSTGRESQL, {
                "ids": [envelope.id for envelope in envelopes], "bodies": bodies,
                "event_type": event_type, "now": now})
        else:
            self.session.execute(_OUTBOX_TEXT.insert(), [
                {"event_id": envelope.id, "event_type": event_type, "envelope": body,
                 "created_at": now, "attempts": 0}
                for envelope, body in zip(envelopes, bodies, strict=True)])
        self._emitted += len(envelopes)

    def audit(self, action: str, entity: str, entity_id: object, *, before: Any = None,
              after: Any = None, region: str | None = None) -> None:
        """Write one audit row (who: the context's actor) in this transaction."""
        actor = self.context.actor
        self.session.execute(_AUDIT_INSERT, {
            "occurred_at": utcnow(), "actor_id": actor.get("id", "system"),
            "actor_role": actor.get("role", "system"),
            "correlation_id": self.context.correlation_id, "action": action, "entity": entity,
            "entity_id": str(entity_id), "region_code": region, "before": before,
            "after": after})

    def first_time(self, event_id: str, consumer: str) -> bool:
        """Record that ``consumer`` handles ``event_id``; False if it already did.

        The row commits with the consumer's effects, so a redelivered event is skipped
        and a concurrent duplicate fails on the primary key and is retried, then skipped.
        """
        seen = self.session.execute(
            sa.select(_PROCESSED.c.event_id).where(
                _PROCESSED.c.event_id == event_id, _PROCESSED.c.consumer == consumer)
        ).first()
        if seen:
            return False
        self.session.execute(_PROCESSED.insert().values(
            event_id=event_id, consumer=consumer, processed_at=utcnow()))
        return True

    def first_times(self, event_ids: list[str], consumer: str) -> list[bool]:
        """:meth:`first_time` for many events in two statements: one bool per id, in order
        (an id repeated in ``event_ids`` is first time only at its first place). The new
        rows go in with :func:`kelisim.db.bulk.insert_rows` (one unnest INSERT on
        PostgreSQL); a concurrent duplicate raises IntegrityError, as in :meth:`first_time`."""
        wanted = list(dict.fromkeys(event_ids))
        seen: set[str] = set()
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start:start + 1000]
            seen.update(self.session.scalars(sa.select(_PROCESSED.c.event_id).where(
                _PROCESSED.c.consumer == consumer, _PROCESSED.c.event_id.in_(chunk))))
        fresh = [event_id for event_id in wanted if event_id not in seen]
        if fresh:
            now = utcnow()
            bulk.insert_rows(self.session, _PROCESSED, [
                {"event_id": event_id, "consumer": consumer, "processed_at": now}
                for event_id in fresh])
        answers, given = [], set(seen)
        for event_id in event_ids:
            answers.append(event_id not in given)
            given.add(event_id)
        return answers

    def audit_page(self, *, entity: str | None = None, entity_id: object = None,
                   region: str | None = None, actor: str | None = None, limit: int = 100,
                   offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """``(entries, total)`` of the audit log filtered so, newest first."""
        query = _audit_filtered(sa.select(_AUDIT), entity, entity_id, region, actor)
        rows, total = page_of_rows(self.session, query,
                                   (_AUDIT.c.occurred_at.desc(), _AUDIT.c.id.desc()), limit, offset)
        return _with_iso_times(rows), total

    def audit_entries(self, *, entity: str | None = None, entity_id: object = None,
                      region: str | None = None, limit: int = 100,
                      offset: int = 0) -> list[dict[str, Any]]:
        """The audit log filtered so, newest first (no total)."""
        query = _audit_filtered(sa.select(_AUDIT), entity, entity_id, region, None)
        query = query.order_by(_AUDIT.c.id.desc()).limit(limit).offset(offset)
        return _with_iso_times([dict(row._mapping) for row in self.session.execute(query)])


def _audit_filtered(query: sa.Select[Any], entity: str | None, entity_id: object,
                    region: str | None, actor: str | None) -> sa.Select[Any]:
    """``query`` on the audit table narrowed to the filters given (a falsy one, or an
    ``entity_id`` of None, does not narrow)."""
    if entity:
        query = query.where(_AUDIT.c.entity == entity)
    if entity_id is not None:
        query = query.where(_AUDIT.c.entity_id == str(entity_id))
    if region:
        query = query.where(_AUDIT.c.region_code == region)
    if actor:
        query = query.where(_AUDIT.c.actor_id == actor)
    return query


def _with_iso_times(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with ``occurred_at`` (a datetime) as ISO 8601 text, in place."""
    for row in rows:
        row["occurred_at"] = row["occurred_at"].isoformat()
    return rows


def on_database(url: str, repositories: Callable[[Session], Any] | None,
                *actions: Callable[[UnitOfWork], Any]) -> Any:
    """Run each of ``actions`` in turn on a new UnitOfWork over the database at ``url`` (its
    ``repositories`` as ``uow.repo``), outside any service: reference data, the bootstrap
    administrator, the command line. The engine is disposed after. Returns the last action's
    result (None without actions); raises what an action raises."""
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    result = None
    try:
        for action in actions:
            result = action(UnitOfWork(sessions, repositories=repositories))
        return result
    finally:
        engine.dispose()
