"""The registry through the gateway: reads, writes, Kazakh text, the audit trail."""
import pytest

from tests.integration.gateway.helpers import API, house_of_friendship, kgu_id, ok

KAZAKH = "Түркістан облысы «Достық үйі» — ұлттық мәдени орталықтар"
RUSSIAN = "Дом дружбы Туркестанской области — этнокультурные объединения"


def test_reference_data_and_statistics(gateway):
    assert len(ok(gateway.get(f"{API}/regions"))) == 20
    types = ok(gateway.get(f"{API}/structure-types"))
    assert "mediation_council" in {t["code"] for t in types}
    kgu = ok(gateway.get(f"{API}/regions/KZ-61/kgu"))
    assert kgu["org_unit"]["code"] == "KGU-KZ-61" and kgu["contacts"] == []
    ok(gateway.post(f"{API}/structures", {"type": "mediation_council", "name": "Кеңес",
                                          "org_unit_id": kgu["org_unit"]["id"],
                                          "member_count": 19}), 201)
    stats = ok(gateway.get(f"{API}/statistics", params={"region": "KZ-61"}))
    assert stats["region"] == "KZ-61"
    assert stats["totals"]["mediation_council"] == {"structures": 1, "members": 19}
    national = ok(gateway.get(f"{API}/statistics", who="observer"))
    assert national["region"] is None and national["baseline"]


def test_structures_are_created_paged_read_and_changed(gateway):
    kgu = kgu_id(gateway, "KZ-61")
    made = [ok(gateway.post(f"{API}/structures", {"type": "council_of_mothers",
                                                  "name": f"Аналар кеңесі {n}",
                                                  "org_unit_id": kgu}), 201) for n in range(3)]
    assert [m["level"] for m in made] == ["regional"] * 3
    page = ok(gateway.get(f"{API}/structures", params={"region": "KZ-61", "limit": 2,
                                                       "offset": 1}))
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [s["id"] for s in page["items"]] == [made[1]["id"], made[2]["id"]]
    first = made[0]
    assert ok(gateway.get(f"{API}/structures/{first['id']}")) == first
    changed = ok(gateway.patch(f"{API}/structures/{first['id']}",
                               {"version": first["version"], "member_count": 25}))
    assert (changed["member_count"], changed["version"]) == (25, first["version"] + 1)
    by_unit = ok(gateway.get(f"{API}/structures", params={"org_unit_id": kgu}))
    assert by_unit["total"] == 3


def test_people_are_attached_and_listed(gateway):
    kgu = kgu_id(gateway, "KZ-61")
    person = ok(gateway.post(f"{API}/people", {
        "full_name": "Әлия Нұрланқызы", "position": "Төраға", "email": "aliya@example.kz",
        "phone": "+7 725 253 00 00", "org_unit_id": kgu}), 201)
    assert person["region_code"] == "KZ-61"
    assert ok(gateway.get(f"{API}/people", params={"org_unit_id": kgu})) == [person]
    assert ok(gateway.get(f"{API}/regions/KZ-61/kgu"))["contacts"] == [person]
    assert ok(gateway.get(f"{API}/people", params={"region": "KZ-75"})) == []


@pytest.mark.parametrize("registry_backend", ["sqlite", "postgres"])
def test_a_write_round_trips_kazakh_text_and_is_audited(start_gateway, request, registry_backend):
    gateway = start_gateway(registry_url=request.getfixturevalue(f"{registry_backend}_url"))
    kgu = kgu_id(gateway, "KZ-61")
    created = gateway.post(f"{API}/org-units",
                           house_of_friendship(kgu, "HF-61-1", name_kk=KAZAKH, name_ru=RUSSIAN),
                           headers={"X-Correlation-ID": "it-create-1"})
    unit = ok(created, 201)
    assert KAZAKH.encode("utf-8") in created.content  # sent as UTF-8, not \\u escapes
    assert (unit["name_kk"], unit["name_ru"]) == (KAZAKH, RUSSIAN)
    assert ok(gateway.get(f"{API}/org-units/{unit['id']}", who="turkistan")) == unit
    listed = ok(gateway.get(f"{API}/org-units", params={"kind": "house_of_friendship"}))
    assert [u["name_kk"] for u in listed] == [KAZAKH]

    renamed = ok(gateway.patch(f"{API}/org-units/{unit['id']}",
                               {"version": unit["version"], "name_ru": "Дом дружбы"},
                               who="turkistan", headers={"X-Correlation-ID": "it-patch-1"}))
    entries = ok(gateway.get(f"{API}/audit", params={"entity": "org_unit",
                                                     "entity_id": str(unit["id"])}))["items"]
    assert [(e["action"], e["correlation_id"]) for e in entries] == [
        ("update", "it-patch-1"), ("create", "it-create-1")]
    update, create = entries
    assert update["before"]["name_ru"] == RUSSIAN and update["after"] == renamed
    assert (update["actor_id"], update["actor_role"]) == (
        f"token:{gateway.token_ids['turkistan']}", "kgu_coordinator")
    assert create["after"]["name_kk"] == KAZAKH and create["before"] is None
    assert create["actor_id"] == f"token:{gateway.token_ids['admin']}"
    assert update["region_code"] == "KZ-61"
