"""Statistics by type, nationally and per region; a region's KGU with its contacts."""
import pytest

from kelisim.errors import Invalid, NotFound
from services.registry.service_layer import people, queries, structures


@pytest.fixture
def counted(uow, branch, kgu):
    """Open structures in two regions and one closed structure that must not count."""
    def add(unit_id, type_, members):
        return structures.create_structure(uow(), {
            "type": type_, "name": f"{type_} {members}", "org_unit_id": unit_id,
            "member_count": members})

    add(branch["id"], "council_of_mothers", 10)
    add(branch["id"], "council_of_mothers", 5)
    add(kgu("KZ-61"), "mediation_council", 7)
    add(kgu("KZ-75"), "council_of_mothers", 20)
    closed = add(kgu("KZ-75"), "mediation_council", 100)
    structures.update_structure(uow(), closed["id"], {"version": 1, "closed_on": "2024-01-01"})


def test_statistics_nationally_and_per_region(uow, counted):
    stats = queries.statistics(uow())

    assert stats["region"] is None
    assert stats["totals"] == {
        "council_of_mothers": {"structures": 3, "members": 35},
        "mediation_council": {"structures": 1, "members": 7},
    }
    assert stats["by_region"] == {
        "KZ-61": {"council_of_mothers": {"structures": 2, "members": 15},
                  "mediation_council": {"structures": 1, "members": 7}},
        "KZ-75": {"council_of_mothers": {"structures": 1, "members": 20}},
    }
    assert len(stats["baseline"]) == 23


def test_statistics_of_one_region(uow, counted):
    stats = queries.statistics(uow(), "KZ-75")

    assert stats["region"] == "KZ-75"
    assert stats["totals"] == {"council_of_mothers": {"structures": 1, "members": 20}}
    assert list(stats["by_region"]) == ["KZ-75"]


def test_statistics_of_an_empty_registry(uow):
    stats = queries.statistics(uow())

    assert stats["totals"] == {} and stats["by_region"] == {}


def test_statistics_of_an_unknown_region_is_invalid(uow):
    with pytest.raises(Invalid) as caught:
        queries.statistics(uow(), "KZ-00")
    assert "region" in caught.value.errors


def test_kgu_of_region_with_its_contacts(uow, kgu, branch):
    chair = people.create_person(uow(), {"full_name": "Гүлнар Ахметова", "position": "Директор",
                                         "email": "director@kgu61.kz",
                                         "org_unit_id": kgu("KZ-61")})
    people.create_person(uow(), {"full_name": "Другой", "org_unit_id": branch["id"]})

    found = queries.kgu_of_region(uow(), "KZ-61")

    assert found["org_unit"]["code"] == "KGU-KZ-61"
    assert found["org_unit"]["id"] == kgu("KZ-61")
    assert found["contacts"] == [chair]


def test_kgu_of_region_without_contacts_or_region(uow):
    assert queries.kgu_of_region(uow(), "KZ-79")["contacts"] == []
    with pytest.raises(Invalid):
        queries.kgu_of_region(uow(), "KZ-00")


def test_region_whose_kgu_is_gone_is_not_found(uow):
    with uow() as work:
        work.session.delete(work.repo.kgu_of("KZ-79"))
        work.commit()

    with pytest.raises(NotFound):
        queries.kgu_of_region(uow(), "KZ-79")


def test_structure_closing_in_the_future_still_counts_until_then(uow, branch):
    created = structures.create_structure(uow(), {
        "type": "volunteer_centre", "name": "Еріктілер", "org_unit_id": branch["id"],
        "member_count": 8})
    structures.update_structure(uow(), created["id"], {"version": 1, "closed_on": "2999-01-01"})

    assert queries.statistics(uow())["totals"] == {
        "volunteer_centre": {"structures": 1, "members": 8}}
