"""The overdue job: once per stage, successors rescheduled on the first detection."""
from datetime import date, timedelta

from services.projects.service_layer import overdue, tasks


def test_overdue_tasks_are_announced_once_per_stage_and_push_their_successors(
        rolled_out, uow, events):
    region = {t["template_key"]: t for t in
              tasks.list_tasks(uow(), {"region": "KZ-61", "limit": 200})["items"]}
    plan_task = region["org.plan"]
    due = date.fromisoformat(plan_task["due_date"])  # 2026-01-28
    day = due + timedelta(days=2)
    assert overdue.scan_overdue(uow(), day) >= 1
    late = [e["data"] for e in events("task_overdue")]
    mine = [e for e in late if e["task_id"] == plan_task["id"]]
    assert [(e["stage"], e["days_overdue"]) for e in mine] == [("overdue", 2)]
    assert {r["kind"] for r in mine[0]["responsible"]} == {"org_unit"}
    # its successors now start after the day it was found late
    budget = tasks.get_task(uow(), region["org.budget"]["id"])
    assert budget["start_date"] > day.isoformat() > region["org.budget"]["start_date"]
    slipped = {e["data"]["task_id"]: e["data"] for e in events("deadline_slipped")}
    assert slipped[budget["id"]]["cause_task_id"] == plan_task["id"]
    assert slipped[budget["id"]]["chain"] == [plan_task["id"], budget["id"]]
    count = len(events())

    assert overdue.scan_overdue(uow(), day) == 0  # the same day again: nothing new
    assert overdue.scan_overdue(uow(), day + timedelta(days=1)) == 0
    assert len(events()) == count
    overdue.scan_overdue(uow(), due + timedelta(days=8))
    stages = [e["data"]["stage"] for e in events("task_overdue")
              if e["data"]["task_id"] == plan_task["id"]]
    assert stages == ["overdue", "week"]
    history = [h["action"] for h in tasks.task_history(uow(), plan_task["id"])["items"]]
    assert history.count("overdue") == 2


def test_done_tasks_are_never_overdue(rolled_out, uow, events):
    task = {t["template_key"]: t for t in
            tasks.list_tasks(uow(), {"region": "KZ-75", "limit": 200})["items"]}["org.plan"]
    tasks.update_task(uow(), task["id"], {"version": task["version"], "status": "done"})
    overdue.scan_overdue(uow(), date(2026, 2, 2))
    assert task["id"] not in {e["data"]["task_id"] for e in events("task_overdue")}
    late = tasks.list_tasks(uow(), {"overdue": True, "region": "KZ-75", "limit": 200})
    assert task["id"] not in {t["id"] for t in late["items"]}


def test_the_overdue_filter_says_what_each_task_s_overdue_says(rolled_out, uow):
    """A phase is never overdue (its children are the ones late): ``overdue=true`` lists
    exactly the tasks whose own ``overdue`` is true, ``overdue=false`` the rest, phases
    due long ago among them (the 2026 rollout's dates are before today)."""
    query = {"region": "KZ-61", "limit": 200}
    every = tasks.list_tasks(uow(), query)["items"]
    late = tasks.list_tasks(uow(), {**query, "overdue": True})
    on_time = tasks.list_tasks(uow(), {**query, "overdue": False})
    assert {t["id"] for t in late["items"]} == {t["id"] for t in every if t["overdue"]}
    assert {t["id"] for t in on_time["items"]} == {t["id"] for t in every if not t["overdue"]}
    assert late["total"] + on_time["total"] == len(every)
    assert any(t["kind"] == "phase" and t["due_date"] < date.today().isoformat()
               for t in on_time["items"])
    assert late["items"]
