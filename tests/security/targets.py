"""For every gateway route, a request aimed at Turkistan's (KZ-61) data, built afresh for
each attempt (a fresh version to send, a fresh record to delete).

``TARGETS`` maps each route's name to ``(scope, make)``: ``regional`` routes touch one
region's data, so another region's coordinator must be refused; ``national`` ones are the
same for everyone (reference data, the programme). ``make(t)`` returns
``(path, params, body)``; ``t`` is a :class:`Targets` over the running deployment.
"""
import itertools
from datetime import date

from gateway.adapters.accounts import AccountRepository
from gateway.service_layer import accounts
from tests.security.deployment import API, OWN, PASSWORD
from tests.support import on_database

_serial = itertools.count(1)


def unique(prefix):
    return f"{prefix}-{next(_serial)}"


class Targets:
    def __init__(self, deployment):
        self.d = deployment

    def get(self, path, **params):
        return self.d.ok("GET", API + path, params=params)

    def post(self, path, body, status=None):
        return self.d.ok("POST", API + path, json=body, status=status)

    # registry
    def kgu(self, region=OWN):
        return self.get(f"/regions/{region}/kgu")["org_unit"]["id"]

    def org_unit(self):
        return self.get(f"/org-units/{self.kgu()}")

    def structure(self):
        return self.post("/structures", {"type": "mediation_council", "name": unique("Кеңес"),
                                         "org_unit_id": self.kgu()})

    def person(self):
        return self.post("/people", {"full_name": unique("Қызметкер"), "org_unit_id": self.kgu()})

    def organisation(self):
        """Turkistan's akimat (an organisation outside the Assembly of region KZ-61)."""
        return self.get("/organisations", code=f"AKIMAT-{OWN}")["items"][0]

    # projects
    def plan(self):
        return self.get("/plans", region=OWN, project="mediation")["items"][0]

    def approved_plan(self):
        """Turkistan's mediation plan, approved by the RGU (so it has a baseline)."""
        plan = self.plan()
        if plan["status"] == "draft":
            plan = self.d.ok("PATCH", f"{API}/plans/{plan['id']}",
                             json={"version": plan["version"], "status": "approved"})
        return plan

    def task(self):
        return self.get("/tasks", region=OWN, project="mediation", limit=1)["items"][0]

    def new_task(self):
        return self.post(f"/plans/{self.plan()['id']}/tasks",
                         {"title": unique("Тапсырма"), "start_date": "2026-03-02",
                          "duration": 2})

    def linked_tasks(self):
        first, second = self.new_task(), self.new_task()
        self.post(f"/tasks/{second['id']}/dependencies", {"predecessor_id": first["id"]})
        return first["id"], second["id"]

    def assignment(self):
        task = self.task()
        made = self.post(f"/tasks/{task['id']}/assignments",
                         {"role": "I", "kind": "person", "id": self.person()["id"]})
        return task["id"], made["id"]

    def budget_line(self):
        return self.post(f"/plans/{self.plan()['id']}/budget-lines",
                         {"category": "training", "planned": "100000.00"})

    def risk(self):
        return self.post(f"/plans/{self.plan()['id']}/risks",
                         {"title": unique("Тәуекел"), "probability": 2, "impact": 3})

    def not_rolled_out(self):
        """A project with no 2026 plan in Turkistan yet, so a rollout really creates one."""
        for code in ("civic-identity", "cultural-diversity", "ethnocultural-genesis"):
            if not self.get("/plans", region=OWN, project=code, year=2026)["total"]:
                return code
        raise AssertionError("every project is rolled out already")

    def indicator(self):
        return self.get("/indicators")[0]

    # reports
    def report(self, want="editable"):
        """Turkistan's report of the test template, moved by the RGU into ``want``."""
        path = f"{API}/reports/" + "{}"
        for _ in range(4):
            report = self.get("/reports", region=OWN, template="security-test")["items"][0]
            status, rid, version = report["status"], report["id"], report["version"]
            if want == "editable" and status in ("draft", "returned", "reopened") or \
                    status == want:
                return report
            if status in ("draft", "returned", "reopened"):
                self.d.ok("POST", path.format(rid) + "/submit", json={
                    "version": version, "values": FILLED})
            elif status == "submitted":
                action = "accept" if want == "accepted" else "return"
                self.d.ok("POST", path.format(rid) + f"/{action}",
                          json={"version": version, "comment": "толықтырыңыз"})
            else:
                self.d.ok("POST", path.format(rid) + "/reopen",
                          json={"version": version, "reason": "қайта қарау"})
        raise AssertionError(f"report not brought to {want}")

    # attachments
    def attachment(self):
        """A new attachment of a Turkistan task, uploaded by the administrator."""
        response = self.d.request("POST", f"{API}/tasks/{self.task()['id']}/attachments",
                                  "admin", params={"filename": "хаттама.pdf"}, data=PDF)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def attachment_of(self, kind, owner_id):
        """A new attachment of record ``owner_id`` of ``kind`` (``tasks``, ``events``,
        ``reports``), uploaded by the administrator; its id."""
        response = self.d.request("POST", f"{API}/{kind}/{owner_id}/attachments", "admin",
                                  params={"filename": "хаттама.pdf"}, data=PDF)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    # notifications
    # the events register
    def event(self):
        """A new event of Turkistan's KGU (a fresh one per attempt: cancelling ends it)."""
        return self.post("/events", EVENT, status=201)

    def count_target(self):
        """A new count target (the RGU's)."""
        return self.post("/targets", {"code": unique("target"), "title_kk": "Нысана",
                                      "title_ru": "Цель", "minimum": 3, "kind": "video"},
                         status=201)

    def inbox_item(self):
        return self.get("/inbox", org_unit_id=self.kgu(), limit=1)["items"][0]["id"]

    def preference(self):
        """A preference of Turkistan's KGU, set so that it can be forgotten."""
        self.d.ok("PUT", f"{API}/preferences/report_due_soon", json={
            "channels": ["inbox"], "frequency": "hourly", "org_unit_id": self.kgu()})
        return "report_due_soon"

    # accounts and tokens
    def account(self):
        """A Turkistan coordinator's account for a new person, made by the administrator."""
        return self.post("/accounts", {"login": f"{unique('person')}@example.kz",
                                       "role": "kgu_coordinator",
                                       "person_id": self.person()["id"],
                                       "send_invitation": False}, status=201)

    def credentials(self):
        """``(login, password)`` of a new account whose password is set."""
        account = self.account()
        set_password(self.d.db("gateway"), account["id"], PASSWORD)
        return account["login"], PASSWORD

    def link(self):
        """The token of a new account's set-password link."""
        return issue_link(self.d.db("gateway"), self.account()["id"])

    def admins_token(self):
        return self.post("/tokens", {"name": unique("admin's")}, status=201)["id"]

    def room_for_a_webhook(self):
        """Turkistan's KGU below its cap of webhooks (the matrix registers one per caller):
        the oldest ones deleted by the administrator. Returns the KGU's id."""
        kgu = self.kgu()
        hooks = self.get("/webhooks", org_unit_id=kgu)
        hooks = hooks["items"] if isinstance(hooks, dict) else hooks
        for hook in sorted(hooks, key=lambda h: h["id"])[:max(0, len(hooks) - 10)]:
            self.d.ok("DELETE", f"{API}/webhooks/{hook['id']}")
        return kgu

    def webhook(self):
        self.room_for_a_webhook()
        return self.post("/webhooks", {"url": self.d.hook_url,
                                       "event_types": ["task_assigned"],
                                       "org_unit_id": self.kgu()})["id"]


def issue_link(gateway_db, account_id):
    return on_database(gateway_db, AccountRepository,
                       lambda uow: accounts.issue_link(uow, account_id))[2]


def set_password(gateway_db, account_id, password):
    on_database(gateway_db, AccountRepository, lambda uow: accounts.set_password(
        uow, issue_link(gateway_db, account_id), password))


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
FILLED = {"cases_received": 4, "resolved_by_mediation": 3, "budget_spent": "2500.00"}


def _report(want, body):
    def make(t):
        report = t.report(want)
        return (f"{API}/reports/{report['id']}" + body[0], None,
                dict(body[1], version=report["version"]))
    return make


EVENT = {"starts_at": "2026-05-01T10:00:00", "kind": "meeting", "region": OWN,
         "title_kk": "Аналар кеңесінің отырысы", "participants": 12}


def _versioned(getter, path, **changes):
    def make(t):
        record = getter(t)
        body = {k: v() if callable(v) else v for k, v in changes.items()}
        return path.format(record["id"]), None, dict(body, version=record["version"])
    return make


TARGETS = {
    # operations: no token needed, nothing regional
    "get_health": ("national", lambda t: ("/health", None, None)),
    "get_live": ("national", lambda t: ("/live", None, None)),
    "get_ready": ("national", lambda t: ("/ready", None, None)),
    "get_metrics": ("national", lambda t: ("/metrics", None, None)),
    "get_openapi": ("national", lambda t: ("/openapi.json", None, None)),
    # registry
    "list_regions": ("national", lambda t: (f"{API}/regions", None, None)),
    "list_structure_types": ("national", lambda t: (f"{API}/structure-types", None, None)),
    "kgu_of_region": ("regional", lambda t: (f"{API}/regions/{OWN}/kgu", None, None)),
    "statistics": ("regional", lambda t: (f"{API}/statistics", {"region": OWN}, None)),
    "list_org_units": ("regional", lambda t: (f"{API}/org-units", {"region": OWN}, None)),
    "create_org_unit": ("regional", lambda t: (f"{API}/org-units", None, {
        "code": unique("HF-SEC"), "name_kk": "Достық үйі", "name_ru": "Дом дружбы",
        "kind": "house_of_friendship", "level": "regional", "region_code": OWN,
        "parent_id": t.kgu()})),
    "get_org_unit": ("regional", lambda t: (f"{API}/org-units/{t.kgu()}", None, None)),
    "update_org_unit": ("regional", _versioned(lambda t: t.org_unit(), f"{API}/org-units/{{}}",
                                               name_en=lambda: unique("Turkistan KGU"))),
    "list_structures": ("regional", lambda t: (f"{API}/structures", {"region": OWN}, None)),
    "create_structure": ("regional", lambda t: (f"{API}/structures", None, {
        "type": "mediation_council", "name": unique("Кеңес"), "org_unit_id": t.kgu()})),
    "get_structure": ("regional", lambda t: (f"{API}/structures/{t.structure()['id']}", None,
                                             None)),
    "update_structure": ("regional", _versioned(lambda t: t.structure(), f"{API}/structures/{{}}",
                                                member_count=lambda: next(_serial))),
    "list_people": ("regional", lambda t: (f"{API}/people", {"region": OWN}, None)),
    "create_person": ("regional", lambda t: (f"{API}/people", None, {
        "full_name": unique("Адам"), "org_unit_id": t.kgu()})),
    "get_person": ("regional", lambda t: (f"{API}/people/{t.person()['id']}", None, None)),
    "update_person": ("regional", _versioned(lambda t: t.person(), f"{API}/people/{{}}",
                                             position=lambda: unique("Маман"))),
    "list_organisations": ("regional", lambda t: (f"{API}/organisations", {"region": OWN},
                                                  None)),
    "create_organisation": ("regional", lambda t: (f"{API}/organisations", None, {
        "code": unique("SEC-ORG"), "kind": "ngo", "name_kk": "Бірлестік",
        "name_ru": "Объединение", "region_code": OWN})),
    "get_organisation": ("regional", lambda t: (
        f"{API}/organisations/{t.organisation()['id']}", None, None)),
    "update_organisation": ("regional", _versioned(
        lambda t: t.organisation(), f"{API}/organisations/{{}}",
        contact_person=lambda: unique("Баспасөз хатшысы"))),
    "audit_log": ("regional", lambda t: (f"{API}/audit", {"region": OWN}, None)),
    # projects: national
    "list_projects": ("national", lambda t: (f"{API}/projects", None, None)),
    "get_project": ("national", lambda t: (f"{API}/projects/mediation", None, None)),
    "get_template": ("national", lambda t: (f"{API}/projects/mediation/template", None, None)),
    "put_template": ("national", lambda t: (f"{API}/projects/civic-identity/template", None, {
        key: value for key, value in t.get("/projects/civic-identity/template").items()
        if key in ("version", "items")})),
    "rollout": ("national", lambda t: (f"{API}/projects/{t.not_rolled_out()}/rollouts", None,
                                       {"year": 2026, "regions": [OWN]})),
    "project_summary": ("national", lambda t: (f"{API}/projects/mediation/summary", None,
                                               None)),
    "programme_summary": ("national", lambda t: (f"{API}/programme/summary", None, None)),
    "get_calendar": ("national", lambda t: (f"{API}/calendar", {"year": 2027}, None)),
    "list_indicators": ("national", lambda t: (f"{API}/indicators", None, None)),
    "set_indicator_actual": ("national", lambda t: (
        f"{API}/indicators/{t.indicator()['code']}/actuals/2025", None,
        {"value": "79.5", "version": t.indicator().get("version", 1)})),
    "set_indicator_target": ("national", lambda t: (
        f"{API}/indicators/{t.indicator()['code']}/targets/2030", None,
        {"value": "85", "version": t.indicator().get("version", 1), "reason": unique("себеп")})),
    "indicator_history": ("national", lambda t: (
        f"{API}/indicators/{t.indicator()['code']}/history", None, None)),
    # projects: Turkistan's plan
    "get_baseline": ("regional", lambda t: (f"{API}/plans/{t.plan()['id']}/baseline", None,
                                            None)),
    "rebaseline": ("regional", lambda t: (f"{API}/plans/{t.approved_plan()['id']}/baseline",
                                          None, {"reason": unique("себеп")})),
    "list_plans": ("regional", lambda t: (f"{API}/plans", {"region": OWN}, None)),
    "get_plan": ("regional", lambda t: (f"{API}/plans/{t.plan()['id']}", None, None)),
    "update_plan": ("regional", _versioned(lambda t: t.plan(), f"{API}/plans/{{}}",
                                           expected_results=lambda: unique("Нәтиже"))),
    "plan_history": ("regional", lambda t: (f"{API}/plans/{t.plan()['id']}/history", None,
                                            None)),
    "list_plan_tasks": ("regional", lambda t: (f"{API}/plans/{t.plan()['id']}/tasks", None,
                                               None)),
    "create_task": ("regional", lambda t: (f"{API}/plans/{t.plan()['id']}/tasks", None, {
        "title": unique("Жаңа тапсырма"), "start_date": "2026-04-01", "duration": 3})),
    "list_tasks": ("regional", lambda t: (f"{API}/tasks", {"region": OWN}, None)),
    "get_task": ("regional", lambda t: (f"{API}/tasks/{t.task()['id']}", None, None)),
    "update_task": ("regional", _versioned(lambda t: t.new_task(), f"{API}/tasks/{{}}",
                                           progress=20)),
    "task_history": ("regional", lambda t: (f"{API}/tasks/{t.task()['id']}/history", None,
                                            None)),
    "add_dependency": ("regional", lambda t: (
        f"{API}/tasks/{t.new_task()['id']}/dependencies", None,
        {"predecessor_id": t.new_task()["id"]})),
    "remove_dependency": ("regional", lambda t: (
        "{api}/tasks/{1}/dependencies/{0}".format(*t.linked_tasks(), api=API), None, None)),
    "add_assignment": ("regional", lambda t: (f"{API}/tasks/{t.task()['id']}/assignments", None,
                                              {"role": "C", "kind": "person",
                                               "id": t.person()["id"]})),
    "remove_assignment": ("regional", lambda t: (
        "{api}/tasks/{0}/assignments/{1}".format(*t.assignment(), api=API), None, None)),
    "list_budget_lines": ("regional", lambda t: (
        f"{API}/plans/{t.plan()['id']}/budget-lines", None, None)),
    "create_budget_line": ("regional", lambda t: (
        f"{API}/plans/{t.plan()['id']}/budget-lines", None,
        {"category": "events", "planned": "250000.00"})),
    "update_budget_line": ("regional", _versioned(lambda t: t.budget_line(),
                                                  f"{API}/budget-lines/{{}}",
                                                  committed=lambda: f"{next(_serial)}.00")),
    "list_all_risks": ("regional", lambda t: (f"{API}/risks", {"region": OWN}, None)),
    "list_risks": ("regional", lambda t: (f"{API}/plans/{t.plan()['id']}/risks", None, None)),
    "create_risk": ("regional", lambda t: (f"{API}/plans/{t.plan()['id']}/risks", None, {
        "title": unique("Тәуекел"), "probability": 3, "impact": 2})),
    "update_risk": ("regional", _versioned(lambda t: t.risk(), f"{API}/risks/{{}}",
                                           mitigation=lambda: unique("семинар"))),
    # reports
    "list_report_templates": ("national", lambda t: (f"{API}/report-templates", None, None)),
    "create_report_template": ("national", lambda t: (f"{API}/report-templates", None,
                                                      _template())),
    "get_report_template": ("national", lambda t: (
        f"{API}/report-templates/{t.get('/report-templates')[0]['id']}", None, None)),
    "list_reports": ("regional", lambda t: (f"{API}/reports", {"region": OWN}, None)),
    "get_report": ("regional", lambda t: (f"{API}/reports/{t.report('editable')['id']}", None,
                                          None)),
    "report_history": ("regional", lambda t: (
        f"{API}/reports/{t.report('editable')['id']}/history", None, None)),
    "save_report": ("regional", _report("editable", ("", {"values": {"cases_received": 2}}))),
    "submit_report": ("regional", _report("editable", ("/submit", {"values": FILLED}))),
    "accept_report": ("regional", _report("submitted", ("/accept", {}))),
    "return_report": ("regional", _report("submitted", ("/return", {"comment": "қате"}))),
    "reopen_report": ("regional", _report("accepted", ("/reopen", {"reason": "түзету"}))),
    "reporting_rates": ("regional", lambda t: (f"{API}/reporting-rates", {"region": OWN}, None)),
    "rollups": ("regional", lambda t: (f"{API}/rollups", {"region": OWN,
                                                          "template": "security-test"}, None)),
    "export_rollup": ("regional", lambda t: (f"{API}/rollups/export", {
        "region": OWN, "template": "security-test"}, None)),
    # the events register
    "list_event_kinds": ("national", lambda t: (f"{API}/event-kinds", None, None)),
    "record_event": ("regional", lambda t: (f"{API}/events", None, dict(EVENT))),
    "list_events": ("regional", lambda t: (f"{API}/events", {"region": OWN}, None)),
    "event_stats": ("regional", lambda t: (f"{API}/events/stats", {"region": OWN}, None)),
    "get_event": ("regional", lambda t: (f"{API}/events/{t.event()['id']}", None, None)),
    "event_history": ("regional", lambda t: (f"{API}/events/{t.event()['id']}/history", None,
                                             None)),
    "update_event": ("regional", _versioned(lambda t: t.event(), f"{API}/events/{{}}",
                                            participants=30)),
    "cancel_event": ("regional", _versioned(lambda t: t.event(), f"{API}/events/{{}}/cancel",
                                            reason="ауа райы")),
    "list_targets": ("national", lambda t: (f"{API}/targets", None, None)),
    "create_target": ("national", lambda t: (f"{API}/targets", None, {
        "code": unique("target"), "title_kk": "Нысана", "title_ru": "Цель", "minimum": 2,
        "kind": "video"})),
    "update_target": ("national", _versioned(lambda t: t.count_target(), f"{API}/targets/{{}}",
                                             minimum=4)),
    "target_progress": ("regional", lambda t: (f"{API}/targets/progress", {"region": OWN},
                                               None)),
    # attachments: a Turkistan task's or report's (bytes as the body, not JSON)
    "add_task_attachment": ("regional", lambda t: (
        f"{API}/tasks/{t.task()['id']}/attachments", {"filename": "хаттама.pdf"}, PDF)),
    "list_task_attachments": ("regional", lambda t: (
        f"{API}/tasks/{t.task()['id']}/attachments", None, None)),
    "add_report_attachment": ("regional", lambda t: (
        f"{API}/reports/{t.report('editable')['id']}/attachments", {"filename": "есеп.pdf"},
        PDF)),
    "list_report_attachments": ("regional", lambda t: (
        f"{API}/reports/{t.report('editable')['id']}/attachments", None, None)),
    "add_event_attachment": ("regional", lambda t: (
        f"{API}/events/{t.event()['id']}/attachments", {"filename": "фото.pdf"}, PDF)),
    "list_event_attachments": ("regional", lambda t: (
        f"{API}/events/{t.event()['id']}/attachments", None, None)),
    "get_attachment": ("regional", lambda t: (f"{API}/attachments/{t.attachment()}", None,
                                              None)),
    "delete_attachment": ("regional", lambda t: (f"{API}/attachments/{t.attachment()}", None,
                                                 None)),
    # notifications
    "list_inbox": ("regional", lambda t: (f"{API}/inbox", {"org_unit_id": t.kgu()}, None)),
    "mark_read": ("regional", lambda t: (f"{API}/inbox/{t.inbox_item()}/read", None, None)),
    "archive_item": ("regional", lambda t: (f"{API}/inbox/{t.inbox_item()}/archive", None,
                                            None)),
    "mark_all_read": ("regional", lambda t: (f"{API}/inbox/read-all",
                                             {"org_unit_id": t.kgu()}, None)),
    "list_webhooks": ("regional", lambda t: (f"{API}/webhooks", {"org_unit_id": t.kgu()}, None)),
    "register_webhook": ("regional", lambda t: (f"{API}/webhooks", None, {
        "url": t.d.hook_url, "event_types": ["task_assigned"],
        "org_unit_id": t.room_for_a_webhook()})),
    "delete_webhook": ("regional", lambda t: (f"{API}/webhooks/{t.webhook()}", None, None)),
    "enable_webhook": ("regional", lambda t: (f"{API}/webhooks/{t.webhook()}/enable", None,
                                              None)),
    "list_deliveries": ("regional", lambda t: (f"{API}/deliveries", {"org_unit_id": t.kgu()},
                                               None)),
    "get_preferences": ("regional", lambda t: (f"{API}/preferences", {"org_unit_id": t.kgu()},
                                               None)),
    "set_preference": ("regional", lambda t: (f"{API}/preferences/report_due_soon", None, {
        "channels": ["inbox"], "frequency": "daily", "org_unit_id": t.kgu()})),
    "reset_preference": ("regional", lambda t: (f"{API}/preferences/{t.preference()}",
                                                {"org_unit_id": t.kgu()}, None)),
    "get_language": ("regional", lambda t: (f"{API}/preferences/language",
                                            {"org_unit_id": t.kgu()}, None)),
    "set_language": ("regional", lambda t: (f"{API}/preferences/language", None, {
        "language": "ru", "org_unit_id": t.kgu()})),
    # sessions and one-time links: public, each with credentials that work
    "sign_in": ("public", lambda t: (f"{API}/session", None, dict(zip(
        ("login", "password"), t.credentials(), strict=False)))),
    "request_password_reset": ("public", lambda t: (f"{API}/password-reset", None, {
        "login": t.account()["login"]})),
    "set_password": ("public", lambda t: (f"{API}/password", None, {
        "token": t.link(), "password": PASSWORD})),
    # single sign-on: no provider in this deployment, so not found for anyone
    "sso_login": ("unconfigured", lambda t: (f"{API}/sso/login", None, None)),
    "sso_callback": ("unconfigured", lambda t: (f"{API}/sso/callback", {
        "code": "x", "state": "y"}, None)),
    "get_session": ("personal", lambda t: (f"{API}/session", None, None)),
    "sign_out": ("personal", lambda t: (f"{API}/session", None, None)),
    # accounts: Turkistan's
    "list_accounts": ("regional", lambda t: (f"{API}/accounts", {"region": OWN}, None)),
    "create_account": ("regional", lambda t: (f"{API}/accounts", None, {
        "login": f"{unique('new')}@example.kz", "role": "kgu_coordinator",
        "person_id": t.person()["id"], "send_invitation": False})),
    "get_account": ("regional", lambda t: (f"{API}/accounts/{t.account()['id']}", None, None)),
    "update_account": ("regional", _versioned(lambda t: t.account(), f"{API}/accounts/{{}}",
                                              display_name_ru=lambda: unique("Сотрудник"))),
    "send_account_link": ("regional", lambda t: (f"{API}/accounts/{t.account()['id']}/link",
                                                 None, None)),
    # personal tokens: the caller's own; revoking one of the administrator's
    "list_tokens": ("personal", lambda t: (f"{API}/tokens", None, None)),
    "create_token": ("personal", lambda t: (f"{API}/tokens", None, {"name": unique("ноутбук")})),
    "revoke_token": ("admins", lambda t: (f"{API}/tokens/{t.admins_token()}", None, None)),
}
def _template():
    return {"code": unique("sec-template"), "title_kk": "Есеп", "title_ru": "Отчёт",
            "period_type": "yearly", "active_from": date(2026, 1, 1).isoformat(),
            "fields": [{"code": "count", "type": "integer", "label_kk": "Саны",
                        "label_ru": "Количество", "min": 0}]}
