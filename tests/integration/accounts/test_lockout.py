"""Repeated failed sign-ins at the real gateway: slowed, then locked, per login (whether it
exists or not) and per address, counted in a metric, without telling which logins exist."""
import re

import pytest

from tests.integration.gateway.helpers import problem
from tests.support_accounts import PASSWORD, Platform

pytestmark = pytest.mark.broker


def _sign_ins(gateway, outcome):
    text = gateway.get("/metrics", who=None).text
    found = re.search(rf'kelisim_gateway_sign_ins_total{{outcome="{outcome}"}} ([0-9.]+)', text)
    return float(found.group(1)) if found else 0.0


def test_failures_lock_a_login_alike_for_real_and_unknown_logins(start_gateway):
    gateway = start_gateway(TRUSTED_PROXIES=["127.0.0.1"], SIGN_IN_THROTTLE={
        "slow_after": 100, "lock_after": 3, "lock_seconds": 600})
    platform = Platform(gateway, None)
    platform.account("locked@example.kz")
    locked_before = _sign_ins(gateway, "locked")
    answers = {}
    for login in ("locked@example.kz", "unknown@example.kz"):
        browser = platform.browser()
        for attempt in range(3):  # each from its own address: only the login counts
            wrong = browser.sign_in(login, "not the password",
                                    headers={"X-Forwarded-For": f"10.0.{attempt}.1"})
            problem(wrong, 401)
        answers[login] = browser.sign_in(login, PASSWORD, headers={
            "X-Forwarded-For": "10.9.9.9"})
    for response in answers.values():
        body = problem(response, 429)
        assert 590 <= int(response.headers["Retry-After"]) <= 600
        assert "Set-Cookie" not in response.headers
    details = {re.sub(r"\d+", "N", r.json()["detail"]) for r in answers.values()}
    assert len(details) == 1 and body["type"] == "urn:kelisim:problem:too-many-attempts"
    assert _sign_ins(gateway, "locked") == locked_before + 2
    assert _sign_ins(gateway, "throttled") >= 2
    other = platform.browser()  # the lock is the login's, not everyone's
    platform.account("other@example.kz")
    assert other.sign_in("other@example.kz", headers={
        "X-Forwarded-For": "10.0.0.1"}).status_code == 200


def test_one_address_guessing_many_logins_is_slowed(start_gateway):
    gateway = start_gateway(TRUSTED_PROXIES=["127.0.0.1"], SIGN_IN_THROTTLE={
        "slow_after": 2, "base_delay": 60, "max_delay": 60, "lock_after": 50})
    platform = Platform(gateway, None)
    platform.account("victim@example.kz")
    browser = platform.browser()
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for login in ("a@example.kz", "b@example.kz"):
        problem(browser.sign_in(login, "guess", headers=guesser), 401)
    slowed = browser.sign_in("victim@example.kz", headers=guesser)
    problem(slowed, 429)
    assert 55 <= int(slowed.headers["Retry-After"]) <= 60
    # the same account from another address is not held back by the guesser
    assert browser.sign_in("victim@example.kz", headers={
        "X-Forwarded-For": "198.51.100.2"}).status_code == 200
