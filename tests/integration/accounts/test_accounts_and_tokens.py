"""Accounts managed through the API (the RGU administrator; a KGU coordinator in its region
only) and personal API tokens, against the real gateway."""
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.gateway.helpers import problem
from tests.support_accounts import API

pytestmark = pytest.mark.broker


def _gateway_rows(platform, table):
    from kelisim.db.engine import make_engine
    engine = make_engine(platform.gateway.gateway_db)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
    finally:
        engine.dispose()


def test_a_coordinator_manages_its_region_only_and_never_an_administrator(platform):
    platform.account("coord61@example.kz")
    platform.account("coord75@example.kz", region="KZ-75")
    coordinator = platform.browser()
    coordinator.sign_in("coord61@example.kz")
    listed = coordinator.request("GET", f"{API}/accounts").json()
    assert {a["region_code"] for a in listed["items"]} == {"KZ-61"}
    assert listed["total"] == 1
    problem(coordinator.request("GET", f"{API}/accounts", params={"region": "KZ-75"}), 403)
    others = platform.gateway.get(f"{API}/accounts", params={"region": "KZ-75"}).json()["items"]
    assert [a["login"] for a in others] == ["coord75@example.kz"]
    other = others[0]
    problem(coordinator.request("GET", f"{API}/accounts/{other['id']}"), 404)
    problem(coordinator.request("PATCH", f"{API}/accounts/{other['id']}", json={
        "version": other["version"], "active": False}), 404)
    own_person = platform.person("KZ-61", "Жаңа қызметкер")
    far_person = platform.person("KZ-75", "Алматылық қызметкер")
    accounts_before = _gateway_rows(platform, "accounts")
    for body, status in (
            ({"login": "boss@example.kz", "role": "rgu_admin", "display_name_kk": "Бастық",
              "display_name_ru": "Начальник"}, 403),
            ({"login": "watcher@example.kz", "role": "observer", "display_name_kk": "Бақылаушы",
              "display_name_ru": "Наблюдатель"}, 403),
            ({"login": "far@example.kz", "role": "kgu_coordinator", "region_code": "KZ-75",
              "display_name_kk": "Алыс", "display_name_ru": "Далёкий"}, 403),
            ({"login": "far@example.kz", "role": "kgu_coordinator",
              "person_id": far_person["id"]}, 404)):  # another region's person is not found
        problem(coordinator.request("POST", f"{API}/accounts",
                                    json=dict(body, send_invitation=False)), status)
    assert _gateway_rows(platform, "accounts") == accounts_before
    made = coordinator.request("POST", f"{API}/accounts", json={
        "login": "new61@example.kz", "role": "kgu_coordinator", "person_id": own_person["id"],
        "send_invitation": False})
    assert made.status_code == 201, made.text
    promoted = coordinator.request("PATCH", f"{API}/accounts/{made.json()['id']}", json={
        "version": made.json()["version"], "role": "rgu_admin"})
    problem(promoted, 403)
    again = coordinator.request("POST", f"{API}/accounts", json={
        "login": "twice@example.kz", "role": "kgu_coordinator", "person_id": own_person["id"],
        "send_invitation": False})
    assert problem(again, 409)["errors"] == {"person_id": "a person may have one account"}


def test_observers_have_no_say_over_accounts(platform):
    platform.account("watch@example.kz", role="observer")
    platform.account("coordinator@example.kz")
    by_role = platform.gateway.get(f"{API}/accounts", params={"role": "observer"}).json()
    assert [a["login"] for a in by_role["items"]] == ["watch@example.kz"]
    assert by_role["total"] == 1
    observer = platform.browser()
    assert observer.sign_in("watch@example.kz").status_code == 200
    problem(observer.request("GET", f"{API}/accounts"), 403)
    problem(observer.request("POST", f"{API}/accounts", json={
        "login": "x@example.kz", "role": "observer", "display_name_kk": "x",
        "display_name_ru": "x"}), 403)
    assert observer.request("DELETE", f"{API}/session").status_code == 204


def test_personal_tokens_are_shown_once_act_as_the_person_and_expire(platform):
    account = platform.account("tokens@example.kz")
    browser = platform.browser()
    browser.sign_in("tokens@example.kz")
    soon = datetime.now(UTC) + timedelta(seconds=2)
    made = browser.request("POST", f"{API}/tokens", json={"name": "нотбук",
                                                         "expires_at": soon.isoformat()})
    assert made.status_code == 201, made.text
    secret = made.json()["token"]
    assert made.json()["account_id"] == account["id"] and made.json()["role"] == "kgu_coordinator"
    listed = browser.request("GET", f"{API}/tokens").json()
    assert [t["name"] for t in listed] == ["нотбук"] and secret not in str(listed)
    me = platform.gateway.get(f"{API}/session", who=secret).json()
    assert me["actor"]["id"] == f"account:{account['id']}" and me["csrf_token"] is None
    assert me["actor"]["name"] == "Қызметкер tokens"
    problem(platform.gateway.get(f"{API}/org-units", params={"region": "KZ-75"}, who=secret), 403)
    from tests.support import wait_for
    wait_for(lambda: platform.gateway.get(f"{API}/regions", who=secret).status_code == 401,
             timeout=10, interval=0.3)
    problem(browser.request("POST", f"{API}/tokens", json={
        "name": "past", "expires_at": "2020-01-01T00:00:00+00:00"}), 422)


def test_a_person_revokes_their_own_tokens_and_the_administrator_anyones(platform):
    platform.account("first@example.kz")
    platform.account("second@example.kz")
    first, second = platform.browser(), platform.browser()
    first.sign_in("first@example.kz")
    second.sign_in("second@example.kz")
    mine = first.request("POST", f"{API}/tokens", json={"name": "a"}).json()
    theirs = second.request("POST", f"{API}/tokens", json={"name": "b"}).json()
    problem(first.request("DELETE", f"{API}/tokens/{theirs['id']}"), 404)
    problem(first.request("GET", f"{API}/tokens",
                          params={"account_id": theirs["account_id"]}), 403)
    assert platform.gateway.get(f"{API}/regions", who=theirs["token"]).status_code == 200
    revoked = first.request("DELETE", f"{API}/tokens/{mine['id']}")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    problem(platform.gateway.get(f"{API}/regions", who=mine["token"]), 401)
    listed = platform.gateway.get(f"{API}/tokens",
                                  params={"account_id": theirs["account_id"]}).json()
    assert [t["id"] for t in listed] == [theirs["id"]]
    assert platform.gateway.request("DELETE", f"{API}/tokens/{theirs['id']}").status_code == 200
    problem(platform.gateway.get(f"{API}/regions", who=theirs["token"]), 401)
    # a bare API token is nobody's: it cannot make personal tokens
    problem(platform.gateway.post(f"{API}/tokens", {"name": "x"}), 403)
