"""The reports routes mixed into the gateway: exactly the published API, with its roles."""
import inspect

import pytest

from gateway.entrypoints.reports_routes import ReportsRoutes
from gateway.entrypoints.service import GatewayService, openapi_document
from gateway.http import routes_of
from gateway.http.auth import Principal
from kelisim.errors import Forbidden

API = "/api/v1"
EXPECTED = {
    ("GET", f"{API}/report-templates"), ("POST", f"{API}/report-templates"),
    ("GET", f"{API}/report-templates/<int:template_id>"),
    ("GET", f"{API}/reports"), ("GET", f"{API}/reports/<int:report_id>"),
    ("PUT", f"{API}/reports/<int:report_id>"),
    ("POST", f"{API}/reports/<int:report_id>/submit"),
    ("POST", f"{API}/reports/<int:report_id>/accept"),
    ("POST", f"{API}/reports/<int:report_id>/return"),
    ("POST", f"{API}/reports/<int:report_id>/reopen"),
    ("GET", f"{API}/reports/<int:report_id>/history"),
    ("GET", f"{API}/reporting-rates"), ("GET", f"{API}/rollups"),
    ("GET", f"{API}/rollups/export"),
}
ROUTES = [r for r in routes_of(GatewayService)
          if inspect.unwrap(getattr(GatewayService, r.name)).__module__ == ReportsRoutes.__module__]
COORDINATOR = {"id": "token:4", "role": "kgu_coordinator", "region": "KZ-61"}
ADMIN = {"id": "token:1", "role": "rgu_admin", "region": None}


def test_the_reports_routes_are_exactly_the_published_ones():
    assert {(r.method, r.path) for r in ROUTES} == EXPECTED and len(ROUTES) == len(EXPECTED)
    assert all(r.auth and r.tag == "reports" for r in ROUTES)
    assert {r.path for r in ROUTES if r.status == 201} == {f"{API}/report-templates"}
    for r in ROUTES:
        assert (r.body is not None) == r.writes


def test_only_the_rgu_defines_templates_and_decides_on_reports():
    restricted = {r.path.rsplit("/", 1)[-1] for r in ROUTES if r.roles}
    assert restricted == {"report-templates", "accept", "return", "reopen"}
    for r in ROUTES:
        if r.roles:
            assert r.roles == ("rgu_admin",)
            with pytest.raises(Forbidden):
                Principal(COORDINATOR).require(r)
            assert Principal(ADMIN).require(r) == ADMIN


def test_the_openapi_document_describes_the_reports_routes():
    paths = openapi_document(GatewayService)["paths"]
    assert set(paths[f"{API}/reports/{{report_id}}"]) == {"get", "put"}
    export = paths[f"{API}/rollups/export"]["get"]
    assert "text/csv" in export["responses"]["200"]["content"]
    assert "422" in export["responses"]
