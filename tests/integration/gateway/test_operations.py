"""/health, /metrics, /openapi.json and the correlation id, served without a token."""
import re
import uuid

from openapi_spec_validator import validate
from prometheus_client.parser import text_string_to_metric_families

from gateway.entrypoints.service import GatewayService
from gateway.http import routes_of
from tests.integration.gateway.helpers import API, kgu_id, ok, problem

ABSENT = ["notifications", "projects", "reports"]


def test_health_reports_each_check_and_names_the_absent_services(gateway):
    body = problem(gateway.get("/health", who=None), 503)
    assert body["failing"] == ABSENT
    checks = body["checks"]
    assert set(checks) == {"broker", "database", "registry", *ABSENT}
    assert checks["broker"]["ok"] and checks["database"]["ok"] and checks["registry"]["ok"]
    for name in ABSENT:
        assert checks[name] == {"ok": False, "error": "not running"}


def test_health_and_ready_say_what_fails_in_the_reader_language(gateway):
    """Their 503 was English ("failing: ...") under a Kazakh title whatever the reader
    asked for; the names of the checks are the operators' and read the same in all."""
    for path in ("/health", "/ready"):
        kk = problem(gateway.get(path, who=None, headers={"Accept-Language": "kk"}), 503)
        ru = problem(gateway.get(path, who=None, headers={"Accept-Language": "ru"}), 503)
        en = problem(gateway.get(path, who=None), 503)
        assert (kk["title"], kk["detail"]) == (
            "Қызмет қолжетімсіз", "жұмыс істемейтіндер: notifications, projects, reports")
        assert (ru["title"], ru["detail"]) == (
            "Сервис недоступен", "не работают: notifications, projects, reports")
        assert (en["title"], en["detail"]) == (
            "Service unavailable", "failing: notifications, projects, reports")
        assert kk["failing"] == ru["failing"] == en["failing"] == ABSENT


def test_live_and_ready_answer_like_the_services_probes(gateway):
    live = gateway.get("/live", who=None)
    assert (live.status_code, live.text) == (200, "live\n")
    body = problem(gateway.get("/ready", who=None), 503)
    assert body["failing"] == ABSENT


def test_ready_once_every_service_it_calls_answers(start_gateway, start, migrated, tmp_path):
    from kelisim_platform.cli.components import service_class

    gateway = start_gateway()
    for name in ABSENT:
        start(service_class(name), migrated(name, f"sqlite:///{tmp_path / (name + '.db')}"),
              REPORTS_JOB_EAGER=False)
    ready = gateway.get("/ready", who=None)
    assert (ready.status_code, ready.text) == (200, "ready\n")


def samples(gateway):
    text = gateway.get("/metrics", who=None)
    assert text.headers["Content-Type"].startswith("text/plain")
    return [s for family in text_string_to_metric_families(text.text) for s in family.samples
            if s.name == "kelisim_http_requests_total"]


def count(found, method, route, status_class):
    return sum(s.value for s in found if s.labels == {
        "method": method, "route": route, "status_class": status_class})


def test_metrics_count_requests_by_route_template_never_by_raw_path(gateway):
    kgu = kgu_id(gateway, "KZ-61")
    template = f"{API}/org-units/<int:unit_id>"
    before = samples(gateway)
    ok(gateway.get(f"{API}/org-units/{kgu}"))
    problem(gateway.get(f"{API}/org-units/99999"), 404)
    problem(gateway.get(f"{API}/org-units/{kgu}", who=None), 401)
    problem(gateway.get(f"/random/{uuid.uuid4()}"), 404)
    after = samples(gateway)
    assert count(after, "GET", template, "2xx") == count(before, "GET", template, "2xx") + 1
    assert count(after, "GET", template, "4xx") == count(before, "GET", template, "4xx") + 2
    assert count(after, "GET", "<unmatched>", "4xx") == count(before, "GET", "<unmatched>", "4xx") + 1
    routes = {s.labels["route"] for s in after}
    assert not {f"{API}/org-units/{kgu}", f"{API}/org-units/99999"} & routes
    assert not [route for route in routes if route.startswith("/random")]


def test_the_openapi_document_is_served_and_lists_every_route(gateway):
    document = ok(gateway.get("/openapi.json", who=None))
    validate(document)
    served = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert served == {(r.method, r.openapi_path) for r in routes_of(GatewayService)}


def test_the_correlation_id_is_kept_or_made_and_always_echoed(gateway):
    given = gateway.get(f"{API}/regions", headers={"X-Correlation-ID": "client-req-7"})
    assert given.headers["X-Correlation-ID"] == "client-req-7"
    made = gateway.get(f"{API}/regions").headers["X-Correlation-ID"]
    assert uuid.UUID(made)
    unsafe = gateway.get("/nowhere", headers={"X-Correlation-ID": "x" * 200})
    assert re.fullmatch(r"[0-9a-f-]{36}", unsafe.headers["X-Correlation-ID"])
    assert problem(unsafe, 404)["correlation_id"] == unsafe.headers["X-Correlation-ID"]
