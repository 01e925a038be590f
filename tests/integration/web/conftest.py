"""One platform per test module, started as `make run` starts it (tests/site.py)."""
import pytest

from tests.site import running_site


@pytest.fixture(scope="module")
def site():
    with running_site() as running:
        yield running
