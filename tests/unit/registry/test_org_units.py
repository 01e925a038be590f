"""Org units: kind, level, parent and region must agree; codes are unique; versions guard edits."""
import pytest

from kelisim.db.versioning import concurrent_update_guard
from kelisim.errors import Conflict, Invalid, NotFound, StaleVersion
from services.registry.service_layer import org_units


def unit(**overrides):
    data = {"code": "BR-1", "name_kk": "Филиал", "name_ru": "Филиал", "kind": "kgu_branch",
            "level": "district", "region_code": "KZ-61"}
    data.update(overrides)
    return data


def test_create_branch_under_its_regions_kgu(uow, kgu):
    created = org_units.create_org_unit(uow(), unit(parent_id=kgu("KZ-61"),
                                                    opened_on="2021-03-01"))

    assert created["id"] and created["version"] == 1
    assert created["opened_on"] == "2021-03-01"
    assert org_units.get_org_unit(uow(), created["id"]) == created


def test_house_of_friendship_may_sit_under_a_branch(uow, branch):
    created = org_units.create_org_unit(uow(), unit(
        code="HOF-1", kind="house_of_friendship", level="city", parent_id=branch["id"]))

    assert created["parent_id"] == branch["id"]


@pytest.mark.parametrize("overrides, field", [
    ({"level": "regional"}, "level"),                       # a branch is city/district/rural
    ({"kind": "kgu", "level": "regional"}, "parent_id"),   # a KGU's parent is the RGU
    ({"parent_id": None}, "parent_id"),                     # a branch needs a KGU parent
    ({"opened_on": "2022-01-01", "closed_on": "2021-12-31"}, "closed_on"),
])
def test_inconsistent_org_unit_is_invalid(uow, kgu, overrides, field):
    data = unit(parent_id=kgu("KZ-61"))
    data.update(overrides)

    with pytest.raises(Invalid) as caught:
        org_units.create_org_unit(uow(), data)

    assert field in caught.value.errors


def test_parent_in_another_region_is_invalid(uow, kgu):
    with pytest.raises(Invalid) as caught:
        org_units.create_org_unit(uow(), unit(parent_id=kgu("KZ-75")))

    assert caught.value.errors["parent_id"] == "the parent is in another region"


def test_second_rgu_has_no_region(uow):
    with pytest.raises(Invalid) as caught:
        org_units.create_org_unit(uow(), unit(kind="rgu", level="republican", code="RGU-2"))

    assert set(caught.value.errors) == {"region_code"}


def test_unknown_parent_is_invalid(uow):
    with pytest.raises(Invalid) as caught:
        org_units.create_org_unit(uow(), unit(parent_id=99999))

    assert "parent_id" in caught.value.errors


def test_unknown_region_is_invalid_naming_the_field(uow, kgu):
    with pytest.raises(Invalid) as caught:
        org_units.create_org_unit(uow(), unit(region_code="KZ-99", parent_id=kgu("KZ-61")))

    assert caught.value.errors == {"region_code": "no region with code KZ-99"}


def test_badly_formed_input_names_each_field(uow):
    with pytest.raises(Invalid) as caught:
        org_units.create_org_unit(uow(), {"code": "bad code!", "kind": "castle", "extra": 1})

    assert {"code", "kind", "name_kk", "name_ru", "level", "extra"} <= set(caught.value.errors)


def test_duplicate_code_is_a_conflict(uow, branch, kgu):
    with pytest.raises(Conflict) as caught:
        org_units.create_org_unit(uow(), unit(code=branch["code"], parent_id=kgu("KZ-61")))

    assert caught.value.errors == {"code": "already exists"}


def test_unknown_org_unit_is_not_found(uow):
    with pytest.raises(NotFound):
        org_units.get_org_unit(uow(), 424242)


def test_update_bumps_version_and_reports_changes(uow, branch):
    updated = org_units.update_org_unit(uow(), branch["id"], {
        "version": 1, "name_ru": "Новое имя", "closed_on": "2030-01-01"})

    assert updated["version"] == 2
    assert updated["name_ru"] == "Новое имя" and updated["closed_on"] == "2030-01-01"
    assert org_units.get_org_unit(uow(), branch["id"]) == updated


def test_update_with_a_stale_version_is_refused(uow, branch):
    org_units.update_org_unit(uow(), branch["id"], {"version": 1, "name_ru": "Первое"})

    with pytest.raises(StaleVersion) as caught:
        org_units.update_org_unit(uow(), branch["id"], {"version": 1, "name_ru": "Второе"})

    assert isinstance(caught.value, Conflict)
    assert "version" in caught.value.errors
    assert org_units.get_org_unit(uow(), branch["id"])["name_ru"] == "Первое"


def test_update_closing_before_opening_is_invalid_and_not_saved(uow, kgu):
    created = org_units.create_org_unit(uow(), unit(parent_id=kgu("KZ-61"),
                                                    opened_on="2021-03-01"))

    with pytest.raises(Invalid) as caught:
        org_units.update_org_unit(uow(), created["id"], {"version": 1, "closed_on": "2020-01-01"})

    assert "closed_on" in caught.value.errors
    assert org_units.get_org_unit(uow(), created["id"]) == created


def test_update_without_changes_keeps_the_version(uow, branch):
    same = org_units.update_org_unit(uow(), branch["id"], {"version": 1,
                                                           "name_ru": branch["name_ru"]})

    assert same == branch


def test_list_filters_by_region_kind_and_level(uow, branch):
    listed = org_units.list_org_units(uow(), {"region": "KZ-61"})

    assert {u["code"] for u in listed} == {"KGU-KZ-61", branch["code"]}
    assert [u["code"] for u in org_units.list_org_units(uow(), {"kind": "kgu_branch"})] == [
        branch["code"]]
    assert len(org_units.list_org_units(uow(), {"level": "regional"})) == 20


def test_list_in_unknown_region_is_invalid(uow):
    with pytest.raises(Invalid) as caught:
        org_units.list_org_units(uow(), {"region": "KZ-98"})

    assert "region" in caught.value.errors


def test_concurrent_update_loses_with_a_stale_version(uow, branch):
    """Two editors read version 1; the second to write is refused, not silently applied."""
    with uow() as first, uow() as second:
        mine = first.repo.org_unit(branch["id"])
        theirs = second.repo.org_unit(branch["id"])
        mine.name_ru = "Первый"
        first.commit()
        theirs.name_ru = "Второй"
        with pytest.raises(StaleVersion):
            with concurrent_update_guard("org unit"):
                second.flush()

    assert org_units.get_org_unit(uow(), branch["id"])["name_ru"] == "Первый"
    assert org_units.get_org_unit(uow(), branch["id"])["version"] == 2
