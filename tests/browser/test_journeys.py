"""Issue 15's journeys in a real browser, as the RGU and the KGUs' coordinators live them:
the RGU sees the 20 regions; Turkistan's coordinator fills in the quarterly report, sees
the rule broken beside the field in Kazakh, fixes it and submits; the RGU returns it with
a comment and the coordinator sees the comment; the RGU moves a due date, the Gantt shows
the slip and the KGU's unread count grows; a coordinator cannot open another region's
plan by its URL. Each step keeps its screenshot; any console error fails the test.

The tests of one module share one platform and run in order (the report goes from draft
to submitted to returned)."""
import re
import time
from datetime import date, timedelta

import pytest

from tests.browser.samples import OTHER, OWN, plan_of, report_of
from tests.support import REGIONS

pytestmark = [pytest.mark.browser, pytest.mark.broker]
KAZAKH = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
COMMENT = "Медиация кеңестерінің санын облыс бойынша тексеріп, қайта жіберіңіз"


def test_the_rgu_signs_in_and_sees_the_20_regions(tab):
    rgu = tab("rgu")
    assert rgu.page.url.endswith("/rgu")
    tiles = rgu.page.locator("#rgu-map a.tile[data-region]")
    assert sorted(tiles.evaluate_all("els => els.map(e => e.dataset.region)")) == \
        sorted(REGIONS)
    rows = rgu.page.locator("#rgu-map table tbody tr")
    assert rows.count() == 20  # the table beside the map, for those who do not read maps
    rgu.check_accessibility("RGU home")


def test_a_kgu_fills_in_the_report_meets_the_rule_in_kazakh_fixes_it_and_submits(tab, site):
    report = report_of(site)
    kgu = tab("kgu")
    kgu.go(f"/reports/{report['id']}", "report-form")
    page = kgu.page
    page.locator("#field-cases_received").fill("3")
    page.locator("#field-resolved_by_mediation").fill("5")  # more resolved than received
    page.locator("#field-budget_spent").fill("12500")
    broken = page.locator(".report-field .field-error:not([hidden])")
    broken.first.wait_for(timeout=10000)
    message = broken.first.inner_text().strip()
    assert KAZAKH.search(message), f"the rule's message is not in Kazakh: {message!r}"
    field = broken.first.locator("xpath=..").locator("input, textarea, select").first
    assert field.get_attribute("aria-invalid") == "true"
    assert broken.first.get_attribute("id") in field.get_attribute("aria-describedby")
    kgu.shot("report-rule-broken")
    kgu.check_accessibility("report form, a rule broken")

    page.locator("#field-resolved_by_mediation").fill("2")
    page.wait_for_function("() => !document.querySelector("
                           "'.report-field .field-error:not([hidden])')", timeout=10000)
    kgu.shot("report-rule-fixed")
    kgu.navigate(page.locator("#report-form button[value=submit]").click, "report-submitted")
    assert report_of(site)["status"] == "submitted"
    assert report_of(site)["values"]["resolved_by_mediation"] == 2
    kgu.check_accessibility("report submitted")


def test_the_rgu_returns_the_report_with_a_comment_and_the_kgu_sees_it(tab, site):
    report = report_of(site)
    assert report["status"] == "submitted", "the previous test submits it"
    rgu = tab("rgu")
    rgu.go("/review", "review-queue")
    assert rgu.page.locator(f"a[href='/reports/{report['id']}']").count() >= 1
    rgu.check_accessibility("review queue")
    rgu.navigate(rgu.page.locator(f"a[href='/reports/{report['id']}']").first.click,
                 "report-to-decide")
    rgu.page.locator("#return-comment").fill(COMMENT)
    rgu.navigate(rgu.page.locator("form[action$='/return'] button[type=submit]").click,
                 "report-returned")
    assert report_of(site)["status"] == "returned"

    kgu = tab("kgu")
    kgu.go(f"/reports/{report['id']}", "report-with-comment")
    assert COMMENT in kgu.page.locator("#rgu-comment").inner_text()
    assert kgu.page.locator("#report-form").is_visible()  # to correct and submit again
    kgu.check_accessibility("returned report")


def _unread(tab):
    """The unread count of the badge on the page shown (0 without a badge)."""
    badge = tab.page.locator("#unread-count")
    return int(badge.inner_text().strip() or 0) if badge.count() else 0


def test_the_rgu_moves_a_due_date_the_gantt_shows_the_slip_and_the_kgu_inbox_grows(tab, site):
    plan = plan_of(site)
    if plan["status"] == "draft":  # approved: the baseline the slip is measured against
        site.api("PATCH", f"/plans/{plan['id']}", expect=200,
                 json={"version": plan["version"], "status": "approved"})
    tasks = site.api("GET", "/tasks", expect=200, params={
        "plan_id": plan["id"], "region": OWN, "project": "mediation", "limit": 50}).json()
    task = next(t for t in tasks["items"] if t.get("kind") == "task" and t["due_date"])
    kgu = tab("kgu")
    kgu.go("/kgu", "kgu-home-before")
    before = _unread(kgu)

    rgu = tab("rgu")
    rgu.go(f"/plans/{plan['id']}/tasks/{task['id']}", "task")
    later = date.fromisoformat(task["due_date"]) + timedelta(days=14)
    rgu.page.locator("#due-date").fill(later.isoformat())
    rgu.page.locator("#due-reason").fill("Облыстық кеңес отырысы ауыстырылды")
    rgu.navigate(rgu.page.locator("form[action$='/due'] button[type=submit]").click,
                 "due-date-moved")
    rgu.go(f"/plans/{plan['id']}", "plan-gantt")
    rgu.page.locator("#gantt svg .slip-mark").first.wait_for(state="attached", timeout=15000)
    assert rgu.page.locator(f"#task-{task['id']}.slipped").count() == 1
    rgu.shot("plan-gantt-slip")
    rgu.check_accessibility("plan with a slip")

    deadline = time.monotonic() + 60  # the event reaches the inbox through the broker
    while True:
        kgu.go("/kgu", "kgu-home-after")
        if _unread(kgu) > before:
            break
        assert time.monotonic() < deadline, f"the KGU's unread count stayed at {before}"
        time.sleep(1)


def test_a_kgu_cannot_open_another_regions_plan_by_url(tab, site):
    foreign = plan_of(site, OTHER)
    kgu = tab("kgu")
    # refused, or not found (the API's answer for another region's record: its existence
    # is not told either)
    kgu.go(f"/plans/{foreign['id']}", "foreign-plan", status=(403, 404))
    assert OTHER not in kgu.page.locator("#main").inner_text()
    own = plan_of(site, OWN)
    kgu.go(f"/plans/{own['id']}", "own-plan")
    kgu.check_accessibility("own plan")
