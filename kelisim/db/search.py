"""Text search and sorting in SQL that behave the same on SQLite and PostgreSQL.

``folded(column)`` is the column in lower case by Unicode rules on both: PostgreSQL's
``lower()`` (the databases are UTF-8), and on SQLite a ``kelisim_lower`` function that
:func:`register_sqlite_functions` adds to every connection (SQLite's own ``lower()`` folds
ASCII only, so «Совет» would never match «совет»).
"""
from collections.abc import Iterable, Mapping, Sequence
from sqlite3 import Connection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_LOWER = "kelisim_lower"


class folded(FunctionElement[str]):  # noqa: N801  (reads like the SQL function it is)
    type = sa.String()
    inherit_cache = True


@compiles(folded)
def _folded_default(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(dbapi_connection: Connection) -> None:
    dbapi_connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_text(columns: Iterable[Any], text: str) -> sa.ColumnElement[bool]:
    """A condition: ``text`` occurs in any of ``columns``, ignoring case (Cyrillic too)."""
    pattern = f"%{_escape_like(text.lower())}%"
    return sa.or_(*(folded(column).like(pattern, escape="\\") for column in columns))


def ordering(sort: Sequence[tuple[str, bool]] | None, columns: Mapping[str, Any],
             tie_breaker: Any) -> list[Any]:
    """ORDER BY terms for ``sort`` (``[(name, descending)]`` from SortField) over
    ``columns`` (``{name: column}``), ending with ``tie_breaker`` so pages are stable."""
    terms: list[Any] = []
    for name, descending in sort or ():
        column = columns[name]
        terms.append(column.desc() if descending else column.asc())
    terms.append(tie_breaker)
    return terms
