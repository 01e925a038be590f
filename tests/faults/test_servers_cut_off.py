"""The broker and the database gone from under the platform's feet, as a restart or a
network fault takes them: the platform reaches each through a TCP proxy of the test's own
(``tcp_proxy``), killed for a few seconds (every connection cut, new ones refused) and
started again. The servers themselves run on: other suites on this machine share them.
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
from tests.faults.harness import cut_off

pytestmark = [pytest.mark.broker, pytest.mark.faults]


def test_rabbitmq_gone_in_the_middle_of_a_rollout_to_all_20_regions(tcp_proxy, start_platform,
                                                                    amqp_uri):
    """The broker goes in the middle of the rollout's task_assigned burst by construction:
    notifications runs with the ``intake-held`` hook (serve_hooked.py: after its first 50
    events every further batch waits for a gate file), the broker goes while it waits and
    the gate opens with the broker gone (the held batches commit and cannot ack: redelivered
    when it is back, each must still make its inbox items once). With batches and bulk
    INSERTs notifications took in all 1 443 events before a timed cut."""
    proxy = tcp_proxy()
    platform = start_platform(KELISIM_AMQP_URI=proxy.uri(amqp_uri))
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
    with cut_off(proxy):
        taken = len(received_ids(platform.urls["notifications"]))
        gate.touch()  # the held batches go on with the broker gone
        time.sleep(3)
    assert 50 <= taken < len(events), "the broker went after the rollout was through"
    for component in ("registry", "notifications", "projects"):
        assert platform.alive(component), platform.log_tail()

    assert_settled(platform, events, timeout=240)
    for component in ("registry", "notifications", "projects"):  # none died on the way
        assert platform.alive(component), platform.log_tail()
    with platform.rpc("projects") as projects:  # and the platform still answers
        assert projects.list_plans({"project": "mediation"})["total"] >= 20


@pytest.mark.postgres
def test_postgresql_gone_under_load(tcp_proxy, start_platform, postgres_databases):
    """Registry, projects and notifications on PostgreSQL; assignments made over RPC at a
    steady rate while PostgreSQL is gone for 3 s. Every assignment committed reaches its
    inboxes."""
    proxy = tcp_proxy(target_port=5432)
    urls = {component: proxy.uri(url) for component, url in
            postgres_databases("registry", "projects", "notifications").items()}
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
                except Exception as exc:  # the database is gone: refused, not lost
                    failed.append(repr(exc))
                time.sleep(max(0.0, 0.05 - (time.monotonic() - started)))

    loading = eventlet.spawn(load)
    time.sleep(2)
    with cut_off(proxy):
        time.sleep(3)
    loading.wait()

    assert len(answered) > 50 and failed, (len(answered), failed[:3])
    events = outbox_events(platform.urls["projects"], "task_assigned")
    assert set(answered) <= {e["data"]["assignment_id"] for e in events}
    assert_settled(platform, events, timeout=120)
