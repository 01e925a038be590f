"""The pages against a hostile reader, on the platform as `make run` starts it: a KGU
coordinator or an anonymous visitor who types what a page does not expect, posts forms
from another site, or tries to take the reader elsewhere. Each test names the defect it
once found (see the commit that fixed it)."""
import json
import re
from datetime import date

import pytest

from tests.site import PASSWORD

pytestmark = [pytest.mark.broker, pytest.mark.e2e]
# a title that closes the script it is written in, or makes the HTML parser run past it
HOSTILE = '</script><script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}}<!--<script>'
GANTT_DATA = re.compile(r'<script type="application/json" id="gantt-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def plan(site, rollout):
    """Mediation rolled out to Turkistan and Almaty (conftest.py); Turkistan's plan with a
    task whose title is HOSTILE: ``(plan id, task id)``."""
    plan = rollout["KZ-61"]
    task = site.api("POST", f"/plans/{plan['id']}/tasks", expect=201, json={
        "title": HOSTILE, "title_kk": HOSTILE, "start_date": f"{date.today().year}-12-01",
        "duration": 5}).json()
    return plan["id"], task["id"]


def test_every_html_answer_forbids_framing_sniffing_and_foreign_scripts(site):
    reader = site.reader("turkistan@kelisim.kz")
    for answer in (site.reader().get("/sign-in"), reader.get("/kgu"),
                   reader.get("/plans/999999"), site.reader().get("/docs")):
        assert answer.headers["Content-Type"].startswith("text/html"), answer.status_code
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
        # Back after signing out asks the server again: no page in the browser's cache...
        assert answer.headers["Cache-Control"] == "no-store"
    # ...nor in htmx's history snapshots (sessionStorage, kept after signing out)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', reader.get("/kgu").text)
    assert json.loads(config.group(1))["historyCacheSize"] == 0
    static = site.reader().get("/static/kelisim.js")
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    api = site.api("GET", "/regions", expect=200)
    assert api.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example/",
                                    "/\r\nSet-Cookie: a=b", "/\x00/evil.example"])
def test_sign_in_never_sends_the_reader_elsewhere_through_characters_a_browser_drops(
        site, target):
    # a browser removes tabs and newlines from a URL: "/<tab>/evil" is "//evil", another site
    form = site.reader().get("/sign-in", params={"next": target})
    assert form.status_code == 200 and 'name="next" value="/"' in form.text
    signed = site.reader().post("/sign-in", {"login": "almaty@kelisim.kz",
                                             "password": PASSWORD, "next": target},
                                csrf=False)
    assert signed.status_code == 303 and signed.headers["Location"] == "/"


def test_a_title_cannot_break_out_of_the_plans_chart_data(site, plan):
    plan_id, task_id = plan
    page = site.reader("turkistan@kelisim.kz").get(f"/plans/{plan_id}")
    assert page.status_code == 200
    embedded = GANTT_DATA.search(page.text).group(1)
    assert "<" not in embedded and ">" not in embedded  # no "<!--", "<script" nor "</"
    names = {t["task_id"]: t["name"] for t in json.loads(embedded)["tasks"]}
    assert names[task_id] == HOSTILE  # the chart still shows the title as typed
    # and the rest of the page is still HTML: the tasks' table after the chart
    assert page.text.count("<script") == page.text.count("</script>")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page.text


def test_a_form_that_is_not_utf8_is_refused_in_the_readers_language_and_changes_nothing(
        site, plan):
    plan_id, task_id = plan
    reader = site.reader("turkistan@kelisim.kz", lang="ru")
    reader.get(f"/plans/{plan_id}/tasks/{task_id}")
    before = site.api("GET", f"/tasks/{task_id}", expect=200).json()
    body = (f"csrf_token={reader.csrf}&due_date={date.today().year + 1}-01-20&reason="
            f"%FF%FEbad&version={before['version']}").encode()
    answer = reader.http.post(f"{reader.url}/plans/{plan_id}/tasks/{task_id}/due", data=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded"},
                              allow_redirects=False, timeout=30)
    assert answer.status_code == 400, answer.text[:500]
    assert answer.headers["Content-Type"].startswith("text/html")
    assert '<html lang="ru">' in answer.text and "UTF-8" in answer.text
    assert site.api("GET", f"/tasks/{task_id}", expect=200).json() == before


def test_a_form_posted_by_another_site_is_refused_even_with_the_token(site):
    reader = site.reader("turkistan@kelisim.kz", lang="en")
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    answer = reader.post("/account/tokens", {"name": "from evil"}, headers=cross)
    assert answer.status_code == 403 and "from evil" not in reader.get("/account").text
    # signing in has no session to carry a token: another site cannot sign the reader in
    # to the attacker's account (login CSRF)
    signed = site.reader().post("/sign-in", {"login": "almaty@kelisim.kz",
                                             "password": PASSWORD, "next": "/"},
                                csrf=False, headers=cross)
    assert signed.status_code == 403 and "kelisim_session" not in signed.headers.get(
        "Set-Cookie", "")
    # the platform's own pages, and clients that do not say, are served as before
    own = reader.post("/account/tokens", {"name": "mine"},
                      headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 201


@pytest.mark.parametrize("path", ["/plans/99999999999999999999", "/no-such-page",
                                  "/sign-out"])
def test_a_browsers_wrong_address_is_a_page_in_its_language(site, path):
    # an id beyond any record, an unknown path or a form's address opened with GET were a
    # JSON problem in Kazakh whatever the page's language
    reader = site.reader("turkistan@kelisim.kz", lang="ru")
    answer = reader.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert answer.status_code in (404, 405)
    assert answer.headers["Content-Type"].startswith("text/html")
    assert '<html lang="ru">' in answer.text
    assert answer.headers["X-Frame-Options"] == "DENY"
    api = site.api("GET", "/plans/99999999999999999999")  # the API still answers a problem
    assert api.status_code == 404 and api.headers["Content-Type"].startswith(
        "application/problem+json")


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/"])
def test_the_language_links_of_an_unknown_address_stay_on_this_site(site, path):
    answer = site.reader(lang="en").get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 404
    links = re.findall(r'href="([^"]*)\?lang=', answer.text)
    assert links and all(link.startswith("/") and not link.startswith(("//", "/\\"))
                         and "\\" not in link for link in links), links
