"""Responsible people: attached to exactly one org unit or structure, in its region."""
import pytest

from kelisim.errors import Forbidden, Invalid, NotFound, StaleVersion
from services.registry.service_layer import people, structures
from tests.support import AUDIT, OBSERVER, OTHER_COORDINATOR, OUTBOX


def test_person_takes_the_region_of_their_org_unit(uow, branch):
    created = people.create_person(uow(), {
        "full_name": "Әлия Серікқызы Нұрланова", "position": "Төрайым",
        "email": "aliya@example.kz", "phone": "+7 701 000 00 00", "org_unit_id": branch["id"]})

    assert created["region_code"] == "KZ-61"
    assert people.list_people(uow(), {"org_unit_id": branch["id"]}) == [created]


def test_person_of_a_structure_takes_its_region(uow, branch):
    council = structures.create_structure(uow(), {
        "type": "council_of_elders", "name": "Ақсақалдар", "org_unit_id": branch["id"]})

    created = people.create_person(uow(), {"full_name": "Бек", "structure_id": council["id"]})

    assert created["region_code"] == "KZ-61" and created["org_unit_id"] is None


@pytest.mark.parametrize("attachment, field", [
    ({}, "org_unit_id"),
    ({"org_unit_id": 1, "structure_id": 1}, "org_unit_id"),
    ({"org_unit_id": 99999}, "org_unit_id"),
    ({"structure_id": 99999}, "structure_id"),
])
def test_person_must_attach_to_exactly_one_existing_thing(uow, attachment, field):
    with pytest.raises(Invalid) as caught:
        people.create_person(uow(), {"full_name": "Иван", **attachment})

    assert field in caught.value.errors


def test_bad_email_and_phone_are_invalid(uow, branch):
    with pytest.raises(Invalid) as caught:
        people.create_person(uow(), {"full_name": "Иван", "email": "not-an-email",
                                     "phone": "call me", "org_unit_id": branch["id"]})

    assert set(caught.value.errors) == {"email", "phone"}


def test_a_person_is_updated_with_audit_and_event(uow, branch, rows):
    created = people.create_person(uow(), {"full_name": "Айгүл", "org_unit_id": branch["id"]})

    updated = people.update_person(uow(), created["id"], {
        "version": created["version"], "phone": "+7 702 111 22 33", "position": "Хатшы"})

    assert updated["phone"] == "+7 702 111 22 33" and updated["version"] == 2
    assert people.get_person(uow(), created["id"]) == updated
    audit = [r for r in rows(AUDIT) if r["entity"] == "person" and r["action"] == "update"]
    assert audit[-1]["before"]["phone"] is None and audit[-1]["after"]["position"] == "Хатшы"
    event = [r for r in rows(OUTBOX) if r["event_type"] == "person_updated"][-1]["envelope"]
    assert sorted(event["data"]["changed"]) == ["phone", "position"]
    assert event["regions"] == ["KZ-61"]


def test_a_stale_or_foreign_person_update_changes_nothing(uow, branch, rows):
    created = people.create_person(uow(), {"full_name": "Айгүл", "org_unit_id": branch["id"]})
    events_before = len(rows(OUTBOX))

    with pytest.raises(StaleVersion):
        people.update_person(uow(), created["id"], {"version": 7, "phone": "+7 700 000 00 00"})
    with pytest.raises(NotFound):
        people.update_person(uow(OTHER_COORDINATOR), created["id"],
                             {"version": 1, "phone": "+7 700 000 00 00"})
    with pytest.raises(Forbidden):
        people.update_person(uow(OBSERVER), created["id"], {"version": 1, "full_name": "X"})

    assert people.get_person(uow(), created["id"]) == created
    assert len(rows(OUTBOX)) == events_before
