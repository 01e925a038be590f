"""Public structures: bound to an open org unit, typed, accredited only when accreditable."""
from datetime import date

import pytest

from kelisim.errors import Conflict, Invalid, NotFound, StaleVersion
from services.registry.service_layer import org_units, structures


def structure(org_unit_id, **overrides):
    data = {"type": "council_of_mothers", "name": "Аналар кеңесі", "org_unit_id": org_unit_id,
            "member_count": 12}
    data.update(overrides)
    return data


def test_structure_inherits_region_and_level_of_its_org_unit(uow, branch):
    created = structures.create_structure(uow(), structure(branch["id"]))

    assert created["region_code"] == "KZ-61"
    assert created["level"] == "city"
    assert created["member_count"] == 12 and created["version"] == 1
    assert structures.get_structure(uow(), created["id"]) == created


def test_structure_bound_to_a_missing_org_unit_is_invalid(uow):
    with pytest.raises(Invalid) as caught:
        structures.create_structure(uow(), structure(987654))

    assert "org_unit_id" in caught.value.errors


def test_unknown_structure_type_is_invalid(uow, branch):
    with pytest.raises(Invalid) as caught:
        structures.create_structure(uow(), structure(branch["id"], type="chess_club"))

    assert "type" in caught.value.errors


def test_closed_org_unit_takes_no_new_structures(uow, kgu):
    closed = org_units.create_org_unit(uow(), {
        "code": "BR-CLOSED", "name_kk": "Жабық", "name_ru": "Закрыт", "kind": "kgu_branch",
        "level": "rural", "region_code": "KZ-61", "parent_id": kgu("KZ-61"),
        "opened_on": "2015-01-01", "closed_on": "2019-12-31"})

    with pytest.raises(Conflict) as caught:
        structures.create_structure(uow(), structure(closed["id"]))

    assert "org_unit_id" in caught.value.errors


def test_org_unit_closing_later_still_takes_structures_today(uow, kgu):
    unit = org_units.create_org_unit(uow(), {
        "code": "BR-CLOSING", "name_kk": "Ж", "name_ru": "З", "kind": "kgu_branch",
        "level": "rural", "region_code": "KZ-61", "parent_id": kgu("KZ-61"),
        "closed_on": "2030-01-01"})

    created = structures.create_structure(uow(), structure(unit["id"]), today=date(2029, 12, 31))
    assert created["org_unit_id"] == unit["id"]
    with pytest.raises(Conflict):
        structures.create_structure(uow(), structure(unit["id"]), today=date(2030, 1, 1))


def test_accreditation_only_on_ethnocultural_associations(uow, branch):
    accredited = structures.create_structure(uow(), structure(
        branch["id"], type="ethnocultural_association", name="Корей этномәдени бірлестігі",
        accreditation="accredited"))
    assert accredited["accreditation"] == "accredited"

    with pytest.raises(Invalid) as caught:
        structures.create_structure(uow(), structure(branch["id"], accreditation="accredited"))
    assert "accreditation" in caught.value.errors


def test_accreditation_added_later_to_a_non_accreditable_type_is_invalid(uow, branch):
    created = structures.create_structure(uow(), structure(branch["id"]))

    with pytest.raises(Invalid) as caught:
        structures.update_structure(uow(), created["id"], {"version": 1,
                                                           "accreditation": "pending"})

    assert "accreditation" in caught.value.errors
    assert structures.get_structure(uow(), created["id"])["accreditation"] is None


@pytest.mark.parametrize("members", [-1, -500])
def test_negative_members_are_invalid(uow, branch, members):
    with pytest.raises(Invalid) as caught:
        structures.create_structure(uow(), structure(branch["id"], member_count=members))
    assert "member_count" in caught.value.errors

    created = structures.create_structure(uow(), structure(branch["id"]))
    with pytest.raises(Invalid) as caught:
        structures.update_structure(uow(), created["id"], {"version": 1,
                                                           "member_count": members})
    assert "member_count" in caught.value.errors


def test_update_and_stale_version(uow, branch):
    created = structures.create_structure(uow(), structure(branch["id"]))

    updated = structures.update_structure(uow(), created["id"], {"version": 1,
                                                                 "member_count": 40})
    assert updated["member_count"] == 40 and updated["version"] == 2

    with pytest.raises(StaleVersion):
        structures.update_structure(uow(), created["id"], {"version": 1, "member_count": 1})
    assert structures.get_structure(uow(), created["id"])["member_count"] == 40


def test_unknown_structure_is_not_found(uow):
    with pytest.raises(NotFound):
        structures.get_structure(uow(), 31337)
    with pytest.raises(NotFound):
        structures.update_structure(uow(), 31337, {"version": 1, "name": "x"})


def test_list_pages_and_filters(uow, branch, kgu):
    for n in range(3):
        structures.create_structure(uow(), structure(branch["id"], name=f"Кеңес {n}"))
    structures.create_structure(uow(), structure(kgu("KZ-75"), type="journalists_club"))

    page = structures.list_structures(uow(), {"region": "KZ-61", "limit": 2, "offset": 1})
    assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 1
    assert [s["name"] for s in page["items"]] == ["Кеңес 1", "Кеңес 2"]
    assert structures.list_structures(uow(), {"type": "journalists_club"})["total"] == 1
    assert structures.list_structures(uow(), {"level": "regional"})["total"] == 1
    assert structures.list_structures(uow(), {})["total"] == 4


def test_text_search_finds_structures_by_name_in_any_case(uow, branch):
    """Issue 12.7: ``q`` searches the name, Kazakh or Russian, Cyrillic case included."""
    mothers = structures.create_structure(uow(), structure(branch["id"]))
    council = structures.create_structure(uow(), structure(
        branch["id"], type="mediation_council", name="Совет медиации Туркестанской области"))
    assert [s["id"] for s in structures.list_structures(uow(), {"q": "аналар"})["items"]] == [
        mothers["id"]]
    assert [s["id"] for s in structures.list_structures(uow(), {"q": "МЕДИАЦИИ"})["items"]] \
        == [council["id"]]
    assert structures.list_structures(uow(), {"q": "шахмат"})["total"] == 0
