"""The restore drill: a running platform is backed up while a slip is being published,
stopped and wiped; the backup is restored on a fresh data directory and a fresh broker
(a new vhost, as on a new machine) and started. Everything is there, every event committed
before the backup reaches the KGUs exactly once, and the platform takes writes again.

``make drill`` runs it alone; it is part of ``make test`` too (about a minute)."""
import shutil
import signal
import subprocess
import sys
import uuid
from datetime import date, timedelta

import pytest
import requests

from gateway.adapters.repository import TokenRepository
from gateway.service_layer import tokens
from services.reports.domain.periods import kz_today
from tests.faults.checks import assert_settled, inbox_items, outbox_events, query, received_ids, unpublished, wait_until
from tests.faults.harness import ROOT, Platform
from tests.support import RABBIT_HOST, free_port, on_database, rabbitmqctl
from tests.support_reports import mediation_template

pytestmark = [pytest.mark.broker, pytest.mark.faults, pytest.mark.drill]
COMPONENTS = ("registry", "projects", "reports", "notifications", "gateway")
SERVICES = ("registry", "notifications", "projects", "reports")
COORDINATOR = {"id": "coord-61", "role": "kgu_coordinator", "region": "KZ-61"}


def kelisim(env, *args):
    return subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


PROTOCOL = "Хаттама: медиация кеңесінің отырысы, 2026 ж.\n".encode()


def gateway_call(platform, token, method, path, **kwargs):
    """``method path`` on the platform's gateway with ``token``, once it answers."""
    url = f"http://{platform.env['KELISIM_GATEWAY_ADDRESS']}{path}"
    headers = {"Authorization": f"Bearer {token}"}
    wait_until(lambda: _answers(url, headers), 60, "the gateway to answer")
    return requests.request(method, url, headers=headers, timeout=30, **kwargs)


def _answers(url, headers):
    try:
        return requests.get(url.split("/api/")[0] + "/api/v1/regions", headers=headers,
                            timeout=5).status_code == 200
    except requests.RequestException:
        return False


def ids(url, table):
    return {row[0] for row in query(url, f"SELECT id FROM {table}")}


def slip(platform):
    """Move the first task others depend on in KZ-61's plan by a month: it slips, and its
    successors (automatic scheduling) with it."""
    with platform.rpc("projects") as projects:
        tasks = projects.list_tasks({"region": "KZ-61", "limit": 200})["items"]
        depended = {p["predecessor_id"] for t in tasks for p in t["predecessors"]}
        first = min((t for t in tasks if t["id"] in depended), key=lambda t: t["due_date"])
        task = projects.get_task(first["id"])
        later = date.fromisoformat(task["due_date"]) + timedelta(days=30)
        return projects.update_task(task["id"], {"version": task["version"],
                                                 "due_date": later.isoformat(),
                                                 "reason": "restore drill"})


@pytest.fixture
def fresh_vhost():
    vhost = f"kelisim-test-{uuid.uuid4().hex[:12]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield f"amqp://{RABBIT_HOST}/{vhost}"
    rabbitmqctl("delete_vhost", vhost)


def on_new_machine(platform, amqp_uri, folder):
    """A Platform like ``platform`` with its databases in ``folder`` on another vhost."""
    folder.mkdir()
    urls = {c: f"sqlite:///{folder / (c + '.db')}" for c in COMPONENTS}
    env = dict(platform.env, KELISIM_AMQP_URI=amqp_uri, KELISIM_DATA_DIR=str(folder),
               KELISIM_GATEWAY_ADDRESS=f"127.0.0.1:{free_port()}")
    for component, url in urls.items():
        env[f"KELISIM_{component.upper()}_DATABASE_URL"] = url
    for service in SERVICES:
        env[f"KELISIM_{service.upper()}_METRICS_PORT"] = str(free_port())
    return Platform(amqp_uri, folder, urls, env)


def test_backup_while_a_slip_is_published_then_restore_on_a_new_machine(
        start_platform, fresh_vhost, tmp_path):
    platform = start_platform()
    for component in SERVICES:
        platform.start(component)
    platform.wait_ready(*SERVICES)
    urls = platform.urls

    # roll out, collect and submit a report
    with platform.rpc("projects") as projects:
        projects.rollout("mediation", {"year": 2026, "regions": ["KZ-61", "KZ-75", "KZ-11"]})
    today = kz_today()
    with platform.rpc("reports") as reports:
        reports.create_template(mediation_template(active_from=today.replace(day=1).isoformat()))
        reports.run_collection(today.isoformat())
        [mine] = reports.list_reports({"region": "KZ-61", "template": "mediation-test"})["items"]
    with platform.rpc("reports", actor=COORDINATOR) as reports:
        reports.submit_report(mine["id"], {"version": mine["version"], "values": {
            "cases_received": 5, "resolved_by_mediation": 3, "budget_spent": "99.90"}})
    assigned = outbox_events(urls["projects"], "task_assigned")
    assert_settled(platform, assigned, timeout=60)

    # an evidence document of a KZ-61 task, through the gateway (kept in the data dir)
    token = on_database(urls["gateway"], TokenRepository, lambda uow: tokens.create_token(
        uow, "kgu_coordinator", "KZ-61", "drill"))[1]
    platform.start("gateway")
    with platform.rpc("projects") as projects:
        task_id = projects.list_tasks({"region": "KZ-61", "limit": 1})["items"][0]["id"]
    uploaded = gateway_call(platform, token, "POST", f"/api/v1/tasks/{task_id}/attachments",
                            params={"filename": "хаттама.txt"}, data=PROTOCOL)
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()

    # notifications stops (as if slow): the slip's events wait on the broker, published but
    # not consumed, when the backup is taken; the backup starts as soon as the slip commits
    platform.kill("notifications", signal.SIGTERM)
    change = slip(platform)
    backup_dir = tmp_path / "backup"
    taking = subprocess.Popen([sys.executable, "-m", "kelisim_platform.cli.main", "backup",
                               str(backup_dir)], cwd=ROOT, env=platform.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert taking.wait(timeout=120) == 0, taking.stdout.read()
    slips = outbox_events(urls["projects"], "deadline_slipped")
    assert len(slips) == len([r for r in change["rescheduled"]
                              if r["due_date"] > r["old_due_date"]]) + 1 > 1
    assert "attachments\t1 files" in taking.stdout.read()
    inspected = shutil.copytree(backup_dir, tmp_path / "inspected")  # opening one writes
    backed_up = {c: f"sqlite:///{inspected / (c + '.db')}" for c in COMPONENTS}
    assert {e["id"] for e in outbox_events(backed_up["projects"], "deadline_slipped")} == {
        e["id"] for e in slips}  # every slip event committed before the backup

    refused = kelisim(platform.env, "restore", str(backup_dir))
    assert refused.returncode == 2 and "running" in refused.stderr  # never over a live one

    # stop and wipe: the data files and the broker (the new machine has another vhost)
    wait_until(lambda: unpublished(urls["projects"]) == 0, 30, "the slip to be published")
    platform.stop_all()
    for component in COMPONENTS:
        for path in tmp_path.glob(f"{component}.db*"):
            path.unlink()
    shutil.rmtree(tmp_path / "var" / "attachments")

    restored = on_new_machine(platform, fresh_vhost, tmp_path / "new")
    result = kelisim(restored.env, "restore", str(backup_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    republished = dict(line.split("\t")[0::2] for line in result.stdout.splitlines()
                       if "\t" in line)
    assert int(republished["projects"].split()[0]) >= len(slips)
    assert kelisim(restored.env, "restore", str(backup_dir)).returncode == 2  # not over data

    try:
        for component in SERVICES:
            restored.start(component)
        restored.wait_ready(*SERVICES)
        new = restored.urls
        for component, table in (("projects", "plans"), ("projects", "tasks"),
                                 ("reports", "reports"), ("notifications", "inbox_items")):
            assert ids(backed_up[component], table) <= ids(new[component], table), table
        assert ids(new["projects"], "plans") == ids(backed_up["projects"], "plans")
        with restored.rpc("reports") as reports:
            assert reports.get_report(mine["id"])["status"] == "submitted"
        # the attachment is back, byte for byte, for whoever may read its task
        restored.start("gateway")
        got = gateway_call(restored, token, "GET", f"/api/v1/attachments/{attachment['id']}")
        assert got.status_code == 200 and got.content == PROTOCOL
        assert got.headers["ETag"] == f'"{attachment["sha256"]}"'

        # every event committed before the backup reaches the KGUs, once
        assert_settled(restored, assigned, timeout=60)
        wait_until(lambda: {e["id"] for e in slips} <= set(received_ids(new["notifications"])),
                   60, "the slip's events to reach notifications")
        items = inbox_items(new["notifications"])
        kgu = dict(query(new["registry"], "SELECT region_code, id FROM org_units "
                                          "WHERE kind = 'kgu'"))
        for event in slips:
            for region in event["regions"]:
                assert items[(event["id"], kgu[region])] == 1, (event["id"], region)
        assert [key for key, n in items.items() if n > 1] == []

        # and it takes writes again
        with restored.rpc("projects") as projects:
            projects.rollout("mediation", {"year": 2026, "regions": ["KZ-19"]})
        fresh = [e for e in outbox_events(new["projects"], "task_assigned")
                 if e["regions"] == ["KZ-19"]]
        assert fresh
        assert_settled(restored, fresh, timeout=60)
    finally:
        restored.stop_all()
