"""The plans' pages' view helpers: slips with their old date and reason, the outline's
order, R and A per assignee."""
from gateway.entrypoints.web_plans import in_outline, responsible, slips_of


def task(id, start="2026-02-01", due="2026-02-10", parent=None, **more):
    return {"id": id, "start_date": start, "due_date": due, "parent_id": parent, **more}


def moved(id, old, new, reason):
    return {"entity": "task", "entity_id": id, "changes": {"due_date": [old, new]},
            "reason": reason}


def test_a_slip_is_the_baselines_date_with_the_latest_reason():
    tasks = [task(1, due="2026-03-20"), task(2), task(3, due="2026-04-01")]
    baseline = {"tasks": [
        {"task_id": 1, "start_date": "2026-02-01", "due_date": "2026-02-10", "slipped": True},
        {"task_id": 2, "start_date": "2026-02-01", "due_date": "2026-02-10", "slipped": False}]}
    history = [moved(1, "2026-03-01", "2026-03-20", "no hall"),  # newest first
               moved(1, "2026-02-10", "2026-03-01", "late money"),
               moved(3, "2026-03-01", "2026-04-01", "rescheduled after task 1: no hall"),
               moved(2, "2026-02-20", "2026-02-10", None)]  # earlier: not a slip
    assert slips_of(tasks, baseline, history) == {
        1: {"old": "2026-02-10", "reason": "no hall"},
        # not in the baseline (added later): its first date from the history
        3: {"old": "2026-03-01", "reason": "rescheduled after task 1: no hall"}}


def test_without_a_baseline_the_history_tells_the_slip():
    tasks = [task(1, due="2026-03-20")]
    history = [moved(1, "2026-03-01", "2026-03-20", "b"), moved(1, "2026-02-10", "2026-03-01", "a"),
               {"entity": "task", "entity_id": 1, "changes": {"due_date": [None, "2026-02-10"]}}]
    assert slips_of(tasks, None, history) == {1: {"old": "2026-02-10", "reason": "b"}}
    assert slips_of([task(1)], None, []) == {}


def test_the_outline_puts_each_phase_before_its_tasks_by_start():
    tasks = [task(1, "2026-03-01"), task(2, "2026-01-15"), task(3, "2026-03-05", parent=1),
             task(4, "2026-01-20", parent=2), task(5, "2026-03-02", parent=1),
             task(6, "2026-01-01", parent=99)]  # its parent is in another plan
    assert [t["id"] for t in in_outline(tasks)] == [6, 2, 4, 1, 5, 3]


def test_r_and_a_are_shown_once_per_assignee():
    unit = {"kind": "org_unit", "id": 16, "name": "KGU"}
    person = {"kind": "person", "id": 3, "name": "Айгүл"}
    t = {"assignments": [{"role": "R", "assignee": unit}, {"role": "A", "assignee": unit},
                         {"role": "C", "assignee": person}, {"role": "R", "assignee": person}]}
    assert responsible(t) == [("A, R", "KGU"), ("R", "Айгүл")]
