"""A rollout keeps every dated item of the four shipped templates in its period: the dates
their titles name (1 March, 1 May, 1 June), quarters, half-years and cadences (issue 19)."""
from datetime import date

import pytest

from services.projects.service_layer import projects, rollout, tasks
from services.projects.service_layer.common import work_calendar

CAL = work_calendar()
REPORT_H1 = ("rep.half", "on", (7, 10))  # due 10 days after the half-year, as reports are
# what each title says, written here independently of the template's own fields
DATED = {
    "civic-identity": [("youth.unity-day", "on", (5, 1)), ("youth.gratitude-day", "on", (3, 1)),
                       ("youth.children-day", "on", (6, 1)), REPORT_H1],
    "mediation": [("train.q1", "within", "Q1"), ("train.q2", "within", "Q2"),
                  ("train.q3", "within", "Q3"), ("train.q4", "within", "Q4"),
                  ("rgu.council-1", "within", "H1"), ("rgu.council-2", "within", "H2"),
                  ("practice.council-1", "within", "H1"),
                  ("practice.council-2", "within", "H2"), REPORT_H1],
    "cultural-diversity": [REPORT_H1],
    "ethnocultural-genesis": [REPORT_H1],
}
PERIODS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6),
           "H2": (7, 12)}


def tasks_of(uow, code, year):
    page = tasks.list_tasks(uow(), {"project": code, "year": year, "limit": 200})
    assert page["total"] <= 200
    return {(t["region_code"], t["template_key"]): t for t in page["items"]}


def in_period(task, period, year):
    first, last = PERIODS[period]
    start, due = date.fromisoformat(task["start_date"]), date.fromisoformat(task["due_date"])
    return (start.year, due.year) == (year, year) and first <= start.month \
        and due.month <= last


@pytest.mark.parametrize("year", [2026, 2036])
def test_a_rollout_keeps_every_dated_item_of_the_four_templates_in_its_period(
        uow, registry, year):
    for code, dated in DATED.items():
        result = rollout.rollout(uow(), registry, code, {"year": year, "regions": ["KZ-61"]})
        assert result["constraint_conflicts"] == [], (code, result["constraint_conflicts"])
        found = tasks_of(uow, code, year)
        for key, rule, when in dated:
            region = None if key.startswith("rgu.") else "KZ-61"
            task = found[(region, key)]
            if rule == "on":
                day = CAL.on_or_before(date(year, *when))
                assert task["due_date"] == day.isoformat(), (code, key, task["due_date"])
                assert task["constraint_kind"] == "on"
            else:
                assert in_period(task, when, year), (code, key, task["start_date"],
                                                     task["due_date"])
            assert task["constraint_conflict"] is None


def test_the_day_of_unity_action_ends_on_30_april_2026_the_working_day_before_1_may(
        uow, registry):
    """The reported fault: scheduled 6-12 February because it follows the plan's approval."""
    rollout.rollout(uow(), registry, "civic-identity", {"year": 2026, "regions": ["KZ-61"]})
    task = tasks_of(uow, "civic-identity", 2026)[("KZ-61", "youth.unity-day")]
    assert (task["start_date"], task["due_date"]) == ("2026-04-24", "2026-04-30")
    assert task["title"] == "Региональная акция ко Дню единства народа Казахстана (1 мая)"


def test_a_cadence_is_one_task_per_occurrence_with_its_own_due_date(uow, registry):
    rollout.rollout(uow(), registry, "civic-identity", {"year": 2026, "regions": ["KZ-61"]})
    found = tasks_of(uow, "civic-identity", 2026)
    mothers = sorted((t for (region, key), t in found.items()
                      if key.startswith("youth.mothers.")), key=lambda t: t["due_date"])
    assert len(mothers) == 18
    assert len({t["due_date"] for t in mothers}) == 18
    assert mothers[0]["title"] == "Заседание Совета матерей (18 в год) (1/18)"
    assert mothers[0]["title_kk"].endswith("(1/18)")
    assert all(CAL.is_working_day(date.fromisoformat(t["due_date"])) for t in mothers)
    quarters = [t for (region, key), t in found.items() if key.startswith("media.quarter.")]
    assert sorted((date.fromisoformat(t["due_date"]).month - 1) // 3 for t in quarters) == [
        0, 1, 2, 3]
    # the template itself says the date, the period and the cadence
    items = {i["key"]: i for i in projects.get_template(uow(), "civic-identity")["items"]}
    assert items["youth.unity-day"]["on"] == "05-01"
    assert items["youth.mothers"]["repeat"].startswith("FREQ=MONTHLY")


def test_a_slip_that_makes_a_dated_task_impossible_reports_it_with_its_chain(
        uow, registry, events):
    rollout.rollout(uow(), registry, "civic-identity", {"year": 2026, "regions": ["KZ-61"]})
    found = tasks_of(uow, "civic-identity", 2026)
    plan_task, day = found[("KZ-61", "org.plan")], found[("KZ-61", "youth.unity-day")]
    approved = found[("KZ-61", "org.approved")]
    change = tasks.update_task(uow(), plan_task["id"], {
        "version": plan_task["version"], "due_date": "2026-05-05",
        "reason": "the akimat returned the plan"})
    [conflict] = [c for c in change["constraint_conflicts"] if c["task_id"] == day["id"]]
    assert conflict["constraint"] == "on" and conflict["date"] == "2026-04-30"
    assert conflict["predecessor_id"] == approved["id"]
    assert conflict["chain"][0] == plan_task["id"] and conflict["chain"][-2:] == [
        approved["id"], day["id"]]
    after = tasks.get_task(uow(), day["id"])
    assert after["due_date"] == "2026-04-30" and after["constraint_conflict"]["chain"] == \
        conflict["chain"]
    # the slip of the approval milestone carries it, as it carries its own chain
    slipped = {e["data"]["task_id"]: e["data"] for e in events("deadline_slipped")}
    assert slipped[approved["id"]]["constraint_conflicts"][0]["task_id"] == day["id"]
    assert day["id"] in {c["task_id"] for c in
                         slipped[plan_task["id"]]["constraint_conflicts"]}  # the edited one
    assert day["id"] not in slipped  # the dated task did not move
    history = tasks.task_history(uow(), day["id"])["items"]
    assert history[0]["action"] == "constraint"
    listed = tasks.list_tasks(uow(), {"region": "KZ-61", "constraint_conflict": True})
    assert day["id"] in {t["id"] for t in listed["items"]}
    assert all(t["constraint_conflict"] for t in listed["items"])
    others = tasks.list_tasks(uow(), {"region": "KZ-61", "constraint_conflict": False,
                                      "limit": 200})
    assert others["total"] + listed["total"] == len([k for k in found if k[0] == "KZ-61"])


def test_dates_set_by_hand_replace_the_constraint_and_say_so(uow, registry):
    rollout.rollout(uow(), registry, "mediation", {"year": 2026, "regions": ["KZ-61"]})
    council = tasks_of(uow, "mediation", 2026)[(None, "rgu.council-1")]
    assert council["constraint_kind"] == "within"
    changed = tasks.update_task(uow(), council["id"], {
        "version": council["version"], "start_date": "2026-07-15", "due_date": "2026-07-15",
        "reason": "the minister's agenda"})
    assert changed["task"]["due_date"] == "2026-07-15"
    assert changed["task"]["constraint_kind"] is None
    history = tasks.task_history(uow(), council["id"])["items"]
    assert history[0]["action"] == "constraint"
    assert history[0]["changes"]["constraint_kind"] == ["within", None]
