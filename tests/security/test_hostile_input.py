"""Hostile input on every route that takes a body, sent by the RGU administrator (who may
do the most): too large, malformed, not JSON, wrong types, huge strings, injection. Each
gets a 4xx problem and no database changes at all."""
import json

import pytest

from gateway.entrypoints.service import GatewayService
from gateway.http import routes_of
from tests.security.deployment import API
from tests.security.targets import TARGETS, Targets
from tests.support_reports import mediation_template

pytestmark = [pytest.mark.broker, pytest.mark.security]
LIMIT = 65536  # KELISIM_MAX_REQUEST_BYTES of the deployment
BODY_ROUTES = [spec for spec in routes_of(GatewayService) if spec.body is not None]
INJECTIONS = ["' OR '1'='1", "1; DROP TABLE org_units; --", "../../etc/passwd",
              "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}", "\u0000"]
JSON = {"Content-Type": "application/json"}
WRONG = {"Integer": "many", "Decimal": {"amount": 1}, "String": 12345, "Email": ["a@b"],
         "Url": 42, "List": "not a list", "Dict": [1, 2], "Date": "31/12/2026",
         "Raw": {"nested": True}, "Boolean": "maybe"}


def refused(deployment, changes, method, path, status=None, who="admin", **kwargs):
    """Send it; assert a 4xx problem (``status`` if given) and no committed change."""
    before = changes.versions()
    response = deployment.request(method, path, who, **kwargs)
    where = f"{method} {path}: {response.status_code} {response.text[:300]}"
    assert 400 <= response.status_code < 500, where
    assert status is None or response.status_code == status, where
    assert response.headers["Content-Type"].startswith("application/problem+json"), where
    assert changes.versions() == before, f"{where} changed a database"
    return response


def target(deployment, changes, spec):
    path, _, body = TARGETS[spec.name][1](Targets(deployment))
    changes.quiet()
    return path, body


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=lambda spec: spec.name)
def test_bodies_that_are_not_what_the_route_takes(deployment, changes, spec):
    path, body = target(deployment, changes, spec)
    refused(deployment, changes, spec.method, path, 400, data=b'{"version": 1,',
            headers=JSON)
    refused(deployment, changes, spec.method, path, 400, data=b"\xff\xfe{}",
            headers=JSON)
    refused(deployment, changes, spec.method, path, 400, data=b'{"a": NaN}', headers=JSON)
    refused(deployment, changes, spec.method, path, 415, data=json.dumps(body),
            headers={"Content-Type": "text/plain"})
    refused(deployment, changes, spec.method, path, 413,
            json=dict(body, padding="x" * (LIMIT + 1)))
    for not_an_object in ([], "text", 7, None, [body]):
        refused(deployment, changes, spec.method, path, 422, headers=JSON,
                data=json.dumps(not_an_object).encode())
    refused(deployment, changes, spec.method, path, 422, json=dict(body, unknown_field=1))


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=lambda spec: spec.name)
def test_wrong_types_and_huge_strings_field_by_field(deployment, changes, spec):
    path, body = target(deployment, changes, spec)
    for name, field in spec.body().fields.items():
        kind = type(field).__name__
        wrong = WRONG.get(kind, [[]])
        refused(deployment, changes, spec.method, path, 422, json=dict(body, **{name: wrong}))
        if kind in ("String", "Email", "Url"):
            # two bytes each in UTF-8, with the rest of the body still under the body limit
            # (a template's items take ~10 kB of it)
            room = LIMIT - len(json.dumps(body, ensure_ascii=False).encode()) - 1000
            huge = "ы" * min(LIMIT // 2 - 2000, room // 2)
            refused(deployment, changes, spec.method, path, 422, headers=JSON,
                    data=json.dumps(dict(body, **{name: huge}), ensure_ascii=False).encode())


def test_injection_in_paths_and_queries_is_refused(deployment, changes):
    changes.quiet()  # the deployment's own start-up work done
    for path in (f"{API}/org-units/1%20OR%201=1", f"{API}/org-units/-1",
                 f"{API}/projects/mediation'%20OR%20'1'='1", f"{API}/regions/..%2F..%2Fetc/kgu",
                 f"{API}/reports/99999999999999999999999", f"{API}/tasks/0x10"):
        refused(deployment, changes, "GET", path)
    for route, param in ((f"{API}/structures", "region"), (f"{API}/org-units", "kind"),
                         (f"{API}/tasks", "limit"), (f"{API}/reports", "period"),
                         (f"{API}/audit", "region"), (f"{API}/inbox", "since")):
        for payload in INJECTIONS:
            refused(deployment, changes, "GET", route, params={param: payload})


def test_injection_in_free_text_is_kept_as_text(deployment, changes):
    """Free text may hold anything: stored and returned verbatim, nothing else touched."""
    kgu = Targets(deployment).kgu()
    for payload in INJECTIONS[:5]:
        made = deployment.ok("POST", f"{API}/structures", status=201, json={
            "type": "mediation_council", "name": payload, "org_unit_id": kgu})
        assert deployment.ok("GET", f"{API}/structures/{made['id']}")["name"] == payload
    assert len(deployment.ok("GET", f"{API}/regions")) == 20
    changes.quiet()  # the structures' events consumed by the other services
    refused(deployment, changes, "POST", f"{API}/structures", 422, json={
        "type": "mediation_council", "name": "a\u0000b", "org_unit_id": kgu})


def test_an_overlong_url_is_a_problem_not_plain_text(deployment, changes):
    changes.quiet()
    for path in (f"{API}/tasks?region=" + "K" * 9000, f"{API}/org-units/" + "1" * 9000):
        response = refused(deployment, changes, "GET", path, 414)
        assert response.json()["status"] == 414
    # a write with an overlong URL changes nothing either
    refused(deployment, changes, "POST", f"{API}/people?x=" + "y" * 9000, 414,
            json={"full_name": "Ұзын", "org_unit_id": 1})


def test_each_shape_that_answered_500_is_a_problem_that_changes_nothing(deployment, changes):
    """Issue 11.3's cases through the whole platform, each a 4xx problem, nothing changed."""
    t = Targets(deployment)
    kgu, report, plan = t.kgu(), t.report("editable"), t.plan()
    changes.quiet()
    deep = "[" * 3000 + "1" + "]" * 3000  # one field of 6 kB
    refused(deployment, changes, "POST", f"{API}/structures", 400, headers=JSON,
            data=f'{{"type": "mediation_council", "org_unit_id": {kgu}, "name": {deep}}}')
    refused(deployment, changes, "POST", f"{API}/structures", 422, json={
        "type": "mediation_council", "name": "\ud800x", "org_unit_id": kgu})
    refused(deployment, changes, "GET", f"{API}/projects/ab%00c", 404)
    refused(deployment, changes, "GET", f"{API}/inbox", 422, who="coordinator",
            params={"since": "9999-12-31T23:59:59-05:00"})
    path = f"{API}/reports/{report['id']}"
    for values in ({"budget_spent": "1e30"}, {"budget_spent": "1E+999999999"},
                   {"budget_spent": "1.005"}, {"cases_received": 10**30}):
        answer = refused(deployment, changes, "PUT", path, 422, who="coordinator",
                         json={"version": report["version"], "values": values})
        assert set(answer.json()["errors"]) == set(values)
    for amount in ("1.005", "1.025", "0.005", "10000000000000"):
        answer = refused(deployment, changes, "POST", f"{API}/plans/{plan['id']}/budget-lines",
                         422, json={"category": "training", "planned": amount})
        assert set(answer.json()["errors"]) == {"planned"}
    answer = refused(deployment, changes, "POST", f"{API}/report-templates", 422,
                     json=mediation_template(code="typo", active_from="0001-01-01"))
    assert set(answer.json()["errors"]) == {"active_from"}
