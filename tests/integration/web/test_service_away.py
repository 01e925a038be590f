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
    # projects and reports not running, notifications late: the KGU's page, its region named
    home = gateway.get("/kgu", who="turkistan", allow_redirects=False)
    assert home.status_code == 200, home.text[-2000:]
    assert "KZ-61" in home.text or "Түркістан" in home.text
