"""The whole platform for the security tests: every component as its own process (as
``make run`` starts them) on a vhost of its own, SQLite, with a token per role, shared by
the tests of one module; plus a watch on every database that notices any committed change.
"""
import time
import uuid

import pytest
import requests

from tests.faults.harness import prepare
from tests.integration.notifications.receivers import WebhookReceiver
from tests.security.deployment import API, COMPONENTS, OTHER, OWN, Changes, Deployment, issue_tokens
from tests.support import rabbitmqctl
from tests.support_reports import mediation_template


@pytest.fixture(scope="package")
def deployment(tmp_path_factory):
    """The platform, a token per WHO, mediation rolled out to both regions, a report
    template with this quarter's reports, and every event consumed."""
    vhost = f"kelisim-test-{uuid.uuid4().hex[:12]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    folder = tmp_path_factory.mktemp("security")
    platform = prepare(f"amqp://guest:guest@127.0.0.1:5672/{vhost}", folder,
                       KELISIM_MAX_REQUEST_BYTES="65536", KELISIM_SIGN_IN_SLOW_AFTER="1000",
                       KELISIM_SIGN_IN_LOCK_AFTER="2000",
                       KELISIM_WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32")  # the receiver
    receiver = WebhookReceiver()
    try:
        issued, actors, signed_in = issue_tokens(platform.urls["gateway"])
        for component in COMPONENTS:
            platform.start(component)
        platform.wait_ready("registry", "projects", "reports", "notifications")
        url = f"http://{platform.env['KELISIM_GATEWAY_ADDRESS']}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not up, or slow under load
                pass
            assert time.monotonic() < deadline, platform.log_tail()
            time.sleep(0.3)
        deployment = Deployment(platform, url, receiver.url, issued, actors, signed_in)
        deployment.ok("POST", f"{API}/projects/mediation/rollouts",
                      json={"year": 2026, "regions": [OWN, OTHER]})
        deployment.ok("POST", f"{API}/report-templates", json=mediation_template(
            code="security-test", active_from="2020-01-01"))
        with platform.rpc("reports") as reports:
            reports.run_collection()
        yield deployment
    finally:
        platform.stop_all()
        receiver.close()
        rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="package")
def changes(deployment):
    watch = Changes({c: deployment.db(c) for c in COMPONENTS},
                    deployment.platform.amqp_uri.rsplit("/", 1)[1])
    yield watch
    watch.close()
