"""The access rules every service applies."""
import pytest

from kelisim.access import ensure_readable, ensure_writable, scope_region
from kelisim.context import SYSTEM_ACTOR
from kelisim.errors import Forbidden, NotFound
from kelisim.i18n import _

ADMIN = {"id": "a", "role": "rgu_admin", "region": None}
COORDINATOR = {"id": "c", "role": "kgu_coordinator", "region": "KZ-61"}
OBSERVER = {"id": "o", "role": "observer", "region": None}


@pytest.mark.parametrize("actor", [ADMIN, OBSERVER, SYSTEM_ACTOR])
def test_others_list_what_they_ask_for(actor):
    assert scope_region(actor, None) is None
    assert scope_region(actor, "KZ-75") == "KZ-75"


def test_coordinator_listing_is_pinned_to_own_region():
    assert scope_region(COORDINATOR, None) == "KZ-61"
    assert scope_region(COORDINATOR, "KZ-61") == "KZ-61"
    with pytest.raises(Forbidden):
        scope_region(COORDINATOR, "KZ-75")


def test_coordinator_cannot_read_another_regions_record():
    ensure_readable(COORDINATOR, "KZ-61")
    with pytest.raises(NotFound, match="structure 5 not found"):
        ensure_readable(COORDINATOR, "KZ-75", _("structure {structure_id} not found",
                                               structure_id=5))
    with pytest.raises(NotFound):
        ensure_readable(COORDINATOR, None)


@pytest.mark.parametrize("actor", [ADMIN, OBSERVER, SYSTEM_ACTOR])
def test_others_read_everything(actor):
    ensure_readable(actor, "KZ-75")
    ensure_readable(actor, None)


@pytest.mark.parametrize("actor", [ADMIN, SYSTEM_ACTOR])
def test_admin_and_system_write_everywhere(actor):
    ensure_writable(actor, "KZ-75")
    ensure_writable(actor, None)


def test_coordinator_writes_only_in_own_region():
    ensure_writable(COORDINATOR, "KZ-61")
    with pytest.raises(Forbidden):
        ensure_writable(COORDINATOR, "KZ-75")
    with pytest.raises(Forbidden):
        ensure_writable(COORDINATOR, None)


@pytest.mark.parametrize("actor", [
    OBSERVER, {"id": "x", "role": "intern"}, {"id": "x"}, {"id": "x", "role": None}])
def test_observers_and_unknown_roles_write_nothing(actor):
    with pytest.raises(Forbidden):
        ensure_writable(actor, "KZ-61")
    with pytest.raises(Forbidden):
        ensure_writable(actor, None)
