"""Issue 12.7: through the gateway, every documented query parameter of the registry,
projects and reports read routes changes the answer, and a filter narrows it (each
route x parameter a subtest). A parameter added to one of these routes without a case
here fails the test. (The audit view and the notifications' lists have their own tests.)"""
from gateway.entrypoints.service import GatewayService
from gateway.http import routes_of
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data
from services.reports.entrypoints.service import ReportsService
from tests.integration.gateway.helpers import API, kgu_id, ok
from tests.support import on_database
from tests.support_reports import mediation_template

FILLED = {"cases_received": 4, "resolved_by_mediation": 3, "budget_spent": "2500.00"}
# what the CSV leaves alone: its language shapes the XLSX only (read in kk and ru by
# tests/integration/reports/test_gateway_routes.py); the CSV keeps codes and both labels
NOT_IN_CSV = {"lang"}
# parameters that order, page or shape the answer: it must change, not necessarily shrink
SHAPING = {"sort", "offset", "as_of", "by", "format", "lang", "accepted_only"}
COVERED = ("/org-units", "/people", "/structures", "/statistics", "/plans", "/tasks",
           "/projects/<code>/summary", "/programme/summary", "/report-templates", "/reports",
           "/reporting-rates", "/rollups", "/rollups/export")


def size(answer, name=None):
    if name == "limit":  # a shorter page of the same total
        return len(answer["items"])
    if isinstance(answer, list):
        return len(answer)
    if isinstance(answer, dict) and "total" in answer:
        return answer["total"]
    return None


def setup(gw):
    """Data in two regions, two years, several kinds: returns ids the cases name."""
    kgu61, kgu75 = kgu_id(gw, "KZ-61"), kgu_id(gw, "KZ-75")
    house = ok(gw.post(f"{API}/org-units", {
        "code": "HF-KZ61-1", "name_kk": "Достық үйі", "name_ru": "Дом дружбы",
        "kind": "house_of_friendship", "level": "city", "region_code": "KZ-61",
        "parent_id": kgu61}), 201)
    s61 = ok(gw.post(f"{API}/structures", {"type": "mediation_council",
                                           "name": "Медиация кеңесі", "org_unit_id": kgu61}), 201)
    s75 = ok(gw.post(f"{API}/structures", {"type": "council_of_mothers",
                                           "name": "Совет матерей", "org_unit_id": kgu75}), 201)
    ok(gw.post(f"{API}/structures", {"type": "council_of_mothers", "name": "Аналар кеңесі",
                                     "org_unit_id": house["id"]}), 201)
    ok(gw.post(f"{API}/people", {"full_name": "Әлия Нұрланқызы", "org_unit_id": kgu61}), 201)
    ok(gw.post(f"{API}/people", {"full_name": "Мария Иванова", "structure_id": s75["id"]}),
       201)
    ok(gw.post(f"{API}/projects/mediation/rollouts",
               {"year": 2026, "regions": ["KZ-61", "KZ-75"]}), 201)
    ok(gw.post(f"{API}/projects/civic-identity/rollouts", {"year": 2027, "regions": ["KZ-61"]}),
       201)
    plan = ok(gw.get(f"{API}/plans", params={"region": "KZ-61", "project": "mediation"}))
    plan = plan["items"][0]
    ok(gw.patch(f"{API}/plans/{plan['id']}", {"version": plan["version"], "status": "approved"}))

    ok(gw.post(f"{API}/report-templates", mediation_template(active_from="2025-10-01")), 201)
    ok(gw.post(f"{API}/report-templates", mediation_template(
        code="mediation-yearly", period_type="yearly", project_code="mediation",
        active_from="2025-01-01")), 201)
    return {"kgu61": kgu61, "s61": s61["id"], "s75": s75["id"], "plan": plan["id"]}


def collect_and_report(gw, rpc):
    with rpc("reports") as reports:
        reports.run_collection("2026-09-20")
    q2 = ok(gw.get(f"{API}/reports", params={"region": "KZ-61", "period": "2026-Q2",
                                              "template": "mediation-test"}))["items"][0]
    submitted = ok(gw.post(f"{API}/reports/{q2['id']}/submit",
                           {"version": q2["version"], "values": FILLED}, who="turkistan"))
    ok(gw.post(f"{API}/reports/{q2['id']}/accept", {"version": submitted["version"]}))
    q1 = ok(gw.get(f"{API}/reports", params={"region": "KZ-75", "period": "2026-Q1",
                                              "template": "mediation-test"}))["items"][0]
    ok(gw.post(f"{API}/reports/{q1['id']}/submit", {"version": q1["version"], "values": FILLED},
               who="almaty"))


def cases(ids):
    """``{route: (base params, {param: value})}``."""
    rates = {"region": "KZ-61", "template": "mediation-test", "from": "2026-Q1",
             "to": "2026-Q1", "year": "2025", "period_type": "yearly", "include_not_due": "false"}
    rollup = {"region": "KZ-61", "template": "mediation-yearly", "project": "mediation",
              "from": "2026-Q1", "to": "2026-Q1", "year": "2025", "by": "project",
              "accepted_only": "true"}
    return {
        "/org-units": ({}, {"region": "KZ-61", "kind": "kgu", "level": "city"}),
        "/people": ({}, {"region": "KZ-61", "org_unit_id": ids["kgu61"],
                         "structure_id": ids["s75"]}),
        "/structures": ({}, {"region": "KZ-61", "type": "mediation_council", "level": "city",
                             "org_unit_id": ids["kgu61"], "q": "КЕҢЕС", "limit": "1",
                             "offset": "1"}),
        "/statistics": ({}, {"region": "KZ-61"}),
        "/plans": ({}, {"region": "KZ-61", "project": "mediation", "year": "2027",
                        "status": "approved", "limit": "1", "offset": "1"}),
        "/tasks": ({"limit": "200"}, {
            "region": "KZ-75", "project": "mediation", "year": "2027", "plan_id": ids["plan"],
            "status": "done", "overdue": "true", "constraint_conflict": "true",
            "assignee_kind": "structure",
            "assignee_id": ids["s61"], "role": "R", "q": "МЕДИАТОР", "due_after": "2027-01-01",
            "due_before": "2026-06-30", "sort": "-due_date", "limit": "5", "offset": "5"}),
        "/projects/mediation/summary": ({}, {"year": "2027", "as_of": "2026-03-02"}),
        "/programme/summary": ({}, {"year": "2027", "as_of": "2026-03-02"}),
        "/report-templates": ({}, {"code": "mediation-test", "period_type": "yearly",
                                   "project": "mediation"}),
        "/reports": ({"limit": "200"}, {
            "region": "KZ-61", "template": "mediation-test", "project": "mediation",
            "period": "2026-Q1", "year": "2025", "status": "submitted",
            "org_unit_id": ids["kgu61"], "overdue": "true", "missing": "false",
            "due_after": "2026-07-01", "due_before": "2026-01-31", "sort": "-due_date",
            "limit": "3", "offset": "3"}),
        "/reporting-rates": ({"include_not_due": "true"}, rates),
        "/rollups": ({"template": "mediation-test"}, rollup),
        "/rollups/export": ({"template": "mediation-test", "format": "csv"},
                            {**rollup, "format": "xlsx", "lang": "ru"}),
    }


def answer(gw, path, params):
    response = gw.get(f"{API}{path}", params=params)
    assert response.status_code == 200, (path, params, response.text)
    if response.headers["Content-Type"].startswith("application/json"):
        return response.json()
    return response.content


def test_every_documented_filter_changes_and_narrows_the_answer(
        start_gateway, start, migrated, tmp_path, rpc, subtests):
    gw = start_gateway(MAX_REQUEST_BYTES=262_144)
    projects_db = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}")
    on_database(projects_db, ProjectsRepository, load_reference_data)
    start(ProjectsService, projects_db)
    start(ReportsService, migrated("reports", f"sqlite:///{tmp_path / 'reports.db'}"),
          REPORTS_JOB_EAGER=False)
    ids = setup(gw)
    collect_and_report(gw, rpc)
    table = cases(ids)

    documented = {r.path.removeprefix(API): {f.data_key or n for n, f in r.query().fields.items()}
                  for r in routes_of(GatewayService) if r.method == "GET" and r.query}
    for path in COVERED:
        concrete = path.replace("<code>", "mediation")
        assert set(table[concrete][1]) == documented[path], f"give {path} a case per parameter"

    for path, (base, narrowing) in table.items():
        everything = answer(gw, path, base)
        for name, value in narrowing.items():
            if path == "/rollups/export" and name in NOT_IN_CSV:
                continue
            with subtests.test(route=path, param=name):
                narrowed = answer(gw, path, {**base, name: str(value)})
                assert narrowed != everything, f"{path}?{name}={value} changed nothing"
                if name not in SHAPING and size(everything) is not None:
                    assert size(narrowed, name) < size(everything, name), \
                        f"{path}?{name} did not narrow"
