"""Issue 12.6: the approval milestone follows the plan's approval; a KGU reads the RGU
tasks its plan depends on (never writes them); the RGU sets targets beyond 2026."""
import pytest

from kelisim.errors import Conflict, Forbidden, Invalid, NotFound
from services.projects.service_layer import plans, projects, tasks
from tests.support import COORDINATOR, OTHER_COORDINATOR


def by_key(uow, region):
    page = tasks.list_tasks(uow(), {"region": region, "limit": 200})
    return {t["template_key"]: t for t in page["items"]}


def move_plan(uow, plan_id, status, reason=None):
    plan = plans.get_plan(uow(), plan_id)
    return plans.update_plan(uow(), plan_id, {"version": plan["version"], "status": status,
                                              "reason": reason})


def test_approving_the_plan_completes_its_approval_milestone_and_reopening_undoes_it(
        rolled_out, uow):
    plan_id = rolled_out["created"][0]["plan_id"]
    milestone = by_key(uow, "KZ-61")["org.approved"]
    assert milestone["status"] == "planned"
    # by hand it is refused, by the KGU and the RGU alike: approval is what completes it
    for actor in (COORDINATOR, None):
        with pytest.raises(Invalid) as refused:
            tasks.update_task(uow(actor) if actor else uow(), milestone["id"],
                              {"version": milestone["version"], "status": "done"})
        assert "status" in refused.value.errors
    move_plan(uow, plan_id, "approved")
    done = by_key(uow, "KZ-61")["org.approved"]
    assert (done["status"], done["progress"]) == ("done", 100)
    assert by_key(uow, "KZ-75")["org.approved"]["status"] == "planned"  # not approved
    history = tasks.task_history(uow(), milestone["id"])["items"]
    assert history[0]["reason"] == "the RGU approved the implementation plan"
    move_plan(uow, plan_id, "draft", reason="the budget must be revised")
    reopened = by_key(uow, "KZ-61")["org.approved"]
    assert (reopened["status"], reopened["progress"]) == ("planned", 0)


@pytest.mark.parametrize("status", ["approved"])
def test_a_kgu_moving_its_plan_where_only_the_rgu_may_is_forbidden_not_invalid(
        rolled_out, uow, status):
    """A role refusal is 403 (Forbidden), like every other one, not 422."""
    plan_id = rolled_out["created"][0]["plan_id"]
    plan = plans.get_plan(uow(), plan_id)
    with pytest.raises(Forbidden):
        plans.update_plan(uow(COORDINATOR), plan_id, {"version": plan["version"],
                                                      "status": status, "reason": None})
    assert plans.get_plan(uow(), plan_id)["status"] == "draft"


def test_tasks_filtered_by_another_regions_plan_are_not_found_for_a_kgu(rolled_out, uow):
    """plan_id of another region's plan (or of none) is 404, as reading the plan is."""
    mine, theirs = (p["plan_id"] for p in rolled_out["created"][:2])
    assert tasks.list_tasks(uow(COORDINATOR), {"plan_id": mine})["total"] > 0
    for plan_id in (theirs, 987654):
        with pytest.raises(NotFound):
            tasks.list_tasks(uow(COORDINATOR), {"plan_id": plan_id})
    assert tasks.list_tasks(uow(), {"plan_id": theirs})["total"] > 0


def test_the_responsible_of_a_task_lists_each_assignee_once(rolled_out, uow):
    """deadline_slipped/overdue data.responsible: an org unit both R and A appears once."""
    from services.projects.service_layer import scheduling

    region = by_key(uow, "KZ-61")
    def ra(task):
        return [(a["assignee"]["kind"], a["assignee"]["id"]) for a in task["assignments"]
                if a["role"] in ("R", "A")]

    twice = [t for t in region.values() if len(set(ra(t))) < len(ra(t))]
    assert twice, "the rollout makes the KGU both Responsible and Accountable somewhere"
    with uow() as work:
        found = scheduling.responsible_of(work.repo, [t["id"] for t in twice])
    for task in twice:
        keys = [(a["kind"], a["id"]) for a in found[task["id"]]]
        assert keys and len(keys) == len(set(keys)), keys


def test_a_kgu_reads_the_rgu_tasks_its_plan_follows_and_never_writes_them(rolled_out, uow):
    regional = by_key(uow, "KZ-61")["train.selection"]
    followed = [p["predecessor_id"] for p in regional["predecessors"]]
    rgu = [tasks.get_task(uow(), task_id) for task_id in followed]
    rgu = [t for t in rgu if t["region_code"] is None]
    assert rgu, "the trainings follow the RGU's methodology"
    method = rgu[0]
    seen = tasks.get_task(uow(COORDINATOR), method["id"])
    assert seen["id"] == method["id"] and seen["template_key"] == method["template_key"]
    assert tasks.task_history(uow(COORDINATOR), method["id"])["total"] >= 1
    with pytest.raises(Forbidden):
        tasks.update_task(uow(COORDINATOR), method["id"], {
            "version": method["version"], "due_date": "2026-03-02", "reason": "we are late"})
    # a region that was not rolled out follows nothing of the RGU's: still not found
    outsider = {"id": "coord-11", "role": "kgu_coordinator", "region": "KZ-11"}
    with pytest.raises(NotFound):
        tasks.get_task(uow(outsider), method["id"])
    assert tasks.get_task(uow(OTHER_COORDINATOR), method["id"])["id"] == method["id"]


def indicator(uow, code="public-accord"):
    return [i for i in projects.list_indicators(uow()) if i["code"] == code][0]


def test_the_rgu_sets_targets_beyond_2026_with_history(uow):
    code = projects.list_indicators(uow())[0]["code"]
    before = indicator(uow, code)
    assert "2027" not in before["targets"]
    set_2027 = projects.set_indicator_target(uow(), code, 2027, {
        "value": "81.5", "version": before["version"]})
    assert set_2027["targets"]["2027"] == "81.5"
    assert list(set_2027["targets"])[-1] == "2027"
    with pytest.raises(Invalid) as no_reason:
        projects.set_indicator_target(uow(), code, 2027, {
            "value": "82", "version": set_2027["version"]})
    assert "reason" in no_reason.value.errors
    with pytest.raises(Conflict):
        projects.set_indicator_target(uow(), code, 2027, {
            "value": "82", "version": before["version"], "reason": "stale"})
    changed = projects.set_indicator_target(uow(), code, 2027, {
        "value": "82", "version": set_2027["version"],
        "reason": "the concept was extended to 2030"})
    assert changed["targets"]["2027"] == "82"
    history = projects.indicator_history(uow(), code)["items"]
    assert [(h["action"], h["changes"]) for h in history[:2]] == [
        ("target", {"2027": ["81.5", "82"]}),
        ("target", {"2027": [None, "81.5"]})]
    assert history[0]["reason"] == "the concept was extended to 2030"
    with pytest.raises(Forbidden):
        projects.set_indicator_target(uow(COORDINATOR), code, 2028, {
            "value": "82", "version": changed["version"]})
    with pytest.raises(Invalid) as beyond:
        projects.set_indicator_target(uow(), code, 2041, {"value": "82",
                                                          "version": changed["version"]})
    assert "year" in beyond.value.errors
