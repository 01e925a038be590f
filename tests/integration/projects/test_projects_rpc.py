"""The projects service over real RPC, beside the real registry, on SQLite and PostgreSQL."""
import pytest

from kelisim.errors import Forbidden, Invalid, NotFound, StaleVersion
from kelisim.events.envelope import parse_envelope
from tests.support import COORDINATOR, wait_until_published

# the platform runs for every test here: rpc only calls it
pytestmark = pytest.mark.usefixtures("platform")


def test_rollout_assigns_every_kgu_and_slips_reach_each_region(rpc, project_events, projects_db):
    with rpc("registry") as registry:
        kgu = registry.kgu_of_region("KZ-61")["org_unit"]
        council = registry.create_structure({"type": "mediation_council", "name": "Медиация кеңесі",
                                             "org_unit_id": kgu["id"], "member_count": 19})
    with rpc("projects") as projects:
        result = projects.rollout("mediation", {"year": 2026, "regions": ["KZ-61", "KZ-75"]})
        again = projects.rollout("mediation", {"year": 2026, "regions": ["KZ-61"]})
        turkistan = {t["template_key"]: t for t in
                     projects.list_tasks({"region": "KZ-61", "limit": 200})["items"]}
    assert again["created"] == [] and again["skipped"] == ["KZ-61"]
    assigned = project_events.take(result["assignments"])
    for body in assigned:
        parse_envelope(body)  # each one is a valid, catalogued envelope
    assert {b["type"] for b in assigned} == {"task_assigned"}
    q1 = turkistan["train.q1"]
    mine = [b["data"] for b in assigned if b["data"]["task_id"] == q1["id"]]
    assert {(d["role"], d["assignee"]["kind"], d["assignee"]["id"]) for d in mine} == {
        ("A", "org_unit", kgu["id"]), ("R", "structure", council["id"])}

    method_id = next(p["predecessor_id"] for p in turkistan["train.selection"]["predecessors"]
                     if p["predecessor_id"] != turkistan["org.approved"]["id"])
    with rpc("projects") as projects:
        method = projects.get_task(method_id)
        change = projects.update_task(method_id, {"version": method["version"],
                                                  "due_date": "2026-03-02",
                                                  "reason": "second review"})
    slipped_ids = {r["task_id"] for r in change["rescheduled"]
                   if r["due_date"] > r["old_due_date"]}
    slips = project_events.take(len(slipped_ids) + 1)  # and the milestone itself
    assert {b["type"] for b in slips} == {"deadline_slipped"}
    assert {b["data"]["task_id"] for b in slips} == slipped_ids | {method_id}
    assert {tuple(b["regions"]) for b in slips} == {(), ("KZ-61",), ("KZ-75",)}
    wait_until_published(projects_db)
    assert project_events.pending() == 0  # nothing twice


def test_errors_cross_rpc_as_kelisim_errors_and_change_nothing(rpc):
    with rpc("projects") as projects:
        projects.rollout("mediation", {"year": 2026, "regions": ["KZ-61"]})
        task = projects.list_tasks({"region": "KZ-61", "limit": 1})["items"][0]
        with pytest.raises(NotFound):
            projects.get_task(999999)
        with pytest.raises(Invalid):
            projects.rollout("mediation", {"year": 2026, "regions": ["KZ-98"]})
        with pytest.raises(StaleVersion):
            projects.update_task(task["id"], {"version": task["version"] + 3, "progress": 5})
        with pytest.raises(Invalid):
            projects.add_assignment(task["id"], {"role": "R", "kind": "org_unit", "id": 999})
        with pytest.raises(Invalid):
            projects.create_budget_line(task["plan_id"], {"category": "events",
                                                          "planned": "-5"})
        assert projects.get_task(task["id"]) == task
    with rpc("projects", COORDINATOR) as projects:
        with pytest.raises(Forbidden):
            projects.rollout("mediation", {"year": 2027, "regions": ["KZ-61"]})
        assert projects.list_plans({})["total"] == 1


def test_text_search_folds_cyrillic_case_on_each_database(rpc):
    """Issue 12.7: ``q`` matches «МЕДИАТОР» to «медиатор» on SQLite and PostgreSQL alike."""
    with rpc("projects") as projects:
        projects.rollout("mediation", {"year": 2026, "regions": ["KZ-61"]})
        every = projects.list_tasks({"region": "KZ-61", "limit": 200})["items"]
        found = projects.list_tasks({"region": "KZ-61", "q": "МЕДИАТОР", "limit": 200})
    expected = {t["id"] for t in every if "медиатор" in t["title"].lower()}
    assert expected and {t["id"] for t in found["items"]} == expected
