"""Many rows into one table with one statement: an array per column on PostgreSQL.

An executemany INSERT (even SQLAlchemy's insertmanyvalues) processes every parameter of
every row in Python: each value through its column's bind processor, each JSON value
through ``json.dumps``, each row's dict built again for the driver. On PostgreSQL
:func:`insert_rows` sends the batch as ``INSERT ... SELECT FROM unnest(CAST(:c AS
type[]), ...) WITH ORDINALITY ... ORDER BY n``: one parameter per column, converted
column by column (rows, and the ids a serial column gives them, in the order given):
the text of an array literal, or for JSON a list of texts. SQLite (no arrays) keeps
the executemany.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from kelisim import serialization

_PG = postgresql.dialect()  # type: ignore[no-untyped-call]


def insert_rows(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]],
                numbered: bool = False) -> list[int] | None:
    """Insert ``rows`` (dicts of column key: value, every row with the keys of the first
    one) into ``table`` in ``session``'s transaction; nothing for no rows. With
    ``numbered``, returns the ids the table's autoincrement primary key gave the rows, in
    the rows' order (None without).

    Values are what the table's columns take in an executemany of the same rows: a
    :class:`~kelisim.db.types.UtcDateTime` refuses a naive time (ValueError) and writes
    it in UTC; a JSON value (None too: JSON ``null``, as the column writes it) is written
    as the JSON text :func:`kelisim.serialization.dumps` makes of it, one object written
    once however many rows hold it (the same value read back; the text differs from
    ``json.dumps``'s only in spacing and non-ASCII letters written as they are). A column
    absent from the rows gets its scalar ``default``, else NULL (or its server default on
    SQLite). Raises IntegrityError on a duplicate key or a missing required value, as the
    executemany does (DataError for a text too long for its column on PostgreSQL);
    KeyError for a key that is not a column of ``table`` (on PostgreSQL)."""
    if not rows:
        return [] if numbered else None
    if session.get_bind().dialect.name != "postgresql":
        if not numbered:
            session.execute(table.insert(), list(rows))
            return None
        key = _serial(table)
        numbering = table.insert().returning(key, sort_by_parameter_order=True)
        return list(session.scalars(numbering, list(rows)))
    keys = tuple(rows[0])
    statement, convert, defaults = _unnest_insert(table, keys, numbered)
    values: dict[str, Any] = {f"c{n}": convert[n]([row[key] for row in rows])
                              for n, key in enumerate(keys)}
    for n, value in enumerate(defaults, start=len(keys)):
        values[f"c{n}"] = _array([value] * len(rows))
    result = session.execute(statement, values)
    # The sequence numbers the rows in the order the SELECT gives them (ORDER BY given.n),
    # which RETURNING does not promise to keep: sorted, they are the rows' ids in order, as
    # SQLAlchemy's own insertmanyvalues takes them on PostgreSQL (its implicit sentinel
    # ANY_AUTOINCREMENT)
    return sorted(result.scalars()) if numbered else None


def _serial(table: sa.Table) -> sa.Column[Any]:
    """The autoincrement integer primary key of ``table`` (ValueError when it has none)."""
    column = table.autoincrement_column
    if column is None:
        raise ValueError(f"{table.name} has no autoincrement primary key to number its rows")
    return column


def _array(values: list[Any]) -> str | list[Any]:
    """``values`` as the text of a PostgreSQL array (``{"a","b\\"c",NULL,1,t}``), cast by
    the statement to its column's array type: psycopg2 then quotes one string, where it
    adapts a list item by item (~1 µs each, two thirds of an intake batch's INSERTs). Texts
    are quoted (a backslash before ``"`` and ``\\``), times and dates ISO 8601 (with their
    offset), None NULL; a list holding anything else is left to psycopg2."""
    items = []
    for value in values:
        kind = type(value)
        if kind is str:
            items.append('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif value is None:
            items.append("NULL")
        elif kind is bool:
            items.append("t" if value else "f")
        elif kind is int:
            items.append(str(value))
        elif kind is datetime or kind is date:
            items.append(f'"{value.isoformat()}"')
        else:
            return values
    return "{" + ",".join(items) + "}"


@functools.lru_cache(maxsize=256)
def _unnest_insert(table: sa.Table, keys: tuple[str, ...], numbered: bool = False) -> tuple[
        sa.TextClause, list[Callable[[list[Any]], Any]], list[Any]]:
    """(statement, a converter per given column, the values of the defaulted columns) of
    an unnest INSERT of ``keys`` (then the columns with a scalar default) into ``table``;
    ``numbered``: returning the serial key."""
    given = [table.c[key] for key in keys]
    defaults = [(c, c.default) for c in table.columns if c.key not in keys
                and isinstance(c.default, ScalarElementColumnDefault)]
    columns = given + [column for column, _default in defaults]
    arrays = ", ".join(f"CAST(:c{n} AS {_array_of(column.type)})"
                       for n, column in enumerate(columns))
    names = ", ".join(f'"{column.name}"' for column in columns)
    picked = ", ".join(f'given."c{n}"' for n in range(len(columns)))
    aliases = ", ".join(f'"c{n}"' for n in range(len(columns)))
    statement = sa.text(
        f'INSERT INTO "{table.name}" ({names}) SELECT {picked} FROM unnest({arrays}) '
        f"WITH ORDINALITY AS given({aliases}, n) ORDER BY given.n"
        + (f' RETURNING "{_serial(table).name}"' if numbered else ""))
    return (statement, [_converter(column.type) for column in given],
            [default.arg for _column, default in defaults])


def _array_of(column_type: sa.types.TypeEngine[Any]) -> str:
    """The PostgreSQL array type the values of a column are sent as: its own type, but
    text of any length (a cast to ``varchar(n)[]`` would cut a longer text short, where the
    INSERT refuses it as the executemany does)."""
    if isinstance(column_type, sa.String) and column_type.length is not None:
        column_type = sa.String()
    return f"{column_type.compile(dialect=_PG)}[]"


def _converter(column_type: sa.types.TypeEngine[Any]) -> Callable[[list[Any]], Any]:
    """How one column's values become the parameter its array is cast from: JSON texts as
    a list (psycopg2 escapes a long text faster than :func:`_array` would), anything else
    as :func:`_array` writes it."""
    if isinstance(column_type, sa.JSON):
        return _json_texts
    if isinstance(column_type, sa.types.TypeDecorator):
        bind = column_type.process_bind_param
        return lambda values: _array(_bound(bind, values))
    return _array


def _bound(bind: Callable[[Any, Any], Any], values: list[Any]) -> list[Any]:
    """Each value through a TypeDecorator's ``process_bind_param``; an object held by
    several rows (a batch's one ``now``, None) converted once."""
    done: dict[int, Any] = {}
    converted = []
    for value in values:
        key = id(value)
        if key not in done:
            done[key] = bind(value, _PG)
        converted.append(done[key])
    return converted


def _json_texts(values: list[Any]) -> list[str]:
    """Each value as JSON text; an object held by several rows is written once."""
    written: dict[int, str] = {}
    texts = []
    for value in values:
        text = written.get(id(value))
        if text is None:
            text = written[id(value)] = serialization.dumps(value).decode()
        texts.append(text)
    return texts
