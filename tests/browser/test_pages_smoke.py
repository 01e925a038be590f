"""Every page of the web interface opens in Chromium without a console error, keeps a
screenshot, and passes axe-core (no serious or critical violation), for the readers who
may see it."""
import pytest

from tests.browser.samples import LOGINS, OWN, plan_of, report_of
from tests.site import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.broker]


def test_sign_in_page_signs_in_through_the_form_by_keyboard(tab):
    anonymous = tab(None)
    anonymous.go("/rgu", "rgu-anonymous")  # 303 to sign in, then the form
    page = anonymous.page
    assert "/sign-in" in page.url and "next=%2Frgu" in page.url
    assert page.locator("html").get_attribute("lang") == "kk"
    anonymous.check_accessibility("sign-in")
    # by keyboard alone: the login field, Tab to the password, Enter sends the form
    page.locator("#login").focus()
    page.keyboard.type(LOGINS["rgu"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type("a wrong password")
    anonymous.expect(401, "/sign-in")
    anonymous.navigate(lambda: page.keyboard.press("Enter"), "sign-in-refused", 401)
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("#login").get_attribute("aria-invalid") == "true"
    assert page.locator("#login").input_value() == LOGINS["rgu"]  # kept
    anonymous.check_accessibility("sign-in refused")
    page.locator("#password").fill(PASSWORD)
    anonymous.navigate(lambda: page.locator("#password").press("Enter"), "rgu-after-sign-in")
    assert page.url.endswith("/rgu")


def test_account_page_creates_a_token_shown_once(tab):
    rgu = tab("rgu")
    rgu.go("/account", "account")
    assert LOGINS["rgu"] in rgu.page.content()
    rgu.check_accessibility("account")
    rgu.page.locator("#token-name").fill("браузер")
    rgu.navigate(rgu.page.locator("form[action='/account/tokens'] button").click,
                 "account-token-created", 201)
    assert rgu.page.locator("#new-token").inner_text().strip()
    rgu.check_accessibility("account, token created")


def test_api_documentation_renders_the_operations(tab):
    reader = tab(None)
    reader.go("/docs", "docs")
    reader.page.locator(".swagger-ui .opblock").first.wait_for(timeout=20000)
    assert reader.page.locator(".swagger-ui .opblock").count() > 50
    assert reader.page.get_by_text("/api/v1/regions", exact=True).first.is_visible()
    reader.shot("docs-rendered")
    # the path inside an operation's summary is text (docs.js), deep linking still works:
    # opening an operation puts it in the address
    reader.page.locator(".swagger-ui .opblock-summary-control").first.click()
    reader.page.wait_for_function("location.hash.startsWith('#/')", timeout=10000)


def test_api_documentation_is_accessible(tab):
    reader = tab(None)
    reader.go("/docs", "docs")
    reader.page.locator(".swagger-ui .opblock").first.wait_for(timeout=20000)
    reader.check_accessibility("docs")
    reader.shot("docs-accessible")
    reader.page.locator(".swagger-ui .opblock-summary-control").first.click()
    reader.page.locator(".swagger-ui .opblock-body").first.wait_for(timeout=10000)
    reader.shot("docs-operation-open")
    reader.check_accessibility("docs, an operation open")
    reader.page.locator(".swagger-ui .btn.authorize").first.click()
    reader.page.locator(".swagger-ui .modal-ux").first.wait_for(timeout=10000)
    reader.check_accessibility("docs, Authorize open")


def test_language_switch_to_russian_and_back(tab):
    kgu = tab("kgu")
    kgu.go("/account", "account-kk")
    page = kgu.page
    assert page.locator("html").get_attribute("lang") == "kk"
    page.locator("details.dropdown summary").click()
    kgu.navigate(page.locator("a[hreflang=ru]").click, "account-ru")
    assert page.locator("html").get_attribute("lang") == "ru"
    kgu.check_accessibility("account in Russian")
    kgu.go("/kgu", "kgu-ru")  # the choice is remembered on the next page
    assert page.locator("html").get_attribute("lang") == "ru"
    page.locator("details.dropdown summary").click()
    kgu.navigate(page.locator("a[hreflang=kk]").click, "kgu-kk")
    assert page.locator("html").get_attribute("lang") == "kk"


def _pages(site, reader):
    """The pages ``reader`` may open, with the data of Turkistan the platform has."""
    plan = plan_of(site)
    task = site.api("GET", "/tasks", expect=200, params={
        "plan_id": plan["id"], "region": OWN, "limit": 1}).json()["items"][0]
    report = report_of(site)
    event = site.api("GET", "/events", expect=200, params={"region": OWN}).json()
    event = (event["items"] if isinstance(event, dict) else event) or [site.api(
        "POST", "/events", expect=201, json={
            "starts_at": "2026-05-01T10:00:00", "kind": "meeting", "region": OWN,
            "title_kk": "Аналар кеңесінің отырысы", "participants": 12}).json()]
    common = ["/account", "/plans", f"/plans/{plan['id']}",
              f"/plans/{plan['id']}/tasks/{task['id']}", "/reports", f"/reports/{report['id']}",
              "/events", f"/events/{event[0]['id']}", "/registry", "/registry/structures",
              "/registry/people", "/registry/organisations"]
    rgu = ["/rgu", f"/rgu/regions/{OWN}", "/rgu/risks/3/3", "/review", "/review/rates",
           "/review/rollups"]
    inbox = ["/inbox", "/inbox/preferences", "/webhooks", "/events/new"]
    return {"rgu": rgu + common + inbox, "kgu": ["/kgu"] + common + inbox,
            "observer": rgu + common}[reader]


@pytest.mark.parametrize("reader", ["rgu", "kgu", "observer"])
def test_every_page_opens_without_console_errors_and_passes_axe(tab, site, reader):
    """Each page a reader may open: 200, no console error, no serious or critical axe-core
    violation. Every page is tried; the failures of all of them are listed together."""
    browser, failed = tab(reader), []
    for path in _pages(site, reader):
        try:
            browser.go(path)
            browser.check_accessibility(path)
        except AssertionError as exc:
            failed.append(f"{path}: {exc}")
    assert not failed, f"{len(failed)} pages of {reader} fail:\n" + "\n".join(failed)


def test_the_anonymous_pages_pass_axe(tab):
    anonymous, failed = tab(None), []
    for path in ("/sign-in", "/set-password"):
        try:
            anonymous.go(path)
            anonymous.check_accessibility(path)
        except AssertionError as exc:
            failed.append(f"{path}: {exc}")
    assert not failed, "\n".join(failed)
