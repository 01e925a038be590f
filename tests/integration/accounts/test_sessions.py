"""Signing in with a password, the session cookie, CSRF, signing out and ending sessions,
against the real gateway (and registry, notifications, an SMTP server)."""
import re

import pytest

from tests.integration.gateway.helpers import problem
from tests.support import wait_for
from tests.support_accounts import API, PASSWORD

pytestmark = pytest.mark.broker


def test_an_e_mailed_invitation_sets_the_password_once_then_the_person_signs_in(platform):
    person = platform.person("KZ-61", "Айгүл Сапарова")
    made = platform.gateway.post(f"{API}/accounts", {
        "login": "Aigul.Saparova@Example.kz", "role": "kgu_coordinator",
        "person_id": person["id"]})
    assert made.status_code == 201, made.text
    account = made.json()
    assert account["login"] == "aigul.saparova@example.kz"
    assert account["display_name_kk"] == "Айгүл Сапарова" and account["region_code"] == "KZ-61"
    assert account["org_unit_name_ru"] and not account["has_password"]
    assert account["invitation"]["purpose"] == "invitation" and account["invitation"]["sent"]
    mail = wait_for(lambda: platform.mailbox.to("aigul.saparova@example.kz"))[-1]
    token = re.search(r"/set-password#token=([\w-]+)", mail.get_content()).group(1)
    assert token not in made.text
    browser = platform.browser()
    problem(browser.request("POST", f"{API}/password", json={"token": token,
                                                              "password": "short"}), 422)
    assert browser.request("POST", f"{API}/password", json={
        "token": token, "password": PASSWORD}).status_code == 204
    used = browser.request("POST", f"{API}/password", json={"token": token,
                                                             "password": PASSWORD + "!"})
    assert problem(used, 403)["type"] == "urn:kelisim:problem:link-invalid"
    signed = browser.sign_in("AIGUL.saparova@example.kz")
    assert signed.status_code == 200, signed.text
    assert PASSWORD not in signed.text
    me = browser.request("GET", f"{API}/session").json()
    assert me["account"]["id"] == account["id"] and me["account"]["last_sign_in_at"]
    assert me["actor"]["name"] == "Айгүл Сапарова"
    assert me["actor"]["id"] == f"account:{account['id']}"


def test_the_cookie_is_httponly_lax_and_secure_only_behind_tls(platform):
    platform.account("cookie@example.kz")
    plain = platform.browser().sign_in("cookie@example.kz")
    cookie = plain.headers["Set-Cookie"]
    assert cookie.startswith("kelisim_session=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Secure" not in cookie
    proxied = platform.browser().sign_in("cookie@example.kz",
                                         headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in proxied.headers["Set-Cookie"]
    assert "HttpOnly" in proxied.headers["Set-Cookie"]


def test_untrusted_forwarded_proto_does_not_make_a_cookie_secure(start_gateway):
    gateway = start_gateway(TRUSTED_PROXIES=["10.9.9.9"])
    response = gateway.post(f"{API}/session", {"login": "x@example.kz", "password": "y"},
                            who=None, headers={"X-Forwarded-Proto": "https"})
    problem(response, 401)
    assert "Set-Cookie" not in response.headers


def test_changes_with_a_cookie_need_the_csrf_token_and_nothing_changes_without(platform):
    platform.account("csrf@example.kz")
    browser = platform.browser()
    browser.sign_in("csrf@example.kz")
    kgu = browser.request("GET", f"{API}/regions/KZ-61/kgu").json()["org_unit"]["id"]
    before = browser.request("GET", f"{API}/people", params={"org_unit_id": kgu}).json()
    body = {"full_name": "CSRF жоқ", "org_unit_id": kgu}
    for headers in ({}, {"X-CSRF-Token": "0" * 64}, {"X-CSRF-Token": ""}):
        refused = browser.request("POST", f"{API}/people", json=body, csrf=False,
                                  headers=headers)
        assert problem(refused, 403)["type"] == "urn:kelisim:problem:csrf-failed"
    assert browser.request("GET", f"{API}/people", params={"org_unit_id": kgu}).json() == before
    made = browser.request("POST", f"{API}/people", json=body)
    assert made.status_code == 201, made.text
    problem(browser.request("DELETE", f"{API}/session", csrf=False), 403)
    assert browser.request("GET", f"{API}/session").status_code == 200


def test_sign_out_ends_the_session_at_once(platform):
    platform.account("signout@example.kz")
    browser = platform.browser()
    browser.sign_in("signout@example.kz")
    cookie = browser.jar.cookies.get("kelisim_session")
    assert browser.request("GET", f"{API}/tasks").status_code != 401
    out = browser.request("DELETE", f"{API}/session")
    assert out.status_code == 204 and "kelisim_session=;" in out.headers["Set-Cookie"]
    stale = platform.browser()
    stale.jar.cookies.set("kelisim_session", cookie)
    body = problem(stale.request("GET", f"{API}/regions"), 401)
    assert body["type"] == "urn:kelisim:problem:session-invalid"


def test_a_session_expires(start_gateway):
    from tests.support_accounts import Platform
    # Long enough that a sign-in on a loaded machine (password hashing, two requests) still
    # finds the session alive; 1.5 s expired before the first read under a load of 20.
    gateway = start_gateway(SESSION_SECONDS=6)
    platform = Platform(gateway, None)
    platform.account("expiry@example.kz")
    browser = platform.browser()
    assert browser.sign_in("expiry@example.kz").status_code == 200
    assert browser.request("GET", f"{API}/regions").status_code == 200
    wait_for(lambda: browser.request("GET", f"{API}/regions").status_code == 401, timeout=20,
             interval=0.3)
    problem(browser.request("GET", f"{API}/regions"), 401)


def test_wrong_password_unknown_login_and_disabled_account_look_alike(platform):
    account = platform.account("alike@example.kz")
    platform.account("off@example.kz")
    off = platform.gateway.get(f"{API}/accounts", params={"region": "KZ-61"}).json()["items"]
    off = next(a for a in off if a["login"] == "off@example.kz")
    assert platform.gateway.patch(f"{API}/accounts/{off['id']}", {
        "version": off["version"], "active": False}).status_code == 200
    answers = [platform.browser().sign_in(login, password) for login, password in (
        ("alike@example.kz", PASSWORD + "x"), ("nobody@example.kz", PASSWORD),
        ("off@example.kz", PASSWORD), ("alike@example.kz", ""))]
    details = {(r.status_code, r.json()["detail"]) for r in answers[:3]}
    assert len(details) == 1 and details.pop()[0] == 401
    problem(answers[3], 422)  # an empty password is not even tried
    assert all("Set-Cookie" not in r.headers for r in answers)
    got = platform.gateway.get(f"{API}/accounts/{account['id']}").json()
    assert got["last_sign_in_at"] is None


def test_disabling_an_account_ends_its_sessions_and_tokens_at_once(platform):
    account = platform.account("leaver@example.kz")
    browsers = [platform.browser() for _ in range(2)]
    for browser in browsers:
        assert browser.sign_in("leaver@example.kz").status_code == 200
    issued = browsers[0].request("POST", f"{API}/tokens", json={"name": "script"})
    assert issued.status_code == 201, issued.text
    secret = issued.json()["token"]
    assert platform.gateway.get(f"{API}/regions", who=secret).status_code == 200
    current = platform.gateway.get(f"{API}/accounts/{account['id']}").json()
    disabled = platform.gateway.patch(f"{API}/accounts/{account['id']}", {
        "version": current["version"], "active": False})
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    for browser in browsers:
        problem(browser.request("GET", f"{API}/regions"), 401)
    problem(platform.gateway.get(f"{API}/regions", who=secret), 401)
    problem(platform.browser().sign_in("leaver@example.kz"), 401)
    enabled = platform.gateway.patch(f"{API}/accounts/{account['id']}", {
        "version": disabled.json()["version"], "active": True})
    assert enabled.status_code == 200
    problem(browsers[0].request("GET", f"{API}/regions"), 401)  # ended stays ended
    problem(platform.gateway.get(f"{API}/regions", who=secret), 401)


def test_an_expired_or_superseded_link_sets_nothing(platform):
    account = platform.account("links@example.kz", password=None)
    first = platform.link(account["id"])
    second = platform.link(account["id"])  # a new link voids the older one
    browser = platform.browser()
    problem(browser.request("POST", f"{API}/password", json={"token": first,
                                                             "password": PASSWORD}), 403)
    problem(browser.request("POST", f"{API}/password", json={"token": "made-up",
                                                             "password": PASSWORD}), 403)
    from datetime import timedelta

    from gateway.adapters.accounts import AccountRepository
    from gateway.domain.opaque import digest
    from tests.support import on_database

    def expire(uow):
        with uow:
            link = uow.repo.link_by_hash(digest(second))
            link.expires_at = link.created_at - timedelta(seconds=1)
            uow.commit()
    on_database(platform.gateway.gateway_db, AccountRepository, expire)
    problem(browser.request("POST", f"{API}/password", json={"token": second,
                                                             "password": PASSWORD}), 403)
    problem(browser.sign_in("links@example.kz"), 401)
    assert platform.gateway.get(f"{API}/accounts/{account['id']}").json()["has_password"] is False


def test_a_reset_is_e_mailed_only_for_an_existing_active_login_yet_answered_alike(platform):
    platform.account("reset@example.kz")
    browser = platform.browser()
    answers = [browser.request("POST", f"{API}/password-reset", json={"login": login})
               for login in ("RESET@example.kz", "ghost@example.kz")]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    mail = wait_for(lambda: platform.mailbox.to("reset@example.kz"))[-1]
    assert mail["X-Kelisim-Account-Link"] == "reset"
    token = re.search(r"#token=([\w-]+)", mail.get_content()).group(1)
    new = "Жаңа құпиясөз 2027"
    assert browser.request("POST", f"{API}/password",
                           json={"token": token, "password": new}).status_code == 204
    problem(platform.browser().sign_in("reset@example.kz"), 401)
    assert platform.browser().sign_in("reset@example.kz", new).status_code == 200
    assert not platform.mailbox.to("ghost@example.kz")


def test_a_token_beside_a_session_cookie_decides_alone(platform):
    """The gateway reads the cookie only when no Authorization header is sent: a valid
    token acts without the session's CSRF token, and an unknown token is refused even
    beside a live session."""
    platform.account("both@example.kz")
    browser = platform.browser()
    browser.sign_in("both@example.kz")
    kgu = browser.request("GET", f"{API}/regions/KZ-61/kgu").json()["org_unit"]["id"]
    body = {"full_name": "Токен мен cookie", "org_unit_id": kgu}
    admin = platform.gateway.headers("admin")["Authorization"]
    made = browser.request("POST", f"{API}/people", json=body, csrf=False,
                           headers={"Authorization": admin})
    assert made.status_code == 201, made.text
    refused = browser.request("GET", f"{API}/regions", headers={
        "Authorization": "Bearer " + "0" * 43})
    assert problem(refused, 401)["type"] == "urn:kelisim:problem:unauthorized"
    assert browser.request("GET", f"{API}/regions").status_code == 200
