"""A page whose service is not running says so (503, in the reader's language), and a page
whose own service answers is shown without the inbox count when notifications is away or
late."""
import pytest
from nameko.rpc import rpc

pytestmark = pytest.mark.broker


def test_a_page_of_a_service_that_is_not_running_is_a_503_page(start_gateway):
    gateway = start_gateway(RPC_TIMEOUT=2)  # the registry alone runs
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
    gateway = start_gateway(RPC_TIMEOUT=0.5)
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
