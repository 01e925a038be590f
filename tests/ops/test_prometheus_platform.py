"""A real Prometheus (Debian's package) scrapes the platform started as `make run` starts it,
with kelisim's alert rules loaded: after a short scenario through the gateway (a rollout to
two regions, a budget line, a risk, a report submitted) every target is up, every rule
evaluates, and the business metrics have values. (The reporting rates need reports past
their due date, which a fresh platform does not have yet; tests/ops/test_business_metrics.py
covers them.)"""
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
import requests
import yaml

from tests.e2e.test_platform import ADMIN, auth, free_port
from tests.ops.promql import RULES
from tests.support import stop_group

pytestmark = pytest.mark.e2e
API = "/api/v1"
BUSINESS = ("kelisim_tasks", "kelisim_tasks_overdue", "kelisim_tasks_progress_ratio",
            "kelisim_risks_open", "kelisim_budget_planned_kzt", "kelisim_budget_utilisation_ratio",
            "kelisim_reports_expected", "kelisim_reports_submitted", "kelisim_reports_overdue",
            "kelisim_entrypoint_calls_total",
            "kelisim_events_published_total", "kelisim_events_consumed_total",
            "kelisim_outbox_pending_events", "kelisim_outbox_oldest_pending_age_seconds",
            "kelisim_dead_letter_messages", "kelisim_db_pool_checked_out_connections",
            "kelisim_notification_deliveries_total", "kelisim_http_requests_total")


def until(what, timeout=90, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = what()
        except requests.ConnectionError:
            value = None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what.__doc__ or what}")


@pytest.fixture
def platform(amqp_uri, tmp_path):
    """`kelisim run` with free ports and gauges refreshed every second."""
    ports = {service: free_port() for service in ("registry", "projects", "reports",
                                                  "notifications")}
    gateway = f"127.0.0.1:{free_port()}"
    env = dict(os.environ, KELISIM_AMQP_URI=amqp_uri, KELISIM_DATA_DIR=str(tmp_path / "var"),
               KELISIM_GATEWAY_ADDRESS=gateway, KELISIM_ADMIN_TOKEN=ADMIN,
               KELISIM_LOG_LEVEL="WARNING", KELISIM_GAUGE_INTERVAL="1",
               **{f"KELISIM_{s.upper()}_METRICS_PORT": str(p) for s, p in ports.items()})
    log = tmp_path / "platform.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kelisim_platform.cli.main", "run"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://{gateway}"
    try:
        until(lambda: proc.poll() is None and requests.get(
            f"{base}/health", timeout=5).status_code == 200)
        yield base, dict(ports, gateway=int(gateway.rsplit(":", 1)[1]))
    finally:
        if proc.poll() is None:
            stop_group(proc, signal.SIGTERM, 60)


@pytest.fixture
def prometheus(platform, tmp_path):
    """Debian's prometheus scraping every component each second, with kelisim's rules."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus not found: apt-get install prometheus (.ci/run installs it)")
    _, ports = platform
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [{"job_name": "kelisim", "static_configs": [
            {"targets": [f"127.0.0.1:{port}"], "labels": {"component": component}}
            for component, port in ports.items()]}],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    address = f"127.0.0.1:{free_port()}"
    with open(tmp_path / "prometheus.log", "w") as out:
        proc = subprocess.Popen([
            binary, f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}", f"--web.listen-address={address}"],
            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{address}"
    try:
        until(lambda: requests.get(f"{base}/-/ready", timeout=2).status_code == 200, timeout=60)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def query(prometheus, expr):
    answer = requests.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["result"]


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def scenario(base):
    """Roll a project out to two regions, add money and a risk, submit a report."""
    headers = auth(ADMIN)
    year = date.today().year
    ok(requests.post(f"{base}{API}/projects/mediation/rollouts", headers=headers, timeout=60,
                     json={"year": year, "regions": ["KZ-61", "KZ-75"]}), 201)
    plan = ok(requests.get(f"{base}{API}/plans", params={"region": "KZ-61"}, headers=headers,
                           timeout=10))["items"][0]
    ok(requests.post(f"{base}{API}/plans/{plan['id']}/budget-lines", headers=headers, timeout=10,
                     json={"category": "training", "planned": "1000000", "actual": "250000"}),
       201)
    ok(requests.post(f"{base}{API}/plans/{plan['id']}/risks", headers=headers, timeout=10,
                     json={"title": "Отток медиаторов", "probability": 4, "impact": 4}), 201)
    reports = until(lambda: ok(requests.get(
        f"{base}{API}/reports", params={"region": "KZ-61"}, headers=headers,
        timeout=10))["items"], timeout=60)
    report = reports[0]
    template = ok(requests.get(f"{base}{API}/report-templates/{report['template_id']}",
                               headers=headers, timeout=10))
    values = {field["code"]: sample(field) for field in template["fields"]}
    ok(requests.post(f"{base}{API}/reports/{report['id']}/submit", headers=headers, timeout=10,
                     json={"version": report["version"], "values": values}))


def sample(field):
    """A valid, smallest value for a report template field."""
    kind = field["type"]
    if kind == "integer":
        return int(field.get("min") or 0)
    if kind in ("decimal", "money", "percent"):
        return str(field.get("min") or 0)
    if kind == "choice":
        return field["choices"][0] if isinstance(field["choices"][0], str) \
            else field["choices"][0]["code"]
    if kind == "date":
        return date.today().isoformat()
    return "-"


def test_prometheus_scrapes_every_component_and_the_business_metrics(platform, prometheus):
    base, ports = platform
    scenario(base)

    def all_targets_up():
        """every target up"""
        targets = requests.get(f"{prometheus}/api/v1/targets", timeout=10).json()
        active = targets["data"]["activeTargets"]
        return len(active) == len(ports) and all(t["health"] == "up" for t in active)

    until(all_targets_up, timeout=60)
    assert {r["metric"]["component"] for r in query(prometheus, 'up{job="kelisim"} == 1')} == \
        set(ports)

    missing = list(BUSINESS)

    def business_metrics_have_values():
        """every business metric has a value"""
        missing[:] = [name for name in missing if not query(prometheus, name)]
        return not missing

    try:
        until(business_metrics_have_values, timeout=60)
    except AssertionError:
        raise AssertionError(f"no value for {missing}") from None
    regions = {r["metric"]["region"] for r in query(prometheus, "kelisim_tasks")}
    assert regions >= {"KZ-61", "KZ-75", "RGU"}
    [risk] = query(prometheus, 'kelisim_risks_open{region="KZ-61", project="mediation"}')
    assert risk["metric"]["band"] == "critical" and risk["value"][1] == "1"
    [used] = query(prometheus, 'kelisim_budget_utilisation_ratio{region="KZ-61"}')
    assert float(used["value"][1]) == 0.25
    def report_counted():
        """the submitted report counted (gauges are recomputed on an interval: a series may
        exist before it counts the report)"""
        found = query(prometheus, 'sum(kelisim_reports_submitted{region="KZ-61"})')
        return bool(found) and float(found[0]["value"][1]) >= 1

    until(report_counted, timeout=60)
    assert query(prometheus, 'kelisim_events_published_total{service="projects", '
                             'event_type="task_assigned"}')

    def rules_evaluated():
        """every rule evaluated once (the recording group runs every 30 s)"""
        groups = requests.get(f"{prometheus}/api/v1/rules", timeout=10).json()["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        return rules if all(rule["health"] != "unknown" for rule in rules) else None

    evaluated = until(rules_evaluated, timeout=90)
    assert len(evaluated) == 22 and all(rule["health"] == "ok" for rule in evaluated), [
        (rule["name"], rule.get("lastError")) for rule in evaluated if rule["health"] != "ok"]
