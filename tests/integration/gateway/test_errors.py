"""Every client error is an RFC 7807 problem with the right status and no HTML."""
from tests.integration.gateway.helpers import API, MAX_REQUEST_BYTES, house_of_friendship, kgu_id, ok, problem

JSON = {"Content-Type": "application/json"}


def test_bodies_that_are_not_json_objects_within_the_limit_are_refused(gateway):
    malformed = gateway.post(f"{API}/org-units", data=b'{"code": "X",', headers=JSON)
    assert "not valid UTF-8 JSON" in problem(malformed, 400)["detail"]
    form = gateway.post(f"{API}/org-units", data="code=X&kind=kgu",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert problem(form, 415)["type"] == "urn:kelisim:problem:unsupported-media-type"
    # no Content-Type at all (eventlet reads it as text/plain): the answer says so
    bare = problem(gateway.post(f"{API}/org-units", data=b""), 415)["detail"]
    assert "no or unsupported content type" in bare and "application/json" in bare
    big = {"code": "BIG", "name_kk": "ы" * MAX_REQUEST_BYTES}
    problem(gateway.post(f"{API}/org-units", big), 413)

    def chunks():  # no Content-Length: only the actual read can notice
        for _ in range(MAX_REQUEST_BYTES // 512 + 2):
            yield b" " * 512
    chunked = gateway.post(f"{API}/org-units", data=chunks(), headers=JSON)
    problem(chunked, 413)


def test_invalid_fields_are_named_at_the_edge_and_by_the_service(gateway):
    kgu = kgu_id(gateway, "KZ-61")
    edge = gateway.post(f"{API}/org-units", {"code": "BAD 1", "kind": "castle", "name_ru": ""})
    errors = problem(edge, 422)["errors"]
    assert set(errors) == {"code", "kind", "name_kk", "name_ru", "level"}
    service = gateway.post(f"{API}/structures", {"type": "no_such_type", "name": "Кеңес",
                                                 "org_unit_id": kgu})
    assert set(problem(service, 422)["errors"]) == {"type"}
    wrong_parent = gateway.post(f"{API}/org-units",
                                house_of_friendship(kgu_id(gateway, "KZ-75"), "HF-X"))
    assert "parent_id" in problem(wrong_parent, 422)["errors"]
    query = gateway.get(f"{API}/structures", params={"limit": "lots"})
    assert set(problem(query, 422)["errors"]) == {"limit"}


def test_unknown_things_are_not_found_and_wrong_methods_not_allowed(gateway):
    for path in ("/nothing-here", "/api/v1/nothing", f"{API}/org-units/abc", f"{API}/org-units/99999"):
        response = gateway.get(path)
        assert problem(response, 404)["instance"] == path
        assert b"<html" not in response.content.lower()
    wrong = gateway.request("DELETE", f"{API}/org-units")
    problem(wrong, 405)
    assert set(wrong.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_duplicates_and_stale_versions_conflict(gateway):
    kgu = kgu_id(gateway, "KZ-61")
    ok(gateway.post(f"{API}/org-units", house_of_friendship(kgu, "HF-DUP")), 201)
    duplicate = problem(gateway.post(f"{API}/org-units", house_of_friendship(kgu, "HF-DUP")), 409)
    assert duplicate["type"] == "urn:kelisim:problem:conflict"
    assert duplicate["errors"] == {"code": "already exists"}

    unit = ok(gateway.get(f"{API}/org-units/{kgu}"))
    first = ok(gateway.patch(f"{API}/org-units/{kgu}",
                             {"version": unit["version"], "name_en": "First edit"}))
    assert first["version"] == unit["version"] + 1
    stale = gateway.patch(f"{API}/org-units/{kgu}",
                          {"version": unit["version"], "name_en": "Second edit"})
    assert problem(stale, 409)["type"] == "urn:kelisim:problem:stale-version"
    assert ok(gateway.get(f"{API}/org-units/{kgu}"))["name_en"] == "First edit"
    missing_version = gateway.patch(f"{API}/org-units/{kgu}", {"name_en": "No version"})
    assert set(problem(missing_version, 422)["errors"]) == {"version"}

