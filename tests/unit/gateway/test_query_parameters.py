"""Issue 12.7: on every route an unknown query parameter is a 422 naming it, and every
documented one reaches the service in the form its contract reads (the gateway used to
validate ``from``/``to`` and then pass them on under names the service dropped)."""
import base64
import inspect
import json

import pytest
from marshmallow import fields, validate
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.entrypoints.service import GatewayService
from gateway.http import routes_of
from gateway.http.request import ApiRequest, read_body
from kelisim.errors import Invalid
from kelisim.schemas import SortField, load

ROUTES = routes_of(GatewayService)
# values a parameter cannot be guessed from its type alone; every other is derived below
NAMED = {"region": "KZ-61", "project": "mediation", "template": "mediation-quarterly",
         "code": "mediation-quarterly", "period": "2027-Q1", "from": "2027-Q1",
         "to": "2027-Q2", "year": "2027", "q": "Совет", "since": "2026-03-02T10:00:00+05:00",
         "entity": "task", "entity_id": "7", "actor": "admin-1", "type": "task_assigned",
         "event_id": "3d1e2f4a-0000-4000-8000-000000000001", "as_of": "2026-03-02",
         "kind": "meeting", "structure_type": "council_of_mothers", "initiative": "el-birligi",
         "by": "region,kind", "target": "radio-materials", "probability": "4", "impact": "4"}
PATH_VALUES = {"code": "mediation", "region_code": "KZ-61", "event_type": "task_assigned"}


def sample(name, field):
    choices = [v for v in field.validators if isinstance(v, validate.OneOf)]
    if choices:
        return str(list(choices[0].choices)[-1])
    if name in NAMED:
        return NAMED[name]
    if isinstance(field, SortField):
        return "-" + field.allowed[-1]
    if isinstance(field, fields.Bool):
        return "true"
    if isinstance(field, fields.Int):
        return "7"
    if isinstance(field, fields.Date):
        return "2026-03-02"
    raise AssertionError(f"add a sample value for the query parameter {name!r}")


def documented(route):
    schema = route.query()
    return [(field.data_key or name, name, field) for name, field in schema.fields.items()]


# answered from the gateway's own database (accounts, tokens, single sign-on, attachments):
# checked against the real gateway in tests/integration/accounts and
# tests/integration/gateway/test_attachments.py
OWN_DATABASE = ("gateway.entrypoints.accounts_routes", "gateway.entrypoints.sso_routes",
                "gateway.entrypoints.attachments_routes")
CASES = [pytest.param(route, wire, name, field, id=f"{route.name}:{wire}")
         for route in ROUTES if route.query is not None
         and inspect.unwrap(getattr(GatewayService, route.name)).__module__ not in OWN_DATABASE
         for wire, name, field in documented(route)]


def http_request(route, query):
    path = route.openapi_path.format(**{name: PATH_VALUES.get(name, "7")
                                        for name, _ in route.path_params})
    request = Request(EnvironBuilder(method=route.method, path=path, query_string=query,
                                     data=b"{}", content_type="application/json").get_environ())
    read_body(request, 4096)
    return request


class Recorder:
    """Stands in for a service's RPC proxy: remembers every call."""

    def __init__(self, calls):
        self.calls = calls

    def __getattr__(self, method):
        def call(*args, **kwargs):
            self.calls.append((method, args, kwargs))
            if method == "audit_entries":
                return {"items": [], "total": 0}
            if method == "export_rollup":
                return {"content": base64.b64encode(b"").decode(), "filename": "x.csv",
                        "content_type": "text/csv"}
            return {}
        return call


class FakeGateway:
    def __init__(self):
        self.calls = []
        for service in ("registry", "projects", "reports", "notifications"):
            setattr(self, service, Recorder(self.calls))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_every_route_refuses_an_unknown_query_parameter_by_name(route):
    with pytest.raises(Invalid) as refused:
        ApiRequest.parse(http_request(route, {"due_befor": "2027-01-01"}), route,
                         {"role": "rgu_admin"})
    assert refused.value.errors["due_befor"] == "unknown query parameter"


@pytest.mark.parametrize("route,wire,name,field", CASES)
def test_every_documented_query_parameter_reaches_the_service(route, wire, name, field):
    value = sample(wire, field)
    req = ApiRequest.parse(http_request(route, {wire: value}), route, {"role": "rgu_admin"})
    assert name in req.query, f"{wire}={value} did not validate"
    if route.body is not None:
        req.body = {}
    gateway = FakeGateway()
    handler = inspect.unwrap(getattr(GatewayService, route.name))
    answer = handler(gateway, req, **{n: PATH_VALUES.get(n, 7) if c != "int" else 7
                                      for n, c in route.path_params})
    if not gateway.calls:  # answered by the gateway itself (the calendar): it must show
        assert str(req.query[name]) in json.dumps(answer, default=str), route.name
    for _, args, kwargs in gateway.calls:  # one call, or one per service (the audit view)
        passed = [*args, *kwargs.values()]
        queries = [a for a in passed if isinstance(a, dict)]
        if queries:  # the service loads the query with the same contract: it must find it
            assert any(wire in q and name in load(route.query(), q) for q in queries), \
                f"{wire} did not reach {route.name}'s service: {queries}"
        else:
            assert req.query[name] in passed, f"{wire} did not reach {route.name}: {passed}"
