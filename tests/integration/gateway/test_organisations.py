"""Organisations outside the Assembly (co-executors) through the gateway, on the real broker:
the action plan's ministries, akimats and others loaded as reference data, paged and
searched like other registry lists, written by the RGU only, a coordinator seeing the
republican ones and its own region's akimat, every write published on registry.events."""
from tests.integration.gateway.helpers import API, ok, problem

NEW = {"code": "MINJUST", "kind": "ministry",
       "name_kk": "Қазақстан Республикасының Әділет министрлігі",
       "name_ru": "Министерство юстиции Республики Казахстан",
       "short_kk": "ӘМ", "email": "info@adilet.gov.kz", "website": "https://www.gov.kz"}


def _by_code(gateway, code, who="admin"):
    page = ok(gateway.get(f"{API}/organisations", who=who, params={"code": code}))
    return page["items"][0] if page["items"] else None


def test_the_action_plans_co_executors_are_reference_data_paged_and_searched(gateway):
    everything = ok(gateway.get(f"{API}/organisations", params={"limit": 200}))
    codes = {o["code"] for o in everything["items"]}
    assert {"MISD", "MFA", "MCS", "MSHE", "IAER", "ATAMEKEN", "PROSECUTOR-GENERAL"} <= codes
    akimats = ok(gateway.get(f"{API}/organisations", params={"kind": "akimat", "limit": 200}))
    assert akimats["total"] == 20 and all(a["region_code"] for a in akimats["items"])
    page = ok(gateway.get(f"{API}/organisations", params={"limit": 5, "offset": 5}))
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (
        everything["total"], 5, 5, 5)
    assert [o["code"] for o in page["items"]] == sorted(codes)[5:10]
    found = ok(gateway.get(f"{API}/organisations", params={"q": "атамекен"}))["items"]
    assert [o["code"] for o in found] == ["ATAMEKEN"]
    assert found[0]["kind"] == "chamber" and found[0]["short_kk"] == "«Атамекен» ҰКП"
    by_short = ok(gateway.get(f"{API}/organisations", params={"q": "ҚЭЗИ"}))["items"]
    assert [o["code"] for o in by_short] == ["IAER"]
    turkistan = ok(gateway.get(f"{API}/organisations", params={"region": "KZ-61"}))["items"]
    assert [(o["code"], o["name_kk"]) for o in turkistan] == [
        ("AKIMAT-KZ-61", "Түркістан облысының әкімдігі")]
    assert turkistan[0]["name_ru"] == "Акимат Туркестанской области"
    bad = problem(gateway.get(f"{API}/organisations", params={"kind": "bank"}), 422)
    assert "kind" in bad["errors"]


def test_a_coordinator_sees_the_republican_ones_and_its_own_akimat(gateway):
    mine = ok(gateway.get(f"{API}/organisations", who="turkistan", params={"limit": 200}))
    regions = {o["region_code"] for o in mine["items"]}
    assert regions == {None, "KZ-61"}
    assert "AKIMAT-KZ-61" in {o["code"] for o in mine["items"]}
    other = _by_code(gateway, "AKIMAT-KZ-75")
    problem(gateway.get(f"{API}/organisations/{other['id']}", who="turkistan"), 404)
    problem(gateway.get(f"{API}/organisations", who="turkistan",
                        params={"region": "KZ-75"}), 403)
    misd = _by_code(gateway, "MISD")
    assert ok(gateway.get(f"{API}/organisations/{misd['id']}", who="almaty")) == misd
    assert ok(gateway.get(f"{API}/organisations/{other['id']}", who="almaty")) == other


def test_only_the_rgu_writes_and_each_write_is_published(gateway, registry_events):
    for who in ("turkistan", "observer"):
        problem(gateway.post(f"{API}/organisations", NEW, who=who), 403)
    made = ok(gateway.post(f"{API}/organisations", NEW), 201)
    assert (made["code"], made["region_code"], made["version"]) == ("MINJUST", None, 1)
    body, message = registry_events.next()
    assert (body["type"], body["data"]["code"], body["regions"]) == (
        "organisation_created", "MINJUST", [])
    assert message.delivery_info["routing_key"] == "organisation_created"

    taken = problem(gateway.post(f"{API}/organisations", NEW), 409)
    assert "code" in taken["errors"]
    stray = problem(gateway.post(f"{API}/organisations", {
        **NEW, "code": "AKIMAT-X", "kind": "akimat"}), 422)
    assert "region_code" in stray["errors"]
    kazakh = gateway.post(f"{API}/organisations", {**NEW, "code": "bad code"},
                          headers={"Accept-Language": "kk"})
    assert "бас әріптер" in str(problem(kazakh, 422)["errors"]["code"])

    problem(gateway.patch(f"{API}/organisations/{made['id']}",
                          {"version": 1, "phone": "+7 7172 00 00 00"}, who="turkistan"), 403)
    changed = ok(gateway.patch(f"{API}/organisations/{made['id']}",
                               {"version": 1, "phone": "+7 7172 00 00 00",
                                "contact_person": "Баспасөз қызметі"}))
    assert (changed["phone"], changed["version"]) == ("+7 7172 00 00 00", 2)
    problem(gateway.patch(f"{API}/organisations/{made['id']}",
                          {"version": 1, "phone": "+7 7172 11 11 11"}), 409)
    body, _ = registry_events.next()
    assert body["type"] == "organisation_updated"
    assert sorted(body["data"]["changed"]) == ["contact_person", "phone"]
    akimat = _by_code(gateway, "AKIMAT-KZ-61")
    ok(gateway.patch(f"{API}/organisations/{akimat['id']}",
                     {"version": akimat["version"], "email": "akimat@turkistan.gov.kz"}))
    body, _ = registry_events.next()
    assert (body["type"], body["regions"]) == ("organisation_updated", ["KZ-61"])
    entries = ok(gateway.get(f"{API}/audit", params={"entity": "organisation",
                                                     "entity_id": str(made["id"])}))["items"]
    assert [e["action"] for e in entries] == ["update", "create"]
