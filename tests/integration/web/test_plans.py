"""Issue 15, the plans' pages against the real gateway, registry, notifications and
projects services: people sign in with a password (POST /sign-in) and read what a browser
reads; a project is rolled out to two regions through the API first."""
import re

import pytest
import requests
from markupsafe import escape

from kelisim.i18n import Msg
from kelisim.labels import label
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data
from tests.integration.gateway.helpers import API, ok
from tests.support import on_database
from tests.support_accounts import PASSWORD


def kk(msgid, **params):
    """A catalogue text as a Kazakh page shows it (HTML-escaped)."""
    return str(escape(Msg(msgid, **params).render("kk")))


class Reader:
    """A person's browser: signed in with the form, reading pages, posting forms."""

    def __init__(self, url, login):
        self.url, self.http = url, requests.Session()
        signed = self.http.post(f"{url}/sign-in", data={"login": login, "password": PASSWORD,
                                                        "next": "/plans"},
                                allow_redirects=False, timeout=15)
        assert signed.status_code == 303, signed.text
        self.csrf = None

    def get(self, path, status=200):
        response = self.http.get(self.url + path, timeout=15, allow_redirects=False)
        assert response.status_code == status, response.text[:3000]
        assert response.headers["Content-Type"].startswith("text/html")
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.csrf = found.group(1) if found else self.csrf
        return response.text

    def post(self, path, form, status=303):
        response = self.http.post(self.url + path, data={"csrf_token": self.csrf, **form},
                                  timeout=15, allow_redirects=False)
        assert response.status_code == status, response.text[:3000]
        return response


@pytest.fixture
def plans(accounts_platform, start, migrated, tmp_path):
    """Mediation rolled out for 2026 to Turkistan (KZ-61) and Almaty (KZ-75), with a
    budget line and a risk on Turkistan's plan; an RGU analyst and Turkistan's coordinator
    with passwords."""
    projects_db = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}")
    on_database(projects_db, ProjectsRepository, load_reference_data)
    start(ProjectsService, projects_db)
    gw = accounts_platform.gateway
    ok(gw.post(f"{API}/projects/mediation/rollouts", {"year": 2026,
                                                      "regions": ["KZ-61", "KZ-75"]}), 201)
    by_region = {p["region_code"]: p for p in ok(gw.get(f"{API}/plans"))["items"]}
    turkistan = by_region["KZ-61"]
    ok(gw.post(f"{API}/plans/{turkistan['id']}/budget-lines", {
        "category": "training", "description": "Медиаторларды оқыту", "planned": "1500000",
        "committed": "1200000", "actual": "1650000.50"}), 201)
    ok(gw.post(f"{API}/plans/{turkistan['id']}/risks", {
        "title": "Залдың болмауы", "probability": 4, "impact": 3}), 201)
    accounts_platform.account("rgu.analyst@kelisim.kz", role="rgu_admin")
    accounts_platform.account("turkistan.kgu@kelisim.kz", region="KZ-61")
    tasks = ok(gw.get(f"{API}/plans/{turkistan['id']}/tasks"))
    return {"gw": gw, "turkistan": turkistan, "almaty": by_region["KZ-75"], "rgu_plan": by_region[None],
            "tasks": tasks, "rgu": Reader(gw.url, "rgu.analyst@kelisim.kz"),
            "kgu": Reader(gw.url, "turkistan.kgu@kelisim.kz")}


def test_a_plan_its_approval_and_a_due_date_moved_with_a_reason(plans):
    gw, plan, rgu, kgu = plans["gw"], plans["turkistan"], plans["rgu"], plans["kgu"]
    pid = plan["id"]
    task = [t for t in plans["tasks"] if t["kind"] == "task" and t["predecessors"]][3]

    listing = rgu.get("/plans")
    assert f'href="/plans/{pid}"' in listing and f'href="/plans/{plans["almaty"]["id"]}"' in listing
    assert f'href="/plans/{plans["almaty"]["id"]}"' not in kgu.get("/plans")

    page = rgu.get(f"/plans/{pid}")
    assert str(escape(task["title_kk"])) in page  # Kazakh, the default language
    assert 'id="gantt-data"' in page and 'type="application/json"' in page
    assert "1\u00a0500\u00a0000,00\u00a0₸" in page and "1\u00a0650\u00a0000,50\u00a0₸" in page
    assert kk("overrun") in page and "Залдың болмауы" in page
    assert 'id="approve-button"' in page  # the RGU approves a draft plan
    kgu_page = kgu.get(f"/plans/{pid}")
    assert str(escape(task["title_kk"])) in kgu_page and 'id="approve-button"' not in kgu_page
    # the server refuses it too
    kgu.post(f"/plans/{pid}/approve", {"version": str(plan["version"])}, status=403)

    rgu.get(f"/plans/{pid}")
    rgu.post(f"/plans/{pid}/approve", {"version": str(plan["version"])})
    assert ok(gw.get(f"{API}/plans/{pid}"))["status"] == "approved"
    assert 'id="approve-button"' not in rgu.get(f"/plans/{pid}")
    # the same form sent again (another tab): the plan changed since, said plainly
    again = rgu.post(f"/plans/{pid}/approve", {"version": str(plan["version"])}, status=409).text
    assert kk("Someone changed this plan since you opened it. Its current state is shown; "
              "check it and approve again.") in again and 'id="approve-button"' not in again

    # a later due date without a reason: the form again, the error beside the field, in Kazakh
    path = f"/plans/{pid}/tasks/{task['id']}"
    form = kgu.get(path)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    refused = kgu.post(f"{path}/due", {"version": version, "due_date": "2026-12-18",
                                       "reason": ""}, status=422).text
    error = re.search(r'<small id="due-reason-error" class="field-error">([^<]+)</small>', refused)
    assert error and error.group(1) == kk("required when the due date moves later")
    assert 'aria-describedby="due-reason-error"' in refused and 'aria-invalid="true"' in refused
    assert 'value="2026-12-18"' in refused  # what was typed is kept
    assert ok(gw.get(f"{API}/tasks/{task['id']}"))["due_date"] == task["due_date"]

    moved = kgu.post(f"{path}/due", {"version": version, "due_date": "2026-12-18",
                                     "reason": "Зал жөндеуде"})
    assert moved.headers["Location"].startswith(f"{path}?saved=due")
    assert ok(gw.get(f"{API}/tasks/{task['id']}"))["due_date"] == "2026-12-18"
    # the same form sent again with the old version: a conflict, said plainly
    stale = kgu.post(f"{path}/due", {"version": version, "due_date": "2026-12-21",
                                     "reason": "тағы"}, status=409).text
    assert kk("Someone changed this task since you opened it: its current values are shown. "
              "Check them and send your change again.") in stale

    after = rgu.get(f"/plans/{pid}")
    row = re.search(rf'<tr id="task-{task["id"]}" class="[^"]*slipped[^"]*">(.*?)</tr>', after,
                    re.S)
    assert row, "the slipped task's row is marked"
    assert kk("was due {date}", date=_dotted(task["due_date"])) in row.group(1)
    assert "Зал жөндеуде" in row.group(1) and "18.12.2026" in row.group(1)
    history = after.split('id="history-heading"')[1]
    assert "Зал жөндеуде" in history and _dotted(task["due_date"]) in history

    # the RGU's own plan: its tasks are assigned among the republican org units
    rgu_plan = plans["rgu_plan"]
    rgu_task = ok(gw.get(f"{API}/plans/{rgu_plan['id']}/tasks"))[0]
    rgu_page = rgu.get(f"/plans/{rgu_plan['id']}/tasks/{rgu_task['id']}")
    assert str(escape(rgu_task["title_kk"])) in rgu_page and 'value="org_unit:' in rgu_page

    # the print view: no site navigation, A4 landscape stylesheet
    printed = rgu.get(f"/plans/{pid}?print=1")
    assert "plan-print.css" in printed and 'class="plan-page print-view"' in printed


def test_task_forms_and_another_regions_plan(plans):
    """Progress, R/A/C/I from the registry and dependencies through the task's forms; a
    KGU coordinator is refused another region's plan and tasks, as by the API."""
    gw, plan, kgu = plans["gw"], plans["turkistan"], plans["kgu"]
    tasks = [t for t in plans["tasks"] if t["kind"] == "task"]
    task, other = tasks[0], tasks[-1]
    path = f"/plans/{plan['id']}/tasks/{task['id']}"

    page = kgu.get(path)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    refused = kgu.post(f"{path}/progress", {"version": version, "progress": "140"},
                       status=422).text
    assert 'id="progress-progress-error"' in refused and 'value="140"' in refused
    kgu.post(f"{path}/progress", {"version": version, "progress": "40"})
    assert ok(gw.get(f"{API}/tasks/{task['id']}"))["progress"] == 40

    unit = ok(gw.get(f"{API}/regions/KZ-61/kgu"))["org_unit"]
    assert f'value="org_unit:{unit["id"]}"' in kgu.get(path)
    kgu.post(f"{path}/assignments", {"role": "I", "assignee": f"org_unit:{unit['id']}"})
    added = [a for a in ok(gw.get(f"{API}/tasks/{task['id']}"))["assignments"]
             if a["role"] == "I"]
    assert len(added) == 1
    kgu.get(path)
    kgu.post(f"{path}/assignments/{added[0]['id']}/remove", {})
    assert not [a for a in ok(gw.get(f"{API}/tasks/{task['id']}"))["assignments"]
                if a["role"] == "I"]

    later = f"/plans/{plan['id']}/tasks/{other['id']}"
    kgu.get(later)
    kgu.post(f"{later}/dependencies", {"predecessor_id": str(task["id"]), "lag": "2"})
    follows = ok(gw.get(f"{API}/tasks/{other['id']}"))["predecessors"]
    assert {"predecessor_id": task["id"], "successor_id": other["id"], "lag": 2} in follows
    assert kk("starts after «{name}» finishes", name=task["title_kk"]) in kgu.get(later)
    kgu.post(f"{later}/dependencies/{task['id']}/remove", {})
    assert task["id"] not in [p["predecessor_id"] for p in
                              ok(gw.get(f"{API}/tasks/{other['id']}"))["predecessors"]]

    # another region's plan is not shown
    almaty = plans["almaty"]
    # a phase's dates follow its tasks: no form that can only be refused, but the reason
    phase = next(t for t in plans["tasks"] if t["kind"] == "phase")
    page = kgu.get(f"/plans/{plan['id']}/tasks/{phase['id']}")
    assert f'action="/plans/{plan["id"]}/tasks/{phase["id"]}/due"' not in page
    assert kk("a parent's dates follow its children") in page
    assert f'action="/plans/{plan["id"]}/tasks/{task["id"]}/due"' in kgu.get(path)
    # the breadcrumb names the plan (region and year) and the task, not "Plan" and its kind
    crumbs = re.search(r'class="crumbs">(.*?)</nav>', kgu.get(path), re.S).group(1)
    assert f"Түркістан облысы · {plan['year']}" in crumbs
    assert f'aria-current="page">{escape(task["title_kk"])}</li>' in crumbs
    almaty_task = ok(plans["gw"].get(f"{API}/plans/{almaty['id']}/tasks"))[5]
    # the services' rule, as the API's answer: another region's plan is not found (404)
    for path in (f"/plans/{almaty['id']}", f"/plans/{almaty['id']}/tasks/{almaty_task['id']}",
                 f"/plans/{almaty['id']}?print=1"):
        page = kgu.get(path, status=404)
        assert 'id="gantt-data"' not in page and str(escape(almaty_task["title_kk"])) not in page
    kgu.get("/plans")  # a token for the form
    kgu.post(f"/plans/{almaty['id']}/tasks/{almaty_task['id']}/progress",
             {"version": str(almaty_task["version"]), "progress": "10"}, status=404)
    assert ok(plans["gw"].get(f"{API}/tasks/{almaty_task['id']}"))["progress"] == 0


def _dotted(iso):
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


def test_a_dated_tasks_page_shows_its_constraint_and_a_conflict(plans):
    """Issue 19: a task of a template item dated «within» Q1 says so on its page, and once
    a predecessor's slip makes the date impossible the page says which date cannot be
    kept and the earliest start its predecessors allow (was only in the API's answer)."""
    gw, plan, kgu = plans["gw"], plans["turkistan"], plans["kgu"]
    by_key = {t["template_key"]: t for t in plans["tasks"]}
    first, dated = by_key["train.selection"], by_key["train.q1"]
    path = f"/plans/{plan['id']}/tasks/{dated['id']}"
    page = kgu.get(path)
    assert kk("Date constraint") in page
    within = escape(label("date_constraint", "within").render("kk"))
    assert f"{within}: {_dotted(dated['constraint_start'])} – " \
           f"{_dotted(dated['constraint_due'])}" in page
    assert kk("Date conflict") not in page.split('id="history-heading"')[0]

    moved = ok(gw.patch(f"{API}/tasks/{first['id']}", {
        "version": first["version"], "due_date": "2026-05-20", "reason": "Зал жөндеуде"}))
    [conflict] = [c for c in moved["constraint_conflicts"] if c["task_id"] == dated["id"]]
    facts = kgu.get(path).split('id="history-heading"')[0]
    assert kk("{date} cannot be kept: the predecessors let it start on {earliest} at the "
              "earliest", date=_dotted(conflict["date"]),
              earliest=_dotted(conflict["earliest_start"])) in facts
