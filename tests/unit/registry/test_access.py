"""Who sees and changes what: coordinators own one region, observers only read."""
import pytest

from kelisim.errors import Forbidden, NotFound
from services.registry.service_layer import org_units, people, queries, structures
from tests.support import COORDINATOR, OBSERVER, OTHER_COORDINATOR


@pytest.fixture
def council(uow, branch):
    return structures.create_structure(uow(), {
        "type": "council_of_mothers", "name": "Аналар кеңесі", "org_unit_id": branch["id"]})


def test_coordinator_reads_and_writes_own_region(uow, branch, council):
    as_coordinator = uow(COORDINATOR)

    assert org_units.get_org_unit(as_coordinator, branch["id"]) == branch
    assert structures.get_structure(uow(COORDINATOR), council["id"]) == council
    updated = structures.update_structure(uow(COORDINATOR), council["id"],
                                          {"version": 1, "member_count": 3})
    assert updated["member_count"] == 3


def test_coordinator_lists_only_own_region(uow, branch, council, kgu):
    structures.create_structure(uow(), {"type": "journalists_club", "name": "Клуб",
                                        "org_unit_id": kgu("KZ-75")})

    listed = structures.list_structures(uow(COORDINATOR), {})
    assert [s["id"] for s in listed["items"]] == [council["id"]]
    assert {u["region_code"] for u in org_units.list_org_units(uow(COORDINATOR), {})} == {"KZ-61"}
    assert queries.statistics(uow(COORDINATOR))["region"] == "KZ-61"


def test_coordinator_asking_for_another_region_is_forbidden(uow):
    with pytest.raises(Forbidden):
        structures.list_structures(uow(COORDINATOR), {"region": "KZ-75"})
    with pytest.raises(Forbidden):
        queries.statistics(uow(COORDINATOR), "KZ-75")


def test_another_regions_record_is_not_found_for_a_coordinator(uow, branch, council):
    with pytest.raises(NotFound):
        org_units.get_org_unit(uow(OTHER_COORDINATOR), branch["id"])
    with pytest.raises(NotFound):
        structures.get_structure(uow(OTHER_COORDINATOR), council["id"])
    with pytest.raises(NotFound):
        structures.update_structure(uow(OTHER_COORDINATOR), council["id"],
                                    {"version": 1, "member_count": 0})


def test_another_regions_record_reads_as_none_at_all_in_every_language(uow, branch, council):
    """Its 404 says what an unknown id's says, in kk, ru and en: "{what} not found" had a
    text of its own («организация 29: не найдено» against «организация 29 не найдена»,
    «29 ұйымы табылмады» against «29 ұйым табылмады»), which told a coordinator that the
    record exists (a review's find)."""
    person = people.create_person(uow(), {"full_name": "Әлия", "org_unit_id": branch["id"]})
    reads = [(org_units.get_org_unit, branch["id"]), (structures.get_structure, council["id"]),
             (people.get_person, person["id"]),
             (lambda unit, id_: people.list_people(unit, {"org_unit_id": id_}), branch["id"]),
             (lambda unit, id_: people.list_people(unit, {"structure_id": id_}), council["id"])]
    for read, record_id in reads:
        texts = []
        for asked in (record_id, 999_999):
            with pytest.raises(NotFound) as missing:
                read(uow(OTHER_COORDINATOR), asked)
            texts.append({lang: missing.value.detail_in(lang).replace(str(asked), "N")
                          for lang in ("kk", "ru", "en")})
        assert texts[0] == texts[1], (read, texts)


def test_a_listing_filtered_by_another_regions_record_is_not_found(uow, branch, council, kgu):
    """org_unit_id / structure_id of another region (or of nothing) answer 404, as reading
    that record does, never 200 with an empty list."""
    for query in ({"org_unit_id": branch["id"]}, {"org_unit_id": 987654}):
        with pytest.raises(NotFound):
            structures.list_structures(uow(OTHER_COORDINATOR), query)
        with pytest.raises(NotFound):
            people.list_people(uow(OTHER_COORDINATOR), query)
    for query in ({"structure_id": council["id"]}, {"structure_id": 987654}):
        with pytest.raises(NotFound):
            people.list_people(uow(OTHER_COORDINATOR), query)
    # its own region's records and the RGU's view filter as before
    assert structures.list_structures(uow(COORDINATOR), {"org_unit_id": branch["id"]})[
        "total"] == 1
    assert people.list_people(uow(COORDINATOR), {"structure_id": council["id"]}) == []
    assert structures.list_structures(uow(), {"org_unit_id": branch["id"]})["total"] == 1


def test_coordinator_writing_in_another_region_is_forbidden(uow, kgu, branch):
    with pytest.raises(Forbidden):
        org_units.create_org_unit(uow(OTHER_COORDINATOR), {
            "code": "BR-X", "name_kk": "X", "name_ru": "X", "kind": "kgu_branch",
            "level": "rural", "region_code": "KZ-61", "parent_id": kgu("KZ-61")})
    with pytest.raises(Forbidden):
        structures.create_structure(uow(OTHER_COORDINATOR), {
            "type": "council_of_mothers", "name": "X", "org_unit_id": branch["id"]})
    with pytest.raises(Forbidden):
        people.create_person(uow(OTHER_COORDINATOR), {"full_name": "X",
                                                      "org_unit_id": branch["id"]})


def test_coordinator_does_not_see_another_regions_contacts(uow, kgu):
    people.create_person(uow(), {"full_name": "Директор", "email": "d@kgu75.kz",
                                 "org_unit_id": kgu("KZ-75")})

    assert people.list_people(uow(COORDINATOR), {}) == []
    with pytest.raises(NotFound):
        queries.kgu_of_region(uow(COORDINATOR), "KZ-75")
    assert queries.kgu_of_region(uow(OTHER_COORDINATOR), "KZ-75")["contacts"]


def test_observer_reads_everything_and_writes_nothing(uow, branch, council, kgu):
    assert org_units.get_org_unit(uow(OBSERVER), branch["id"]) == branch
    assert structures.list_structures(uow(OBSERVER), {"region": "KZ-61"})["total"] == 1

    with pytest.raises(Forbidden):
        structures.update_structure(uow(OBSERVER), council["id"], {"version": 1, "name": "X"})
    with pytest.raises(Forbidden):
        org_units.update_org_unit(uow(OBSERVER), branch["id"], {"version": 1, "name_ru": "X"})
    with pytest.raises(Forbidden):
        structures.create_structure(uow(OBSERVER), {
            "type": "council_of_mothers", "name": "X", "org_unit_id": branch["id"]})
    with pytest.raises(Forbidden):
        people.create_person(uow(OBSERVER), {"full_name": "X", "org_unit_id": kgu("KZ-10")})
    assert structures.get_structure(uow(), council["id"]) == council


def test_unknown_role_writes_nothing(uow, branch):
    stranger = {"id": "who", "role": "intern", "region": None}

    with pytest.raises(Forbidden):
        structures.create_structure(uow(stranger), {
            "type": "council_of_mothers", "name": "X", "org_unit_id": branch["id"]})
