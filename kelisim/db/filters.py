"""A listing's optional filters, written once: each narrows the query only when the reader
gave it (the ``if region: query = query.where(...)`` chains every repository wrote)."""
from typing import Any

import sqlalchemy as sa


def where_given(query: sa.Select[Any], *conditions: tuple[Any, Any]) -> sa.Select[Any]:
    """``query`` narrowed to rows whose column equals its value, for each ``(column, value)``
    of ``conditions`` whose value is given (truthy: None, "" and 0 narrow nothing)."""
    for column, value in conditions:
        if value:
            query = query.where(column == value)
    return query


def within(query: sa.Select[Any], column: Any, low: Any = None, high: Any = None) -> sa.Select[Any]:
    """``query`` narrowed to ``low <= column <= high``, each bound only when given (truthy);
    dates, numbers or strings compared by the database."""
    if low:
        query = query.where(column >= low)
    if high:
        query = query.where(column <= high)
    return query
