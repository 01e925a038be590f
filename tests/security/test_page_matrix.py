"""Every web page (``@page``) x every kind of reader, over the running platform, at the HTTP
level (the session cookie a browser keeps; no browser needed).

As the API's matrix (test_authorisation_matrix.py), the page list is the gateway's own, so
a new page fails here until it is given a target below. Readers: no session (anonymous),
the RGU administrator, Turkistan's coordinator on Turkistan's data, Almaty's coordinator
("stranger") on Turkistan's data, and an observer. Expected: anonymous → 303 to
``/sign-in?next=<the page>``; a role the page does not name → 403; another region's
coordinator → 403 or 404 on Turkistan's pages and forms (or 303 to its own home /kgu, as
the RGU's region page sends coordinators); the observer reads the pages
open to it and every form it posts is a 403; the RGU and Turkistan's coordinator open the
pages (200, or 303 where the page sends a reader elsewhere).
"""
import inspect

import pytest

from gateway.entrypoints.service import GatewayService
from tests.security.deployment import OWN
from tests.security.targets import Targets

pytestmark = [pytest.mark.broker, pytest.mark.security]
PAGES = sorted((member.page_spec for _, member in inspect.getmembers(GatewayService)
                if hasattr(member, "page_spec")), key=lambda spec: (spec.path, spec.method))
READERS = ("anonymous", "admin", "coordinator", "stranger", "observer")
ROLE = {"admin": "rgu_admin", "coordinator": "kgu_coordinator", "stranger": "kgu_coordinator",
        "observer": "observer"}


def _task(t):
    task = t.task()
    return task["plan_id"], task["id"]


def _plan_task(suffix):
    def make(t):
        plan_id, task_id = _task(t)
        return f"/plans/{plan_id}/tasks/{task_id}{suffix}"
    return make


def _assignment(t):
    task_id, assignment_id = t.assignment()
    return f"/plans/{t.plan()['id']}/tasks/{task_id}/assignments/{assignment_id}/remove"


def _dependency(t):
    first, second = t.linked_tasks()
    return f"/plans/{t.plan()['id']}/tasks/{second}/dependencies/{first}/remove"


def _task_attachment(t):
    plan_id, task_id = _task(t)
    return f"/plans/{plan_id}/tasks/{task_id}/attachments/" \
           f"{t.attachment_of('tasks', task_id)}/remove"


def _event_attachment(t):
    event_id = t.event()["id"]
    return f"/events/{event_id}/attachments/{t.attachment_of('events', event_id)}/remove"


def _report_attachment(t):
    report_id = t.report()["id"]
    return f"/reports/{report_id}/attachments/{t.attachment_of('reports', report_id)}/remove"


# page name -> (scope, make(t) -> path). "public": no session needed; "personal": the
# reader's own (account, tokens); "national": every reader sees its own share (a listing,
# the programme); "regional": Turkistan's record.
PAGE_TARGETS = {
    "web_start": ("national", lambda t: "/"),
    "web_static": ("public", lambda t: "/static/kelisim.css"),
    "web_api_docs": ("public", lambda t: "/docs"),
    "web_sign_in_form": ("public", lambda t: "/sign-in"),
    "web_sign_in": ("public", lambda t: "/sign-in"),
    "web_set_password_form": ("public", lambda t: "/set-password"),
    "web_set_password": ("public", lambda t: "/set-password"),
    "web_sign_out": ("personal", lambda t: "/sign-out"),
    "web_account": ("personal", lambda t: "/account"),
    "web_create_token": ("personal", lambda t: "/account/tokens"),
    "web_revoke_token": ("personal", lambda t: "/account/tokens/1/revoke"),
    "web_rgu_home": ("national", lambda t: "/rgu"),
    "web_rgu_region": ("regional", lambda t: f"/rgu/regions/{OWN}"),
    "web_rgu_risks": ("national", lambda t: "/rgu/risks/3/3"),
    "web_kgu_home": ("national", lambda t: "/kgu"),
    "web_plans": ("national", lambda t: "/plans"),
    "web_plan": ("regional", lambda t: f"/plans/{t.plan()['id']}"),
    "web_approve_plan": ("regional", lambda t: f"/plans/{t.plan()['id']}/approve"),
    "web_plan_task": ("regional", _plan_task("")),
    "web_move_due": ("regional", _plan_task("/due")),
    "web_set_progress": ("regional", _plan_task("/progress")),
    "web_add_assignment": ("regional", _plan_task("/assignments")),
    "web_remove_assignment": ("regional", _assignment),
    "web_add_dependency": ("regional", _plan_task("/dependencies")),
    "web_remove_dependency": ("regional", _dependency),
    "web_reports": ("national", lambda t: "/reports"),
    "web_report": ("regional", lambda t: f"/reports/{t.report()['id']}"),
    "web_report_save": ("regional", lambda t: f"/reports/{t.report()['id']}"),
    "web_report_accept": ("regional", lambda t: f"/reports/{t.report('submitted')['id']}/accept"),
    "web_report_return": ("regional", lambda t: f"/reports/{t.report('submitted')['id']}/return"),
    "web_report_reopen": ("regional", lambda t: f"/reports/{t.report('accepted')['id']}/reopen"),
    "web_review": ("national", lambda t: "/review"),
    "web_review_rates": ("national", lambda t: "/review/rates"),
    "web_review_rollups": ("national", lambda t: "/review/rollups"),
    "web_inbox": ("national", lambda t: "/inbox"),
    "web_mark_read": ("regional", lambda t: f"/inbox/{t.inbox_item()}/read"),
    "web_archive": ("regional", lambda t: f"/inbox/{t.inbox_item()}/archive"),
    "web_read_all": ("national", lambda t: "/inbox/read-all"),
    "web_preferences": ("national", lambda t: "/inbox/preferences"),
    "web_save_preferences": ("national", lambda t: "/inbox/preferences"),
    "web_save_language": ("national", lambda t: "/inbox/preferences/language"),
    "web_webhooks": ("national", lambda t: "/webhooks"),
    "web_create_webhook": ("national", lambda t: "/webhooks"),
    "web_delete_webhook": ("regional", lambda t: f"/webhooks/{t.webhook()}/delete"),
    "web_enable_webhook": ("regional", lambda t: f"/webhooks/{t.webhook()}/enable"),
    "web_events": ("national", lambda t: "/events"),
    "web_event": ("regional", lambda t: f"/events/{t.event()['id']}"),
    "web_event_form": ("national", lambda t: "/events/new"),
    "web_record_event": ("national", lambda t: "/events/new"),
    "web_task_attach": ("regional", _plan_task("/attachments")),
    "web_task_detach": ("regional", _task_attachment),
    "web_event_attach": ("regional", lambda t: f"/events/{t.event()['id']}/attachments"),
    "web_event_detach": ("regional", _event_attachment),
    "web_report_attach": ("regional", lambda t: f"/reports/{t.report()['id']}/attachments"),
    "web_report_detach": ("regional", _report_attachment),
    "web_registry": ("national", lambda t: "/registry"),
    "web_structures": ("national", lambda t: "/registry/structures"),
    "web_people": ("national", lambda t: "/registry/people"),
    "web_organisations": ("national", lambda t: "/registry/organisations"),
}


def expected(spec, scope, reader):
    """A tuple of the statuses allowed."""
    if scope == "public":
        return (200, 303, 400, 401, 403, 422) if spec.method == "POST" else (200,)
    if reader == "anonymous":
        return (303,)
    role = ROLE[reader]
    if spec.roles and role not in spec.roles:
        return (403,)
    if role == "observer" and spec.writes and not spec.personal:
        return (403,)
    if reader == "stranger" and scope == "regional":
        return (403, 404, 303)  # 303: sent home (/kgu), checked below
    return (200, 303)


def ask(deployment, spec, path, reader):
    who = None if reader == "anonymous" else f"{reader}~session"
    form = {} if spec.method == "POST" else None
    return deployment.request(spec.method, path, who, data=form, allow_redirects=False,
                              headers={"Accept-Language": "en"})


def test_every_page_has_a_target():
    assert sorted(PAGE_TARGETS) == sorted(spec.name for spec in PAGES)


@pytest.mark.timeout(900)
def test_every_page_answers_each_reader_as_its_rules_say(deployment):
    """Pages read with GET by every reader; forms posted (with an empty form) by the
    readers who must be refused: anonymous, the observer, another region's coordinator,
    a role the form does not name. A refused form never reaches the service."""
    wrong = []
    for spec in PAGES:
        scope, make = PAGE_TARGETS[spec.name]
        if scope == "public" and spec.method == "POST" or \
                spec.method == "POST" and scope == "personal":
            continue  # signing in, setting a password, one's own tokens: tests/integration/web
        for reader in READERS:
            want = expected(spec, scope, reader)
            if spec.method == "POST" and 403 not in want and 303 not in want[:1]:
                continue  # an allowed form: its effect is the pages' integration tests' job
            path = make(Targets(deployment))
            answer = ask(deployment, spec, path, reader)
            where = f"{spec.method} {path} ({spec.name}) as {reader}: {answer.status_code}"
            if answer.status_code not in want:
                wrong.append(f"{where}, wanted {' or '.join(map(str, want))}")
            elif answer.status_code == 303 and reader == "anonymous" and scope != "public":
                location = answer.headers.get("Location", "")
                if not location.startswith("/sign-in?next="):
                    wrong.append(f"{where} to {location}, wanted /sign-in?next=...")
            elif answer.status_code == 303 and reader == "stranger" and scope == "regional" \
                    and answer.headers.get("Location") != "/kgu":
                wrong.append(f"{where} to {answer.headers.get('Location')}, wanted /kgu")
            elif answer.status_code == 200 and reader == "stranger" and scope == "regional":
                wrong.append(f"{where}: Almaty's coordinator sees Turkistan's page")
    assert not wrong, "\n".join(wrong)
