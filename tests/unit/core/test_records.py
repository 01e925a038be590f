"""kelisim.db.records.stored_id: the id of a stored record, never None in its place."""
from dataclasses import dataclass

import pytest

from kelisim.db.records import stored_id


@dataclass
class Row:
    name: str
    id: int | None = None


def test_a_stored_record_gives_its_id():
    assert stored_id(Row("KGU", id=7)) == 7


def test_a_record_not_flushed_yet_is_refused_rather_than_named_as_none():
    with pytest.raises(RuntimeError, match="Row has no id before it is flushed"):
        stored_id(Row("KGU"))
