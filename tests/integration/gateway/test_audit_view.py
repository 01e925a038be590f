"""Issue 12.8: ``GET /api/v1/audit`` is one view over the writes of every service (it used
to show the registry's only), newest first, filterable by entity, region and actor, and
paged as one log."""
from datetime import datetime

from services.notifications.entrypoints.service import NotificationsService
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data
from services.reports.entrypoints.service import ReportsService
from tests.integration.gateway.helpers import API, kgu_id, ok, problem
from tests.integration.notifications.samples import FAST
from tests.support import on_database
from tests.support_reports import mediation_template


def test_one_audit_view_over_every_service(start_gateway, start, migrated, tmp_path):
    gw = start_gateway(MAX_REQUEST_BYTES=262_144)
    projects_db = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}")
    on_database(projects_db, ProjectsRepository, load_reference_data)
    start(ProjectsService, projects_db)
    start(ReportsService, migrated("reports", f"sqlite:///{tmp_path / 'reports.db'}"),
          REPORTS_JOB_EAGER=False)
    start(NotificationsService, migrated("notifications",
                                         f"sqlite:///{tmp_path / 'notifications.db'}"),
          NOTIFICATIONS=dict(FAST, smtp=None))

    ok(gw.post(f"{API}/structures", {"type": "mediation_council", "name": "Медиация кеңесі",
                                     "org_unit_id": kgu_id(gw, "KZ-61")}, who="turkistan"), 201)
    ok(gw.post(f"{API}/projects/mediation/rollouts", {"year": 2026, "regions": ["KZ-61"]}), 201)
    task = ok(gw.get(f"{API}/tasks", params={"region": "KZ-61", "limit": 1}))["items"][0]
    ok(gw.patch(f"{API}/tasks/{task['id']}", {"version": task["version"], "progress": 30},
                who="turkistan"))
    ok(gw.post(f"{API}/report-templates", mediation_template()), 201)
    ok(gw.request("PUT", f"{API}/preferences/report_due_soon", who="turkistan",
                  json={"channels": ["inbox"], "frequency": "daily"}))

    every = ok(gw.get(f"{API}/audit", params={"limit": 200}, who="observer"))
    assert {e["service"] for e in every["items"]} == {
        "registry", "projects", "reports", "notifications"}
    times = [datetime.fromisoformat(e["occurred_at"]) for e in every["items"]]
    assert times == sorted(times, reverse=True) and every["total"] == len(every["items"])
    assert every["unavailable"] == []

    turkistan = f"token:{gw.token_ids['turkistan']}"
    theirs = ok(gw.get(f"{API}/audit", params={"actor": turkistan}))
    assert {(e["service"], e["entity"]) for e in theirs["items"]} == {
        ("registry", "structure"), ("projects", "task"), ("notifications", "preference")}
    change = [e for e in theirs["items"] if e["entity"] == "task"][0]
    assert (change["before"], change["after"]) == ({"progress": 0}, {"progress": 30})
    regional = ok(gw.get(f"{API}/audit", params={"region": "KZ-61", "limit": 200}))
    assert {e["region_code"] for e in regional["items"]} == {"KZ-61"}
    assert regional["total"] < every["total"]  # the report template is national
    templates = ok(gw.get(f"{API}/audit", params={"entity": "report_template"}))
    assert [e["service"] for e in templates["items"]] == ["reports"]

    paged, offset = [], 0
    while offset < theirs["total"]:
        paged += ok(gw.get(f"{API}/audit", params={"actor": turkistan, "limit": 1,
                                                   "offset": offset}))["items"]
        offset += 1
    assert paged == theirs["items"]
    problem(gw.get(f"{API}/audit", who="turkistan"), 403)
    assert problem(gw.get(f"{API}/audit", params={"who": "x"}), 422)["errors"] == {
        "who": "unknown query parameter"}
