"""Who may call what: tokens checked on every request, roles and regions enforced."""
from tests.integration.gateway.helpers import API, house_of_friendship, kgu_id, ok, problem


def test_requests_without_a_valid_token_are_unauthorized(gateway):
    for headers in ({}, {"Authorization": "Basic YWRtaW46YWRtaW4="}, {"Authorization": "Bearer"}):
        body = problem(gateway.get(f"{API}/regions", who=None, headers=headers), 401)
        assert body["type"] == "urn:kelisim:problem:unauthorized"
    missing = gateway.get(f"{API}/regions", who=None)
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = gateway.get(f"{API}/regions", who="made-up-token")
    problem(unknown, 401)
    assert 'error="invalid_token"' in unknown.headers["WWW-Authenticate"]
    assert len(ok(gateway.get(f"{API}/regions"))) == 20


def test_a_revoked_token_stops_working_at_once(gateway):
    ok(gateway.get(f"{API}/org-units", who="turkistan"))
    gateway.revoke("turkistan")
    problem(gateway.get(f"{API}/org-units", who="turkistan"), 401)
    ok(gateway.get(f"{API}/org-units", who="almaty"))


def test_observers_read_everything_and_write_nothing(gateway):
    kgu = kgu_id(gateway, "KZ-61")
    before = ok(gateway.get(f"{API}/org-units", who="observer"))
    assert {u["region_code"] for u in before} > {"KZ-61", "KZ-75"}
    refused = gateway.post(f"{API}/org-units", house_of_friendship(kgu, "OBS-1"), who="observer")
    assert problem(refused, 403)["type"] == "urn:kelisim:problem:forbidden"
    unit = ok(gateway.get(f"{API}/org-units/{kgu}"))
    problem(gateway.patch(f"{API}/org-units/{kgu}", {"version": unit["version"], "name_en": "x"},
                          who="observer"), 403)
    problem(gateway.post(f"{API}/people", {"full_name": "Observer", "org_unit_id": kgu},
                         who="observer"), 403)
    assert ok(gateway.get(f"{API}/org-units", who="observer")) == before
    assert ok(gateway.get(f"{API}/org-units/{kgu}")) == unit
    ok(gateway.get(f"{API}/audit", who="observer"))


def test_a_coordinator_stays_in_its_region(gateway):
    own, other = kgu_id(gateway, "KZ-61"), kgu_id(gateway, "KZ-11")
    units = ok(gateway.get(f"{API}/org-units", who="turkistan"))
    assert {u["region_code"] for u in units} == {"KZ-61"}
    ok(gateway.get(f"{API}/org-units/{own}", who="turkistan"))
    problem(gateway.get(f"{API}/org-units/{other}", who="turkistan"), 404)
    problem(gateway.get(f"{API}/regions/KZ-11/kgu", who="turkistan"), 404)
    problem(gateway.get(f"{API}/structures", params={"region": "KZ-11"}, who="turkistan"), 403)
    problem(gateway.get(f"{API}/statistics", params={"region": "KZ-11"}, who="turkistan"), 403)
    structure = {"type": "mediation_council", "name": "Медиация кеңесі", "org_unit_id": other}
    problem(gateway.post(f"{API}/structures", structure, who="turkistan"), 403)
    problem(gateway.get(f"{API}/audit", who="turkistan"), 403)
    made = ok(gateway.post(f"{API}/structures", dict(structure, org_unit_id=own),
                           who="turkistan"), 201)
    assert made["region_code"] == "KZ-61"

