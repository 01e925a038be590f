"""A page whose service is not running says so (503, in the reader's language), and a page
whose own service answers is shown without the inbox count when notifications is away."""
import pytest

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
