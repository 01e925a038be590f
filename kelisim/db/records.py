"""Domain records as the database keeps them: their id once stored.

A record (a dataclass of a service's domain, mapped imperatively) has ``id: int | None``:
None until its first flush, the row's key afterwards.
"""
from typing import Protocol


class Record(Protocol):
    """A domain record with a database id (None before its first flush)."""

    id: int | None


def stored_id(record: Record) -> int:
    """The database id of a stored ``record`` (loaded, or flushed since it was made).

    Raises RuntimeError for a record not flushed yet: its id is still None, and a history
    row, an attempt or a message naming it would name nothing."""
    if record.id is None:
        raise RuntimeError(f"{type(record).__name__} has no id before it is flushed")
    return record.id
