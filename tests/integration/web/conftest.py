"""One platform for every web module, started as `make run` starts it (tests/site.py), and
the rollout the programme's and the hostile reader's tests both read.

Started once (a fresh vhost and data folder, five processes: some 20 s on a loaded
machine, once per module before): a test that changes what another test reads uses
people (``site.person``), names or regions of its own.
"""
from datetime import date

import pytest

from tests.site import running_site

# what a module once started its own platform with: webhooks to this machine allowed (a
# receiver need not answer; test_inbox_registry_events) and answers kept a minute in the
# gateway's read cache, not 5 s (test_programme: a second load on a busy machine still
# finds the first one's; every write and projects event drops the cache as before)
SETTINGS = {"KELISIM_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
            "KELISIM_GATEWAY_CACHE_SECONDS": "60"}
ROLLED_OUT = ("KZ-61", "KZ-75")  # the regions of tests.site.PEOPLE's coordinators


@pytest.fixture(scope="package")
def site():
    with running_site(**SETTINGS) as running:
        yield running


@pytest.fixture(scope="package")
def rollout(site):
    """Mediation rolled out for this year to Turkistan (KZ-61) and Almaty (KZ-75), once
    (a second one would only skip the regions done): ``{region: plan}``."""
    site.api("POST", "/projects/mediation/rollouts", expect=201,
             json={"year": date.today().year, "regions": list(ROLLED_OUT)})
    return {region: site.api("GET", "/plans", expect=200, params={"region": region}).json()[
        "items"][0] for region in ROLLED_OUT}
