"""The report pages against the real gateway and services (registry, reports, projects,
notifications), used as a browser uses them: signed in with a password through
``POST /sign-in``, forms posted url-encoded with the page's CSRF field.

A KGU coordinator opens a quarterly report, submits a value over the field's maximum and
gets the form back with the Kazakh message beside that field and every typed value kept;
fixes it and submits; the RGU finds it in the review queue, returns it with a comment; the
coordinator sees the comment on the form and on the home page. Another region's
coordinator cannot open it, nor the review.
"""
import html
import re

import pytest
import requests

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from kelisim.i18n import _
from services.notifications.entrypoints.service import NotificationsService
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data as load_projects
from services.reports.domain.periods import kz_today
from services.reports.entrypoints.service import ReportsService
from tests.integration.gateway.helpers import API, ok
from tests.integration.notifications.samples import FAST
from tests.support import wait_for
from tests.support_accounts import PASSWORD, Platform
from tests.support_reports import mediation_template

pytestmark = pytest.mark.broker
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A person's browser on the pages: a cookie jar and the last page's CSRF field."""

    def __init__(self, url):
        self.url, self.jar, self.csrf = url, requests.Session(), None

    def get(self, path, **kwargs):
        response = self.jar.get(self.url + path, timeout=15, allow_redirects=False, **kwargs)
        self._remember(response)
        return response

    def post(self, path, form, **kwargs):
        response = self.jar.post(self.url + path, data={"csrf_token": self.csrf, **form},
                                 timeout=15, allow_redirects=False, **kwargs)
        self._remember(response)
        return response

    def _remember(self, response):
        found = CSRF.search(response.text or "")
        if found:
            self.csrf = found.group(1)

    def sign_in(self, login):
        response = self.post("/sign-in", {"login": login, "password": PASSWORD, "next": "/"})
        assert response.status_code == 303, response.text
        return self


@pytest.fixture
def web(start_gateway, start, runner_factory, service_config, migrated, session_factory,
        tmp_path):
    """Registry, reports, projects, notifications and the gateway; a quarterly template
    (cases received at most 1 000) whose reports for this quarter were created."""
    gateway = start_gateway(MAX_REQUEST_BYTES=262_144, TRUSTED_PROXIES=["127.0.0.1"],
                            SIGN_IN_THROTTLE={"slow_after": 100, "lock_after": 200})
    start(ReportsService, migrated("reports", f"sqlite:///{tmp_path / 'reports.db'}"),
          REPORTS_JOB_EAGER=False)
    projects_url = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}")
    load_projects(UnitOfWork(session_factory(projects_url), Context(), ProjectsRepository))
    runner_factory(service_config("projects", projects_url), ProjectsService).start()
    start(NotificationsService, migrated("notifications",
                                         f"sqlite:///{tmp_path / 'notifications.db'}"),
          NOTIFICATIONS=dict(FAST))
    template = mediation_template(active_from=kz_today().replace(day=1).isoformat())
    template["fields"][0]["max"] = 1000
    ok(gateway.post(f"{API}/report-templates", template), 201)
    return Platform(gateway, None)


def collect(platform, rpc):
    with rpc("reports") as reports:
        reports.run_collection(kz_today().isoformat())
    mine = ok(platform.gateway.get(f"{API}/reports", who="turkistan"))
    assert mine["total"] == 1
    return mine["items"][0]


def field_error(page, code):
    """The text of the message shown beside field ``code`` (None when hidden)."""
    found = re.search(rf'<p class="field-error" id="field-{code}-error"( hidden)?>([^<]*)</p>',
                      page)
    assert found, f"no error box for {code}"
    return None if found.group(1) else html.unescape(found.group(2))


def input_tag(page, code):
    found = re.search(rf'<(?:input|textarea|select)[^>]* id="field-{code}"[^>]*>', page)
    assert found, f"no input for {code}"
    return found.group(0)


def test_a_report_is_refused_beside_its_field_in_kazakh_fixed_submitted_returned_and_read(
        web, rpc):
    report = collect(web, rpc)
    rid = report["id"]
    web.account("coordinator@example.kz", region="KZ-61")
    web.account("other@example.kz", region="KZ-75")
    web.account("rgu@example.kz", role="rgu_admin", region=None)
    kgu = Browser(web.gateway.url).sign_in("coordinator@example.kz")

    owed = kgu.get("/reports")
    assert owed.status_code == 200 and f'href="/reports/{rid}"' in owed.text
    assert "Медиация есебі" in owed.text  # the template's Kazakh title: kk by default

    form = kgu.get(f"/reports/{rid}")
    assert form.status_code == 200
    assert 'id="report-form" novalidate' in form.text
    assert "Түскен" in form.text  # the field's Kazakh label
    tag = input_tag(form.text, "cases_received")
    assert 'data-max="1000"' in tag and "required" in tag
    # the checks' messages are on the page already in Kazakh, for report-form.js
    assert 'data-msg-max="ең көбі: 1000 мәнінен аспауы керек"' in tag
    assert 'data-msg-required="міндетті: ұсыну үшін мән керек"' in tag
    assert "Бюджет, ₸" in form.text  # a money field's unit

    typed = {"version": str(report["version"]), "action": "submit",
             "f_cases_received": "5 000", "f_resolved_by_mediation": "3",
             "f_budget_spent": "2500,50", "f_notes": "Түсініктеме: барлығы дұрыс"}
    refused = kgu.post(f"/reports/{rid}", typed)
    assert refused.status_code == 422, refused.text
    assert field_error(refused.text, "cases_received") == "ең көбі: 1000 мәнінен аспауы керек"
    assert 'aria-invalid="true"' in input_tag(refused.text, "cases_received")
    assert 'value="5 000"' in input_tag(refused.text, "cases_received")  # as typed
    assert 'value="2500,50"' in input_tag(refused.text, "budget_spent")
    assert "Түсініктеме: барлығы дұрыс</textarea>" in refused.text
    assert field_error(refused.text, "resolved_by_mediation") is None
    assert 'role="alert"' in refused.text
    assert ok(web.gateway.get(f"{API}/reports/{rid}"))["status"] == "draft"

    # the rule across fields is the service's too: beside the field it names
    broken = kgu.post(f"/reports/{rid}", dict(typed, f_cases_received="4",
                                              f_resolved_by_mediation="6"))
    assert broken.status_code == 422
    assert field_error(broken.text, "resolved_by_mediation").startswith(
        "resolved_by_mediation <= cases_received ережесі")

    saved = kgu.post(f"/reports/{rid}", dict(typed, f_cases_received="40", action="save"))
    assert saved.status_code == 303 and saved.headers["Location"] == f"/reports/{rid}?done=saved"
    draft = ok(web.gateway.get(f"{API}/reports/{rid}"))
    assert draft["values"]["cases_received"] == 40 and draft["values"]["budget_spent"] == "2500.50"
    submitted = kgu.post(f"/reports/{rid}", dict(typed, f_cases_received="40",
                                                 version=str(draft["version"])))
    assert submitted.status_code == 303, submitted.text
    assert 'id="report-form"' not in kgu.get(submitted.headers["Location"]).text  # read only
    assert ok(web.gateway.get(f"{API}/reports/{rid}"))["status"] == "submitted"

    # another region's coordinator: the service's rule (not found, nothing leaks); no review
    other = Browser(web.gateway.url).sign_in("other@example.kz")
    assert f'href="/reports/{rid}"' not in other.get("/reports").text  # (and the CSRF field)
    assert other.get(f"/reports/{rid}").status_code == 404
    assert other.post(f"/reports/{rid}", dict(typed, version="3")).status_code == 404
    assert other.get("/review").status_code == 403
    assert kgu.post(f"/reports/{rid}/return", {"version": "3", "comment": "x"}).status_code \
        == 403

    rgu = Browser(web.gateway.url).sign_in("rgu@example.kz")
    queue = rgu.get("/review?lang=ru")
    assert queue.status_code == 200
    assert f'href="/reports/{rid}"' in queue.text and "Туркестанская область" in queue.text
    page = rgu.get(f"/reports/{rid}")
    assert f"/reports/{rid}/return" in page.text and "Отчёт по медиации" in page.text
    current = ok(web.gateway.get(f"{API}/reports/{rid}"))["version"]
    empty = rgu.post(f"/reports/{rid}/return", {"version": str(current), "comment": "  "})
    assert empty.status_code == 422
    assert html.unescape(re.search(r'id="return-comment-error">([^<]*)<', empty.text).group(1)) \
        == _("required: why it is returned").render("ru")  # the page is in Russian now
    returned = rgu.post(f"/reports/{rid}/return", {
        "version": str(current), "comment": "Бюджет сомасын актімен салыстырыңыз"})
    assert returned.status_code == 303 and returned.headers["Location"].startswith("/review")
    assert ok(web.gateway.get(f"{API}/reports/{rid}"))["status"] == "returned"

    again = kgu.get(f"/reports/{rid}")
    assert 'id="rgu-comment"' in again.text
    assert "Бюджет сомасын актімен салыстырыңыз" in again.text
    assert 'id="report-form"' in again.text  # editable again
    home = kgu.get("/kgu")
    assert home.status_code == 200 and "Бюджет сомасын актімен салыстырыңыз" in home.text

    # submitted again, accepted, then reopened with a reason (required)
    version = ok(web.gateway.get(f"{API}/reports/{rid}"))["version"]
    again = kgu.post(f"/reports/{rid}", dict(typed, f_cases_received="40",
                                             version=str(version)))
    assert again.status_code == 303, again.text
    rgu.get(f"/reports/{rid}")
    accepted = rgu.post(f"/reports/{rid}/accept", {"version": str(version + 1)})
    assert accepted.status_code == 303, accepted.text
    assert f'href="/reports/{rid}"' in rgu.get("/review").text  # accepted lately
    page = rgu.get(f"/reports/{rid}")
    assert f"/reports/{rid}/reopen" in page.text and 'id="report-form"' not in page.text
    no_reason = rgu.post(f"/reports/{rid}/reopen", {"version": str(version + 2), "reason": ""})
    assert no_reason.status_code == 422
    assert html.unescape(re.search(r'id="reopen-reason-error">([^<]*)<',
                                   no_reason.text).group(1)) == \
        _("required: why it is reopened").render("ru")
    reopened = rgu.post(f"/reports/{rid}/reopen", {"version": str(version + 2),
                                                    "reason": "Қате сома"})
    assert reopened.status_code == 303 and reopened.headers["Location"] == \
        f"/reports/{rid}?done=reopened"
    assert ok(web.gateway.get(f"{API}/reports/{rid}"))["status"] == "reopened"
    assert 'id="report-form"' in kgu.get(f"/reports/{rid}").text

    # the roll-up's export answers with the session cookie (a GET: no CSRF needed)
    rollups = rgu.get("/review/rollups?template=mediation-test")
    assert rollups.status_code == 200
    link = html.unescape(re.search(r'href="(/api/v1/rollups/export\?[^"]*format=csv[^"]*)"',
                                   rollups.text).group(1))
    exported = rgu.get(link)
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    rates = rgu.get("/review/rates?include_not_due=true&template=mediation-test")
    assert rates.status_code == 200 and 'id="rates-by-region"' in rates.text


def test_the_kgu_home_lists_overdue_tasks_first_then_its_reports_and_inbox(web, rpc):
    report = collect(web, rpc)
    year = kz_today().year
    ok(web.gateway.post(f"{API}/projects/mediation/rollouts",
                        {"year": year, "regions": ["KZ-61"]}), 201)
    web.account("home@example.kz", region="KZ-61")
    kgu = Browser(web.gateway.url).sign_in("home@example.kz")
    home = kgu.get("/kgu")
    assert home.status_code == 200, home.text
    tasks = ok(web.gateway.get(f"{API}/tasks", params={"region": "KZ-61", "limit": 200}))
    overdue = sorted((t for t in tasks["items"] if t["overdue"] and t["kind"] != "phase"),
                     key=lambda t: (t["due_date"], t["id"]))
    table = re.search(r'<table id="kgu-tasks".*?</table>', home.text, re.S).group(0)
    rows = re.findall(r"<tr( class=\"is-overdue\")?>\s*<td", table)
    assert overdue, "a plan of this year has tasks past their due date"
    # every overdue row comes before the first row that is not overdue, the earliest first
    flags = [bool(flag) for flag in rows]
    assert flags[0] and flags == sorted(flags, reverse=True)
    assert table.index(f'#task-{overdue[0]["id"]}"') < table.index(f'#task-{overdue[1]["id"]}"')
    assert f'href="/reports/{report["id"]}"' in home.text
    assert 'href="/plans/' in home.text
    assert "/inbox" in home.text
    # the RGU opens a region's page by its code; a coordinator sees only its own
    assert kgu.get("/kgu?region=KZ-75").status_code == 200
    assert "Түркістан" in kgu.get("/kgu?region=KZ-75").text


def test_the_kgu_home_tells_alike_inbox_items_apart_and_links_each(web):
    """A task is assigned once per RACI role, so the home's unread list showed the same
    title ("Жаңа тапсырма: …") several times over; each entry now shows its text, which
    names the role and the assignee, and links to the item in the inbox."""
    ok(web.gateway.post(f"{API}/projects/mediation/rollouts",
                        {"year": kz_today().year, "regions": ["KZ-61"]}), 201)
    web.account("inbox@example.kz", region="KZ-61")
    kgu = Browser(web.gateway.url).sign_in("inbox@example.kz")
    unread = wait_for(lambda: (found := kgu.get(f"{API}/inbox?unread=true&limit=5").json())[
        "total"] >= 5 and found, timeout=30)
    home = kgu.get("/kgu?lang=kk")
    assert home.status_code == 200, home.text
    section = re.search(r'<section aria-labelledby="inbox-heading".*?</section>', home.text,
                        re.S).group(0)
    assert len(unread["items"]) == 5
    for item in unread["items"]:
        entry = re.search(rf'<li id="home-inbox-{item["id"]}">(.*?)</li>', section, re.S)
        assert entry, f"item {item['id']} not on the home page"
        assert f'href="/inbox?unread=true#inbox-item-{item["id"]}"' in entry.group(1)
        shown = html.unescape(entry.group(1))
        assert item["title_kk"] in shown and item["body_kk"] in shown
    assert len({i["body_kk"] for i in unread["items"]}) > len({i["title_kk"] for i in
                                                                unread["items"]})
