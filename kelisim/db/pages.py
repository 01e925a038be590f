"""One page of a query and the count of all its rows: how every listing pages, written once.

A listing answers ``{"items", "total", "limit", "offset"}`` (kelisim/schemas.py
``page_of`` documents it; :class:`kelisim.schemas.PageQuery` loads ``limit`` and
``offset``); its repository method returns ``(rows, total)`` from :func:`page`.
"""
import functools
from collections import namedtuple
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session


@functools.lru_cache(maxsize=256)
def _record_of(fields: tuple[str, ...]) -> Any:
    return namedtuple("PlainRow", fields, rename=True)  # the columns are known at run time


def plain_rows(result: sa.Result[Any]) -> list[Any]:
    """The rows of ``result`` as named tuples of its columns (``row.title``, ``row[8]``,
    ``row._fields``): a SQLAlchemy Row's attribute is looked up in Python (~1.2 µs), a named
    tuple's in C, 20x faster, and a page of 50 tasks reads some 2 000 of them. Columns
    whose names are not identifiers (or repeat, or start with ``_``) are renamed ``_1``...
    as ``namedtuple(rename=True)`` does; select labelled columns for those."""
    make = _record_of(tuple(result.keys()))._make
    return [make(row) for row in result.all()]  # fetched at once, not one by one


def count(session: Session, query: sa.Select[Any]) -> int:
    """How many rows ``query`` returns, counted by the database."""
    return int(session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0)


def page(session: Session, query: sa.Select[Any], order_by: Iterable[Any], limit: int,
         offset: int) -> tuple[list[Any], int]:
    """``(items, total)``: rows ``offset`` to ``offset + limit`` of ``query`` in ``order_by``
    order (each its first column: an ORM entity for ``select(Entity)``), and how many rows
    it has in all."""
    total = count(session, query)
    rows = session.scalars(query.order_by(*order_by).limit(limit).offset(offset)).all()
    return list(rows), total


def page_of_rows(session: Session, query: sa.Select[Any], order_by: Iterable[Any], limit: int,
                 offset: int) -> tuple[list[dict[str, Any]], int]:
    """Like :func:`page`, each row as a ``{column: value}`` dict."""
    total = count(session, query)
    rows = session.execute(query.order_by(*order_by).limit(limit).offset(offset))
    return [dict(row._mapping) for row in rows], total
