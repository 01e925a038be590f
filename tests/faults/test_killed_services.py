"""Services killed with SIGKILL at the worst moments, then restarted: no event is lost and
none is doubled."""
import time

import pytest

from tests.faults.checks import (
    assert_settled,
    outbox_events,
    received_ids,
    unpublished,
    wait_until,
)

pytestmark = [pytest.mark.broker, pytest.mark.faults]
REGIONS = ["KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27"]
# twice as many for the burst notifications is killed in: on a busy machine the 876 events
# of six regions were all taken in before the test's poll saw the first batch
BURST_REGIONS = [*REGIONS, "KZ-31", "KZ-33", "KZ-35", "KZ-39", "KZ-43", "KZ-47"]


def rollout(platform, regions, code="mediation"):
    with platform.rpc("projects") as projects:
        result = projects.rollout(code, {"year": 2026, "regions": regions})
    assert [p["region_code"] for p in result["created"]] == sorted(regions)
    return result


def test_projects_killed_after_its_commit_before_the_publish(start_platform):
    """The relay is held asleep (no wake on commit, one sweep an hour): the rollout commits
    its plans with their task_assigned events and answers, and the process dies before
    publishing any of them. Restarted, its relay publishes what the outbox holds."""
    platform = start_platform()
    platform.start("registry")
    platform.start("notifications")
    platform.start("projects", hook="relay-asleep", KELISIM_OUTBOX_POLL_INTERVAL="3600")
    platform.wait_ready("registry", "notifications", "projects")

    result = rollout(platform, REGIONS[:3])
    events = outbox_events(platform.urls["projects"], "task_assigned")
    assert len(events) == result["assignments"] > 0
    assert unpublished(platform.urls["projects"]) == len(events)
    time.sleep(1)  # had anything been published, notifications would have it by now
    assert received_ids(platform.urls["notifications"]) == []

    platform.kill("projects")
    platform.start("projects")

    assert assert_settled(platform, events, timeout=90) >= len(events)


def test_notifications_killed_mid_stream_then_restarted(start_platform):
    platform = start_platform()
    platform.start("registry")
    platform.start("notifications")
    platform.start("projects", hook="relay-asleep", KELISIM_OUTBOX_POLL_INTERVAL="3600")
    platform.wait_ready("registry", "notifications", "projects")

    # three projects' events held in the outbox, then published at once by a restarted
    # projects: notifications takes the burst in batches of up to 250 in one transaction
    # each, so it is killed as soon as the first batch is in (published as the rollouts
    # ran, a fast notifications kept up with them and had all before the kill)
    for code in ("mediation", "cultural-diversity", "ethnocultural-genesis"):
        rollout(platform, BURST_REGIONS, code)
    events = outbox_events(platform.urls["projects"], "task_assigned")
    assert unpublished(platform.urls["projects"]) == len(events)
    platform.kill("projects")
    platform.start("projects")
    wait_until(lambda: len(received_ids(platform.urls["notifications"])) > 0,
               60, "notifications to be part-way through", interval=0.05)
    platform.kill("notifications")
    taken = len(received_ids(platform.urls["notifications"]))
    assert 0 < taken < len(events), "killed too late to prove anything"
    platform.start("notifications")

    assert_settled(platform, events, timeout=120)
