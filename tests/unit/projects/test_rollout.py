"""Rolling a base project out: plans, tasks, dependencies, assignments, dates, events."""
import pytest
import sqlalchemy as sa

from kelisim.errors import Forbidden, Invalid
from services.projects.adapters import orm
from services.projects.service_layer import plans, projects, rollout, tasks
from tests.support import COORDINATOR


def count(sessions, table):
    with sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def by_key(uow, region):
    page = tasks.list_tasks(uow(), {"region": region, "limit": 200})
    return {t["template_key"]: t for t in page["items"]}


def test_rollout_creates_each_kgu_plan_with_tasks_dependencies_and_assignments(
        rolled_out, uow, registry, events):
    assert [c["region_code"] for c in rolled_out["created"]] == ["KZ-61", "KZ-75"]
    turkistan = by_key(uow, "KZ-61")
    almaty = by_key(uow, "KZ-75")
    assert len(turkistan) == len(almaty) == 34 and rolled_out["tasks"] == 3 + 2 * 34
    q1, selection = turkistan["train.q1"], turkistan["train.selection"]
    assert {p["predecessor_id"] for p in q1["predecessors"]} == {
        selection["id"], turkistan["train.programme"]["id"]}
    assert q1["start_date"] > selection["due_date"]
    assert q1["parent_id"] == turkistan["train"]["id"]
    # the mediation council leads the training where the region has one, else the KGU
    responsible = [a["assignee"] for a in q1["assignments"] if a["role"] == "R"]
    assert responsible == [{"kind": "structure", "id": 101,
                            "name": "Совет медиации Туркестанской области",
                            "region_code": "KZ-61"}]
    accountable = [a["assignee"]["id"] for a in q1["assignments"] if a["role"] == "A"]
    assert accountable == [registry.kgu_id("KZ-61")]
    # one RGU milestone precedes the selection in both regions
    method = turkistan["train.selection"]["predecessors"]
    rgu_ids = {p["predecessor_id"] for p in method} - {turkistan["org.approved"]["id"]}
    assert rgu_ids == {p["predecessor_id"] for p in almaty["train.selection"]["predecessors"]} \
        - {almaty["org.approved"]["id"]}
    assigned = events("task_assigned")
    assert len(assigned) == rolled_out["assignments"] > 2 * 34
    q1_events = [e for e in assigned if e["data"]["task_id"] == q1["id"]]
    assert {e["data"]["role"] for e in q1_events} == {"A", "R"}
    assert all(e["regions"] == ["KZ-61"] for e in q1_events)


def test_rolling_out_again_creates_no_duplicates_and_leaves_the_template(
        rolled_out, uow, registry, sessions, events):
    template = projects.get_template(uow(), "mediation")
    before = (count(sessions, orm.tasks), count(sessions, orm.assignments),
              len(events()))
    again = rollout.rollout(uow(), registry, "mediation",
                            {"year": 2026, "regions": ["KZ-75", "KZ-61"]})
    assert again["created"] == [] and again["skipped"] == ["KZ-61", "KZ-75"]
    assert (count(sessions, orm.tasks), count(sessions, orm.assignments),
            len(events())) == before
    more = rollout.rollout(uow(), registry, "mediation",
                           {"year": 2026, "regions": "all"})
    assert len(more["created"]) == 18 and len(more["skipped"]) == 2
    assert count(sessions, orm.tasks) == before[0] + 18 * 34  # the RGU items are not repeated
    assert projects.get_template(uow(), "mediation") == template


def test_invalid_or_unauthorised_rollouts_change_nothing(uow, registry, sessions, events):
    with pytest.raises(Invalid) as unknown:
        rollout.rollout(uow(), registry, "mediation", {"year": 2026, "regions": ["KZ-98"]})
    with pytest.raises(Invalid):
        rollout.rollout(uow(), registry, "mediation", {"year": 2026, "regions": []})
    with pytest.raises(Forbidden):
        rollout.rollout(uow(COORDINATOR), registry, "mediation",
                        {"year": 2026, "regions": ["KZ-61"]})
    assert "KZ-98" in unknown.value.errors["regions"]
    assert count(sessions, orm.plans) == 0 and events() == []


def test_coordinators_see_only_their_region(rolled_out, uow):
    mine = plans.list_plans(uow(COORDINATOR), {})
    assert [p["region_code"] for p in mine["items"]] == ["KZ-61"]
    assert mine["items"][0]["task_count"] == 34
    everything = plans.list_plans(uow(), {"project": "mediation", "year": 2026})
    assert everything["total"] == 3  # the RGU plan and two regions
