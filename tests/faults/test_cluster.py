"""The cluster shape: two replicas of every service and of the gateway on PostgreSQL, as
deploy/kubernetes runs them, through three 20-region rollouts (taken in by notifications
from a backlog), slips made through both gateways, the overdue and report jobs firing on
both replicas at once, and every broker connection of the vhost cut in the middle.
Afterwards every expected inbox item, e-mail and webhook call exists exactly once, every
outbox is drained and the dead-letter queues are empty (this test puts nothing there).

Slow (a few minutes on a small machine): marked ``chaos``, skipped by ``make test``, run by
``make chaos`` (which .ci/run calls after ``make test``).
"""
import json
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
import requests

from tests.faults.checks import (
    SERVICES,
    assert_settled,
    dead_letter_counts,
    intake_held,
    query,
    received_ids,
    unpublished,
    wait_until,
)
from tests.faults.harness import ROOT
from tests.integration.notifications.receivers import WebhookReceiver
from tests.support import close_vhost_connections

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.faults, pytest.mark.chaos]
COMPONENTS = ("registry", "projects", "reports", "notifications", "gateway")
REPLICAS = ("a", "b")
ADMIN_TOKEN = "cluster-admin-token-" + "x" * 20
API = "/api/v1"
HOOKED_TYPES = ["task_assigned", "deadline_slipped", "task_overdue"]


class Gateway:
    def __init__(self, address, token):
        self.base = f"http://{address}{API}"
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method, path, expect=200, **kwargs):
        response = requests.request(method, self.base + path, headers=self.headers,
                                    timeout=60, **kwargs)
        assert response.status_code == expect, (method, path, response.status_code,
                                                response.text[:2000])
        return response.json() if response.content else None


def kelisim(platform, *argv):
    done = subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", *argv], cwd=ROOT,
                          env=platform.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def events_of(platform, *services):
    """Every envelope in the outboxes of ``services``."""
    found = []
    for service in services:
        for (envelope,) in query(platform.urls[service], "SELECT envelope FROM outbox"):
            found.append(envelope if isinstance(envelope, dict) else json.loads(envelope))
    return found


def a_leaf_task(page):
    """A task (not a milestone) no other task is part of: its due date moves by itself."""
    parents = {t["parent_id"] for t in page["items"]}
    return next(t for t in page["items"] if t["kind"] == "task" and t["id"] not in parents)


def slip(gateway, task, days, reason):
    later = date.fromisoformat(task["due_date"]) + timedelta(days=days)
    return gateway.call("PATCH", f"/tasks/{task['id']}", json={
        "version": task["version"], "due_date": later.isoformat(), "reason": reason})


@pytest.mark.timeout(1800)
def test_two_replicas_of_everything_through_a_rollout_slips_jobs_and_a_connection_cut(
        start_platform, postgres_databases, smtp_server, amqp_uri):
    smtp, mailbox = smtp_server
    receiver = WebhookReceiver()
    started = time.monotonic()

    def step(what):  # printed with the failure: where the time went
        print(f"{time.monotonic() - started:7.1f} s  {what}", flush=True)
    platform = start_platform(
        postgres_databases(*COMPONENTS), KELISIM_ADMIN_TOKEN=ADMIN_TOKEN,
        KELISIM_SMTP_HOST=smtp["host"], KELISIM_SMTP_PORT=str(smtp["port"]),
        KELISIM_SMTP_SECURITY="starttls", KELISIM_SMTP_USERNAME=smtp["username"],
        KELISIM_SMTP_PASSWORD=smtp["password"], KELISIM_SMTP_FROM=smtp["sender"],
        KELISIM_SMTP_CA_FILE=smtp["ca_file"], KELISIM_OVERDUE_SCAN_SECONDS="2",
        KELISIM_REPORTS_JOB_INTERVAL="2", KELISIM_GAUGE_INTERVAL="1",
        KELISIM_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",  # the receiver is the test's own
        # 10 processes within PostgreSQL's 100 connections, shared with other tests
        KELISIM_MAX_WORKERS="4", KELISIM_DB_POOL_SIZE="3", KELISIM_DB_MAX_OVERFLOW="2",
        KELISIM_RPC_TIMEOUT="120")  # a 20-region rollout on a loaded machine takes a while
    try:
        kelisim(platform, "prepare")  # the bootstrap administrator token
        coordinator = kelisim(platform, "token", "create", "--role", "kgu_coordinator",
                              "--region", "KZ-61", "--name", "Turkistan KGU").split()[-1]
        names = [f"{component}-{replica}" for component in COMPONENTS for replica in REPLICAS]
        for component in COMPONENTS:
            for replica in REPLICAS:
                platform.start(component, replica=replica)
        platform.wait_serving(*names, timeout=180)
        step("started")
        admin = {r: Gateway(platform.setting(f"gateway-{r}", "KELISIM_GATEWAY_ADDRESS"),
                            ADMIN_TOKEN) for r in REPLICAS}
        turkistan = {r: Gateway(platform.setting(f"gateway-{r}", "KELISIM_GATEWAY_ADDRESS"),
                                coordinator) for r in REPLICAS}

        # who receives: a person with e-mail at the Turkistan KGU, and its webhook
        kgu = turkistan["a"].call("GET", "/org-units", params={"kind": "kgu"})[0]
        address = f"office.{uuid.uuid4().hex[:8]}@example.kz"
        turkistan["b"].call("POST", "/people", expect=201, json={
            "full_name": "Облыс кеңсесі", "email": address, "org_unit_id": kgu["id"]})
        turkistan["a"].call("POST", "/webhooks", expect=201, json={
            "url": receiver.url, "event_types": HOOKED_TYPES})

        # a report template collected since January: Q1 to Q3 are overdue, for every KGU
        admin["b"].call("POST", "/report-templates", expect=201, json={
            "code": "cluster-quarterly", "title_kk": "Тоқсандық есеп",
            "title_ru": "Квартальный отчёт", "period_type": "quarterly", "due_days": 10,
            "active_from": "2026-01-01", "fields": [
                {"code": "events_held", "type": "integer", "label_kk": "Іс-шаралар",
                 "label_ru": "Мероприятия", "required": True, "min": "0", "max": "10000"}]})

        # notifications stopped while the plans are made, so that a backlog waits in its
        # queue (durable, declared at its first start) and the cut lands in the middle of it
        # however fast this machine consumes
        for replica in REPLICAS:
            platform.kill(f"notifications-{replica}", signal.SIGTERM)
        # next year's plans of three projects for all 20 regions; this year's for two
        # regions, half of it overdue
        assigned_total = 0
        for code in ("mediation", "cultural-diversity", "ethnocultural-genesis"):
            rollout = admin["a"].call("POST", f"/projects/{code}/rollouts", expect=201,
                                      json={"year": 2027, "regions": "all"})
            assert len(rollout["created"]) == 20
            assigned_total += rollout["assignments"]
        late = admin["b"].call("POST", "/projects/civic-identity/rollouts", expect=201,
                               json={"year": 2026, "regions": ["KZ-61", "KZ-75"]})
        assert len(late["created"]) == 2
        assigned_total += late["assignments"]
        wait_until(lambda: unpublished(platform.urls["projects"]) == 0, 300,
                   "the rollouts' events to leave the outbox")
        # the backlog: every event waiting for notifications (the jobs add more meanwhile)
        backlog = len(events_of(platform, "projects", "reports", "registry"))
        step(f"rolled out: {backlog} events wait")
        # notifications back with its intake held (so the cut lands inside the backlog
        # however fast this machine consumes: a timed cut once came after all of it), then
        # every connection of the vhost, of every replica, cut by the broker while intakes
        # wait mid-transaction: the events delivered and not yet acknowledged come again
        with intake_held(platform.urls["notifications"]) as hold:
            assert hold.taken < backlog  # taken before notifications stopped
            for replica in REPLICAS:
                platform.start("notifications", replica=replica)
            hold.wait()
            assert close_vhost_connections(amqp_uri) >= 10
        step(f"connections cut, intakes held, {hold.taken} of {backlog} events taken before")
        # slips through both gateways: an RGU office's and a KGU's
        ours = turkistan["b"].call("GET", "/tasks", params={
            "region": "KZ-61", "project": "mediation", "limit": 200})
        theirs = admin["a"].call("GET", "/tasks", params={
            "region": "KZ-75", "project": "mediation", "limit": 200})
        slip(turkistan["b"], a_leaf_task(ours), 5, "the hall was not free")
        slip(admin["a"], a_leaf_task(theirs), 3, "the trainer fell ill")

        # settled: every projects, reports and registry event taken in, outboxes empty
        envelopes = events_of(platform, "projects", "reports", "registry")
        kinds = Counter(e["type"] for e in envelopes)
        assert kinds["task_assigned"] == assigned_total
        assert kinds["deadline_slipped"] >= 2
        assert kinds["task_overdue"] > 0, "the overdue job found nothing"
        try:
            wait_until(lambda: query(platform.urls["reports"], "SELECT count(*) FROM outbox "
                                     "WHERE event_type IN ('report_due_soon', "
                                     "'report_overdue')")[0][0], 120, "a report reminder")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{platform.log_tail()}") from None
        assigned = [e for e in envelopes if e["type"] == "task_assigned"]
        assert_settled(platform, assigned, timeout=900)
        step("task_assigned settled")
        wanted = {e["id"] for e in events_of(platform, "projects", "reports", "registry")}
        wait_until(lambda: wanted <= set(received_ids(platform.urls["notifications"])), 600,
                   "notifications to take in every event")
        for service in SERVICES:
            assert unpublished(platform.urls[service]) == 0, service
        envelopes = events_of(platform, "projects", "reports", "registry")

        step("every event taken in")
        # the overdue and report jobs ran on both replicas: still each stage once
        overdue = Counter((e["data"]["task_id"], e["data"]["stage"])
                          for e in envelopes if e["type"] == "task_overdue")
        assert [key for key, n in overdue.items() if n > 1] == []
        reminders = Counter((e["type"], json.dumps(e["data"], sort_keys=True))
                            for e in envelopes if e["type"].startswith("report_"))
        assert [key for key, n in reminders.items() if n > 1] == []

        # inbox: the KGU of every region an event names, each item once
        notifications = platform.urls["notifications"]
        kgu_of = dict(query(platform.urls["registry"],
                            "SELECT region_code, id FROM org_units WHERE kind = 'kgu'"))
        items = Counter(query(notifications, "SELECT event_id, org_unit_id FROM inbox_items "
                                             "WHERE event_id IS NOT NULL"))
        assert [key for key, n in items.items() if n > 1] == []
        expected = {(e["id"], kgu_of[region]) for e in envelopes
                    if e["source"] != "registry" for region in e["regions"] if region in kgu_of}
        assert expected - set(items) == set()

        # e-mail and webhook: one per event of Turkistan's (an e-mail alone or in a digest),
        # none twice
        turkistan_events = {e["id"]: e["type"] for e in envelopes
                            if e["source"] != "registry" and "KZ-61" in e["regions"]}
        hooked = {i for i, kind in turkistan_events.items() if kind in HOOKED_TYPES}

        def emails():  # (event id, status) of each e-mail delivery to the person, digests
            return [(event_id, status) for event_id, status in query(  # themselves left out
                notifications, "SELECT event_id, status FROM deliveries WHERE "
                               "channel = 'email' AND target = :a", a=address)
                    if not event_id.startswith("digest:")]

        def called():
            return Counter(json.loads(c.body)["event"]["id"] for c in receiver.calls)
        try:
            wait_until(lambda: {e for e, _ in emails()} >= set(turkistan_events), 240,
                       "every e-mail planned")
            wait_until(lambda: set(called()) >= hooked, 240, "every webhook call")
            wait_until(lambda: query(notifications, "SELECT count(*) FROM deliveries WHERE "
                                     "channel IN ('email', 'webhook') AND status IN "
                                     "('pending', 'sending', 'digest')")[0][0] == 0, 240,
                       "no e-mail or webhook delivery left to make")
        except AssertionError as exc:  # say where they are
            states = query(notifications, "SELECT channel, status, count(*), max(last_error) "
                                          "FROM deliveries GROUP BY channel, status")
            raise AssertionError(f"{exc}: called {len(set(called()))} of {len(hooked)}; "
                                 f"deliveries {states}") from None
        step("e-mails and webhook calls made")
        # one e-mail delivery per event, sent alone or in a digest, and no message twice
        planned = Counter(event_id for event_id, _ in emails())
        assert [i for i, n in planned.items() if n > 1] == []
        assert set(planned) == set(turkistan_events)
        assert {status for _, status in emails()} <= {"delivered", "digested"}
        messages = mailbox.to(address)
        assert messages, "no e-mail reached the SMTP server"
        ids = Counter(m["Message-ID"] for m in messages)
        assert [i for i, n in ids.items() if n > 1] == []
        alone = Counter(m["X-Kelisim-Event-Id"] for m in messages
                        if not (m["X-Kelisim-Event-Id"] or "digest:").startswith("digest:"))
        assert [i for i, n in alone.items() if n > 1] == []
        assert set(alone) == {e for e, status in emails() if status == "delivered"}
        assert [i for i, n in called().items() if n > 1] == []
        assert set(called()) == hooked

        assert dead_letter_counts(amqp_uri) == dict.fromkeys(SERVICES, 0)
        for name in names:
            assert platform.alive(name), platform.log_tail()
    finally:
        receiver.close()
