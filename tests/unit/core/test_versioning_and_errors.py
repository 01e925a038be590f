"""Optimistic locking helpers, and domain errors that cross RPC as themselves."""
from types import SimpleNamespace

import pytest
from nameko.exceptions import deserialize, serialize
from sqlalchemy.orm.exc import StaleDataError

from kelisim.db.versioning import apply_changes, check_version, concurrent_update_guard
from kelisim.errors import Conflict, Forbidden, Invalid, KelisimError, NotFound, StaleVersion


def test_check_version_accepts_the_current_version_only():
    entity = SimpleNamespace(version=3)

    check_version(entity, 3)
    with pytest.raises(StaleVersion) as caught:
        check_version(entity, 2, "structure 9")

    assert "structure 9 is at version 3, not 2" in caught.value.detail
    assert caught.value.errors == {"version": "current version is 3"}


def test_apply_changes_sets_and_names_only_what_differs():
    entity = SimpleNamespace(name="a", members=1, closed_on=None)

    changed = apply_changes(entity, {"name": "a", "members": 2, "closed_on": "2024-01-01"})

    assert changed == ["members", "closed_on"]
    assert (entity.name, entity.members, entity.closed_on) == ("a", 2, "2024-01-01")


def test_concurrent_update_becomes_a_stale_version():
    with pytest.raises(StaleVersion, match="org unit 4 was changed"):
        with concurrent_update_guard("org unit 4"):
            raise StaleDataError("UPDATE matched 0 rows")


@pytest.mark.parametrize("cls, status", [
    (NotFound, 404), (Conflict, 409), (Invalid, 422), (Forbidden, 403), (StaleVersion, 409)])
def test_errors_survive_nameko_serialisation(cls, status):
    error = cls("detail text", {"field": "message"})

    back = deserialize(serialize(error))

    assert type(back) is cls
    assert back.status == status and isinstance(back, KelisimError)
    assert back.detail == "detail text" and str(back) == "detail text"
    assert back.errors == {"field": "message"}


def test_errors_default_to_no_field_errors():
    assert NotFound("gone").errors == {}
    assert deserialize(serialize(NotFound("gone"))).errors == {}
    assert issubclass(StaleVersion, Conflict)
