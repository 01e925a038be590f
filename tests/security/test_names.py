"""Names everywhere: the audit log, change histories and report decisions say who acted, by
the person's name and org unit, not by an id."""
import pytest

from tests.security.deployment import API, PASSWORD, cookieless_session
from tests.security.targets import Targets, set_password

pytestmark = [pytest.mark.broker, pytest.mark.security]


def _signed_in(deployment, login):
    browser = cookieless_session()
    response = browser.post(f"{deployment.url}{API}/session",
                            json={"login": login, "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    secret = response.cookies["kelisim_session"]
    return {"Cookie": f"kelisim_session={secret}",
            "X-CSRF-Token": response.json()["csrf_token"], "Accept-Language": "en"}


def test_who_acted_is_named_with_their_org_unit(deployment):
    t = Targets(deployment)
    account = t.account()  # a Turkistan coordinator for a person of Turkistan's KGU
    set_password(deployment.db("gateway"), account["id"], PASSWORD)
    person_name = account["display_name_kk"]
    unit = f"{account['org_unit_name_kk']} / {account['org_unit_name_ru']}"
    headers = _signed_in(deployment, account["login"])
    made = deployment.session.post(f"{deployment.url}{API}/people", headers=headers, json={
        "full_name": "Жаңа медиатор", "org_unit_id": t.kgu()}, timeout=30)
    assert made.status_code == 201, made.text
    audit = deployment.ok("GET", f"{API}/audit", params={
        "entity": "person", "entity_id": made.json()["id"]})["items"]
    assert [(e["actor_id"], e["actor_name"], e["actor_org_unit"]) for e in audit] == [
        (f"account:{account['id']}", person_name, unit)]
    task = t.task()
    changed = deployment.session.patch(f"{deployment.url}{API}/tasks/{task['id']}",
                                       headers=headers, timeout=30, json={
                                           "version": task["version"], "progress": 25})
    assert changed.status_code == 200, changed.text
    history = deployment.ok("GET", f"{API}/tasks/{task['id']}/history")
    latest = history["items"][0] if isinstance(history, dict) else history[0]
    assert (latest["actor_name"], latest["actor_org_unit"]) == (person_name, unit)


def test_a_report_decision_names_the_administrator(deployment):
    t = Targets(deployment)
    report = t.report("submitted")
    accepted = deployment.ok("POST", f"{API}/reports/{report['id']}/accept", who="admin~session",
                             json={"version": report["version"]})
    assert accepted["decided_by"] == deployment.actors["admin"]
    assert accepted["decided_by_name"] == "admin (kk) / admin (ru)"
    again = deployment.ok("GET", f"{API}/reports/{report['id']}")
    assert again["decided_by_name"] == "admin (kk) / admin (ru)"
    history = deployment.ok("GET", f"{API}/reports/{report['id']}/history")
    decisions = [e for e in history if e["actor_id"] == deployment.actors["admin"]]
    assert decisions and {e["actor_name"] for e in decisions} == {"admin (kk) / admin (ru)"}
