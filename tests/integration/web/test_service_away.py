"""A page whose service is not running says so (503, in the reader's language), and a page
whose own service answers is shown without the inbox count when notifications is away or
late."""
import time

import pytest
from nameko.rpc import rpc

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data as load_projects
from services.reports.adapters.repository import ReportsRepository
from services.reports.entrypoints.service import ReportsService
from services.reports.service_layer.register import load_reference_kinds
from tests.integration.gateway.helpers import API, LATE, ok

pytestmark = pytest.mark.broker


def test_a_page_of_a_service_that_is_not_running_is_a_503_page(start_gateway):
    gateway = start_gateway(RPC_TIMEOUT=LATE)  # the registry alone runs
    page = gateway.get("/plans?lang=ru", allow_redirects=False)
    assert page.status_code == 503
    assert page.headers["Content-Type"].startswith("text/html")
    assert "projects" in page.text and '<html lang="ru">' in page.text

    registry = gateway.get("/registry", allow_redirects=False)
    assert registry.status_code == 200, registry.text[-2000:]
    assert 'id="unread-count"' not in registry.text


class Notifications:
    """A notifications service on the broker, to be stopped: its queue stays, so the
    gateway's calls are taken and never answered (late, a 504 at the API)."""
    name = "notifications"

    @rpc
    def unread_count(self, query):
        return {"unread": 7}


def test_a_page_is_shown_without_what_a_late_service_would_have_added(
        start_gateway, runner_factory, service_config):
    """A late notifications made every page a 504 (the inbox count of the header), and a
    late or absent service the whole KGU home page: only refusals were left out."""
    gateway = start_gateway(RPC_TIMEOUT=LATE)
    notifications = runner_factory(service_config("notifications", "sqlite://"), Notifications)
    notifications.start()
    assert 'id="unread-count"' in gateway.get("/registry").text
    notifications.kill()

    registry = gateway.get("/registry?lang=kk", allow_redirects=False)
    assert registry.status_code == 200, registry.text[-2000:]
    assert 'id="unread-count"' not in registry.text
    assert 'id="inbox-link"' in registry.text  # the inbox is still there, its count unknown
    # projects and reports not running, notifications late: the KGU's page, its region named
    home = gateway.get("/kgu?lang=kk", who="turkistan", allow_redirects=False)
    assert home.status_code == 200, home.text[-2000:]
    assert "KZ-61" in home.text or "Түркістан" in home.text
    assert "Кіріс хабарламаларды жүктеу мүмкін болмады" in home.text  # said, not left blank


def test_a_late_part_of_a_page_is_given_up_after_the_optional_deadline(
        start_gateway, runner_factory, service_config):
    """A late service that only adds to a page held the whole page for ``RPC_TIMEOUT``
    (10 s by default; a fresh-clone walk's plans page took 10.0 s with the registry
    stopped). Such a part now waits ``OPTIONAL_RPC_TIMEOUT``; the page's own service is
    still waited for ``RPC_TIMEOUT``, then a 504 page."""
    gateway = start_gateway(RPC_TIMEOUT=4, OPTIONAL_RPC_TIMEOUT=0.5)
    notifications = runner_factory(service_config("notifications", "sqlite://"), Notifications)
    notifications.start()
    assert 'id="unread-count"' in gateway.get("/registry").text
    notifications.kill()  # its queue stays: every call to it is taken and never answered

    started = time.monotonic()
    page = gateway.get("/registry?lang=kk", allow_redirects=False)
    waited = time.monotonic() - started
    assert page.status_code == 200, page.text[-2000:]
    assert 'id="unread-count"' not in page.text and 'id="inbox-link"' in page.text
    assert waited < 3.5, waited  # the count given up after 0.5 s, not the page's 4 s

    gateway.registry.kill()  # now the page's own service is late too
    started = time.monotonic()
    own = gateway.get("/registry?lang=kk", allow_redirects=False)
    waited = time.monotonic() - started
    assert own.status_code == 504, own.text[-2000:]
    assert waited >= 4, waited


class FailingNotifications:
    """A notifications service whose every answer is an unexpected error (its database
    down, say): the gateway gets nameko's RemoteError."""
    name = "notifications"

    @rpc
    def unread_count(self, query):
        raise RuntimeError("database is down")


def test_a_failing_inbox_count_leaves_every_page_and_error_page_whole(
        start_gateway, runner_factory, service_config):
    """An inbox count failing otherwise than refused or late failed every page with a 500,
    and a browser's error page with an empty text/plain 500 (the count asked again)."""
    gateway = start_gateway()
    runner_factory(service_config("notifications", "sqlite://"), FailingNotifications).start()
    registry = gateway.get("/registry?lang=ru", who="turkistan", allow_redirects=False)
    assert registry.status_code == 200, registry.text[-2000:]
    assert 'id="inbox-link"' in registry.text and 'id="unread-count"' not in registry.text
    # the inbox page itself fails (500): its error page, under the reader's header
    inbox = gateway.get("/inbox?lang=ru", who="turkistan", allow_redirects=False,
                        headers={"Accept": "text/html"})
    assert inbox.status_code == 500, inbox.text[-2000:]
    assert inbox.headers["Content-Type"].startswith("text/html")
    assert '<html lang="ru">' in inbox.text and 'id="inbox-link"' in inbox.text


class Projects:
    """A projects service with no plans: the plans page's own data."""
    name = "projects"

    @rpc
    def list_plans(self, query):
        return {"items": [], "total": 0, "limit": 100, "offset": 0}

    @rpc
    def list_projects(self):
        return []


def test_a_page_is_shown_without_region_names_when_the_registry_is_away(
        start_gateway, runner_factory, service_config):
    """The plans page (and the reports and events pages) asks the registry only for the
    regions' names, and failed whole (503) when it was not running."""
    gateway = start_gateway(registry=False)
    runner_factory(service_config("projects", "sqlite://"), Projects).start()
    plans = gateway.get("/plans?lang=kk", allow_redirects=False)
    assert plans.status_code == 200, plans.text[-2000:]


class FailingRegistry:
    """A registry whose every answer is an unexpected error (its database down)."""
    name = "registry"

    @rpc
    def list_regions(self):
        raise RuntimeError("database is down")


def test_a_page_is_shown_without_region_names_when_the_registry_fails(
        start_gateway, runner_factory, service_config):
    """``optional`` left out a service refusing, away or late, but a failing one (nameko's
    RemoteError) failed the whole page with a 500, unlike the inbox count."""
    gateway = start_gateway(registry=False)
    runner_factory(service_config("projects", "sqlite://"), Projects).start()
    runner_factory(service_config("registry", "sqlite://"), FailingRegistry).start()
    plans = gateway.get("/plans?lang=kk", allow_redirects=False)
    assert plans.status_code == 200, plans.text[-2000:]


def test_an_event_page_is_shown_without_its_organiser_when_the_registry_is_late(
        start_gateway, start, migrated, session_factory, tmp_path):
    """The event page asked the registry for the organising org unit outside ``optional``:
    a late registry (or one not running) made the reports service's page a 504 (503)."""
    gateway = start_gateway(RPC_TIMEOUT=LATE)
    reports_url = migrated("reports", f"sqlite:///{tmp_path / 'reports.db'}")
    load_reference_kinds(UnitOfWork(session_factory(reports_url), Context(), ReportsRepository))
    start(ReportsService, reports_url, REPORTS_JOB_EAGER=False)
    event = ok(gateway.post(f"{API}/events", {
        "starts_at": "2026-05-01T10:00:00", "kind": "meeting", "region": "KZ-61",
        "title_kk": "Аналар кеңесінің отырысы", "participants": 12}, who="turkistan"), 201)
    assert "Түркістан" in gateway.get(f"/events/{event['id']}?lang=kk").text
    gateway.registry.kill()  # its queue stays: every call to it is taken and never answered

    page = gateway.get(f"/events/{event['id']}?lang=kk", allow_redirects=False)
    assert page.status_code == 200, page.text[-2000:]
    assert "Аналар кеңесінің отырысы" in page.text
    assert "Түркістан" not in page.text  # the organiser's (and the region's) name left out


def test_a_task_page_is_shown_without_the_assignment_choices_when_the_registry_is_late(
        start_gateway, runner_factory, service_config, migrated, session_factory, tmp_path):
    """The task page listed the registry's people and org units (the assignment form's
    choices) outside ``optional``: a late registry made the projects service's page a 504.
    Now it is shown, and the form says why it offers no one."""
    gateway = start_gateway(RPC_TIMEOUT=LATE)
    projects_url = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}")
    load_projects(UnitOfWork(session_factory(projects_url), Context(), ProjectsRepository))
    runner_factory(service_config("projects", projects_url), ProjectsService).start()
    ok(gateway.post(f"{API}/projects/civic-identity/rollouts",
                    {"year": 2026, "regions": ["KZ-61"]}), 201)
    task = ok(gateway.get(f"{API}/tasks", params={"region": "KZ-61", "limit": 1}))["items"][0]
    path = f"/plans/{task['plan_id']}/tasks/{task['id']}?lang=kk"
    assert 'id="assignees-failed"' not in gateway.get(path).text
    gateway.registry.kill()  # its queue stays: every call to it is taken and never answered

    page = gateway.get(path, allow_redirects=False)
    assert page.status_code == 200, page.text[-2000:]
    assert 'id="assignees-failed"' in page.text
    assert "Тізілімнің тұлғалары мен ұйымдарын жүктеу мүмкін болмады" in page.text
    assert task["title_kk"] in page.text
