import inspect

import pytest

from gateway.entrypoints.service import GatewayService
from gateway.errors import Unauthorized
from gateway.http import routes_of
from gateway.http.auth import Principal, bearer_token
from kelisim.errors import Forbidden

API = "/api/v1"
EXPECTED = {
    ("GET", "/health"), ("GET", "/live"), ("GET", "/ready"), ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("GET", f"{API}/regions"), ("GET", f"{API}/structure-types"),
    ("GET", f"{API}/org-units"), ("POST", f"{API}/org-units"),
    ("GET", f"{API}/org-units/<int:unit_id>"), ("PATCH", f"{API}/org-units/<int:unit_id>"),
    ("GET", f"{API}/structures"), ("POST", f"{API}/structures"),
    ("GET", f"{API}/structures/<int:structure_id>"),
    ("PATCH", f"{API}/structures/<int:structure_id>"),
    ("GET", f"{API}/people"), ("POST", f"{API}/people"),
    ("GET", f"{API}/people/<int:person_id>"), ("PATCH", f"{API}/people/<int:person_id>"),
    ("GET", f"{API}/statistics"), ("GET", f"{API}/regions/<region_code>/kgu"),
    ("GET", f"{API}/audit"),
    ("GET", f"{API}/organisations"), ("POST", f"{API}/organisations"),
    ("GET", f"{API}/organisations/<int:organisation_id>"),
    ("PATCH", f"{API}/organisations/<int:organisation_id>"),
}
ROUTES = routes_of(GatewayService)
# The gateway's own and the registry's routes; each other service's routes mixin is
# checked by that service's tests (e.g. tests/unit/notifications/test_routes.py).
CORE_MODULES = ("gateway.entrypoints.service", "gateway.entrypoints.registry_routes")


def module_of(route):
    return inspect.unwrap(getattr(GatewayService, route.name)).__module__


CORE_ROUTES = [r for r in ROUTES if module_of(r) in CORE_MODULES]


def by_path(method, path):
    return next(r for r in ROUTES if (r.method, r.path) == (method, path))


def test_the_route_table_is_exactly_the_published_api():
    assert {(r.method, r.path) for r in CORE_ROUTES} == EXPECTED
    assert len(CORE_ROUTES) == len(EXPECTED)
    assert len({(r.method, r.path) for r in ROUTES}) == len(ROUTES)


def test_only_operations_routes_are_public():
    public = {(r.method, r.path) for r in ROUTES if not r.auth}
    assert public == {("GET", "/health"), ("GET", "/live"), ("GET", "/ready"),
                      ("GET", "/metrics"), ("GET", "/openapi.json"),
                      ("POST", f"{API}/session"), ("POST", f"{API}/password-reset"),
                      ("POST", f"{API}/password"), ("GET", f"{API}/sso/login"),
                      ("GET", f"{API}/sso/callback")}


def test_writes_are_exactly_the_changing_methods_and_only_writes_take_a_body():
    for r in ROUTES:
        assert r.writes == (r.method in ("POST", "PUT", "PATCH", "DELETE"))
        assert r.body is None or r.writes
        if r.method in ("PUT", "PATCH") or r.status == 201:
            assert r.body is not None or r.stream  # an upload's body is the file itself
    for r in CORE_ROUTES:
        assert (r.body is not None) == r.writes


def test_creation_answers_201():
    assert {r.path for r in CORE_ROUTES if r.status == 201} == {
        f"{API}/org-units", f"{API}/structures", f"{API}/people", f"{API}/organisations"}


def test_the_audit_log_is_for_admins_and_observers_only():
    assert by_path("GET", f"{API}/audit").roles == ("rgu_admin", "observer")
    assert {r.path for r in CORE_ROUTES if r.roles} == {
        f"{API}/audit", f"{API}/organisations", f"{API}/organisations/<int:organisation_id>"}


def test_only_the_rgu_writes_organisations_outside_the_assembly():
    for method, path in (("POST", f"{API}/organisations"),
                         ("PATCH", f"{API}/organisations/<int:organisation_id>")):
        assert by_path(method, path).roles == ("rgu_admin",)
    assert by_path("GET", f"{API}/organisations").roles is None


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_each_method_takes_the_request_and_its_path_parameters(route):
    fn = inspect.unwrap(getattr(GatewayService, route.name))
    params = list(inspect.signature(fn).parameters)
    assert params == ["self", "req", *[name for name, _ in route.path_params]]


def test_path_templates_become_openapi_paths():
    route = by_path("PATCH", f"{API}/org-units/<int:unit_id>")
    assert route.openapi_path == f"{API}/org-units/{{unit_id}}"
    assert route.path_params == [("unit_id", "int")]
    assert by_path("GET", f"{API}/regions/<region_code>/kgu").path_params == [
        ("region_code", "string")]


OBSERVER = {"id": "token:3", "role": "observer", "region": None}
COORDINATOR = {"id": "token:4", "role": "kgu_coordinator", "region": "KZ-61"}
ADMIN = {"id": "token:1", "role": "rgu_admin", "region": None}


def test_observers_are_refused_on_every_write():
    for route in ROUTES:
        if route.writes and route.auth and not route.personal:
            with pytest.raises(Forbidden):
                Principal(OBSERVER).require(route)
        elif route.auth and (not route.roles or "observer" in route.roles):
            assert Principal(OBSERVER).require(route) == OBSERVER


def test_observers_may_sign_out_and_manage_their_own_tokens():
    personal = {(r.method, r.path) for r in ROUTES if r.personal}
    assert personal == {("DELETE", f"{API}/session"), ("POST", f"{API}/tokens"),
                        ("DELETE", f"{API}/tokens/<int:token_id>")}
    for route in ROUTES:
        if route.personal:
            assert Principal(OBSERVER).require(route) == OBSERVER


def test_roles_limit_a_route():
    audit = by_path("GET", f"{API}/audit")
    with pytest.raises(Forbidden):
        Principal(COORDINATOR).require(audit)
    assert Principal(ADMIN).require(audit) == ADMIN
    assert Principal(COORDINATOR).require(by_path("POST", f"{API}/structures")) == COORDINATOR


def test_an_authentication_failure_is_raised_on_protected_routes_only():
    failure = Principal(failure=Unauthorized("no token"))
    with pytest.raises(Unauthorized):
        failure.require(by_path("GET", f"{API}/regions"))
    assert failure.require(by_path("GET", "/health")) is None


@pytest.mark.parametrize("header, token", [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None),
    ("", None), (None, None), ("abc", None),
])
def test_bearer_tokens_are_read_from_the_authorization_header(header, token):
    assert bearer_token(header) == token
