"""The broker and the database restarted under the platform's feet.

Both restarts affect the whole machine (every vhost, every database): each test restores
the server in a ``finally``, the suite runs one test at a time, and a machine-wide lock
(``server_restarts``) keeps another suite's restart tests from overlapping these.
"""
import time

import eventlet
import pytest

from tests.faults.checks import (
    assert_settled,
    outbox_events,
    received_ids,
    wait_intake_held,
)
from tests.faults.harness import broker_stopped, restart_postgres

pytestmark = [pytest.mark.broker, pytest.mark.faults]


def test_rabbitmq_restarted_in_the_middle_of_a_rollout_to_all_20_regions(server_restarts,
                                                                         start_platform):
    """The broker stops in the middle of the rollout's task_assigned burst by construction:
    notifications runs with the ``intake-held`` hook (serve_hooked.py: after its first 50
    events every further batch waits for a gate file), the broker stops while it waits and
    the gate opens with the broker down (the held batches commit and cannot ack: redelivered
    after the restart, each must still make its inbox items once). With batches and bulk
    INSERTs notifications took in all 1 443 events before a timed stop."""
    platform = start_platform()
    gate = platform.folder / "intake.gate"
    platform.start("registry")
    platform.start("notifications", hook="intake-held", KELISIM_FAULT_HOLD_AFTER="50",
                   KELISIM_FAULT_GATE=str(gate))
    platform.start("projects")
    platform.wait_ready("registry", "notifications", "projects")

    with platform.rpc("projects") as projects:
        result = projects.rollout("mediation", {"year": 2026, "regions": "all"})
    assert len(result["created"]) == 20
    events = outbox_events(platform.urls["projects"], "task_assigned")
    assert len(events) == result["assignments"] > 1000
    wait_intake_held(platform, gate)
    with broker_stopped():
        taken = len(received_ids(platform.urls["notifications"]))
        gate.touch()  # the held batches go on with the broker down
        time.sleep(3)
    assert 50 <= taken < len(events), "the broker stopped after the rollout was through"
    for component in ("registry", "notifications", "projects"):
        assert platform.alive(component), platform.log_tail()

    assert_settled(platform, events, timeout=240)
    for component in ("registry", "notifications", "projects"):  # none died on the way
        assert platform.alive(component), platform.log_tail()
    with platform.rpc("projects") as projects:  # and the platform still answers
        assert projects.list_plans({"project": "mediation"})["total"] >= 20


@pytest.mark.postgres
def test_postgresql_restarted_under_load(server_restarts, start_platform, postgres_databases):
    """Registry, projects and notifications on PostgreSQL; assignments made over RPC at a
    steady rate while PostgreSQL restarts. Every assignment committed reaches its inboxes."""
    urls = postgres_databases("registry", "projects", "notifications")
    platform = start_platform(urls, KELISIM_EVENT_RETRY_DELAYS="0.5,1,2,4,8")
    for component in ("registry", "notifications", "projects"):
        platform.start(component)
    platform.wait_ready("registry", "notifications", "projects")

    with platform.rpc("projects") as projects:
        projects.rollout("civic-identity", {"year": 2026, "regions": ["KZ-61"]})
        tasks = projects.list_tasks({"region": "KZ-61", "limit": 200})["items"]
    with platform.rpc("registry") as registry:
        kgu = registry.kgu_of_region("KZ-61")["org_unit"]
        people = [registry.create_person({"full_name": f"Қызметкер {n}",
                                          "org_unit_id": kgu["id"]})["id"] for n in range(4)]
    planned = [(task["id"], {"role": role, "kind": "person", "id": person})
               for person in people for role in ("R", "C") for task in tasks]
    answered, failed = [], []

    def load():
        with platform.rpc("projects", timeout=30) as projects:
            for task_id, assignment in planned[:200]:
                started = time.monotonic()
                try:
                    answered.append(projects.add_assignment(task_id, assignment)["id"])
                except Exception as exc:  # the database is restarting: refused, not lost
                    failed.append(repr(exc))
                time.sleep(max(0.0, 0.05 - (time.monotonic() - started)))

    loading = eventlet.spawn(load)
    time.sleep(2)
    restart_postgres()
    loading.wait()

    assert len(answered) > 50 and failed, (len(answered), failed[:3])
    events = outbox_events(platform.urls["projects"], "task_assigned")
    assert set(answered) <= {e["data"]["assignment_id"] for e in events}
    assert_settled(platform, events, timeout=120)
