"""Review of issue 12.3 and 10.2: every change leaves the stored schedule equal to what the
rescheduler computes from the stored graph, also for tasks under a phase whose
predecessors hold them, and for a task that comes back from done."""
from datetime import date

import pytest

from kelisim.errors import Invalid
from services.projects.service_layer import dependencies, scheduling, tasks
from services.projects.service_layer.common import work_calendar
from tests.support import COORDINATOR
from tests.support_projects import assignees_of
from tests.unit.projects.test_tasks import by_key


def day(text):
    return date.fromisoformat(text)


def unsettled(uow, project_code="mediation", year=2026):
    """Moves the rescheduler would still make on the stored graph (none when consistent)."""
    with uow() as unit:
        graph, _rows = scheduling.load_graph(unit.repo, project_code, year)
        return graph.reschedule(work_calendar(), only=set(graph.nodes))


@pytest.fixture
def held_phase(rolled_out, uow):
    """KZ-61's promo phase made to follow train.q3 with a lag of 2: the day its tasks may
    start at the earliest, and the tasks."""
    region = by_key(uow, "KZ-61")
    dependencies.add_dependency(uow(COORDINATOR), region["promo"]["id"], {
        "predecessor_id": region["train.q3"]["id"], "lag": 2})
    earliest = work_calendar().successor_start(day(region["train.q3"]["due_date"]), 2)
    assert unsettled(uow) == []
    return earliest, by_key(uow, "KZ-61")


def test_a_task_added_under_a_held_phase_starts_when_the_phase_may(held_phase, uow):
    earliest, region = held_phase
    phase = region["promo"]
    made = tasks.create_task(uow(COORDINATOR), phase["plan_id"], {
        "title": "Флешмоб", "start_date": "2026-02-02", "duration": 3,
        "parent_id": phase["id"]})
    assert day(made["start_date"]) == earliest
    assert day(made["due_date"]) == work_calendar().finish(earliest, 3)
    assert by_key(uow, "KZ-61")["promo"]["start_date"] == earliest.isoformat()
    milestone = tasks.create_task(uow(COORDINATOR), phase["plan_id"], {
        "title": "Итог", "kind": "milestone", "start_date": "2026-02-02",
        "parent_id": phase["id"]})
    assert day(milestone["start_date"]) == day(milestone["due_date"]) == earliest
    manual = tasks.create_task(uow(COORDINATOR), phase["plan_id"], {  # keeps its dates
        "title": "Вне графика", "start_date": "2026-12-01", "duration": 2,
        "scheduling": "manual", "parent_id": phase["id"]})
    assert manual["start_date"] == "2026-12-01"
    assert unsettled(uow) == []


def test_a_task_under_a_held_phase_cannot_be_dated_before_it(held_phase, uow):
    earliest, region = held_phase
    phase = region["promo"]
    made = tasks.create_task(uow(COORDINATOR), phase["plan_id"], {  # no own predecessor
        "title": "Флешмоб", "start_date": earliest.isoformat(), "duration": 3,
        "parent_id": phase["id"]})
    assert day(made["start_date"]) == earliest
    with pytest.raises(Invalid) as refused:
        tasks.update_task(uow(COORDINATOR), made["id"], {
            "version": made["version"], "start_date": "2026-02-02"})
    assert set(refused.value.errors) == {"start_date"}
    assert tasks.get_task(uow(), made["id"]) == made
    assert unsettled(uow) == []


def test_a_task_reopened_after_done_follows_its_predecessors_again(rolled_out, uow):
    region = by_key(uow, "KZ-61")
    youth, plan = region["promo.youth"], region["promo.plan"]
    done = tasks.update_task(uow(COORDINATOR), youth["id"], {
        "version": youth["version"], "status": "done"})["task"]
    tasks.update_task(uow(COORDINATOR), plan["id"], {
        "version": plan["version"], "due_date": "2026-03-02", "reason": "the studio is late"})
    assert by_key(uow, "KZ-61")["promo.youth"]["start_date"] == youth["start_date"]  # done
    reopened = tasks.update_task(uow(COORDINATOR), youth["id"], {
        "version": done["version"], "status": "in_progress", "progress": 50})
    assert day(reopened["task"]["start_date"]) == work_calendar().successor_start(
        day("2026-03-02"))
    assert youth["id"] in {m["task_id"] for m in reopened["rescheduled"]}
    assert unsettled(uow) == []


# 11.2 no error message describes a record its caller cannot read
def test_a_kgu_learns_nothing_of_another_regions_assignee(rolled_out, uow, registry, sessions):
    from services.projects.service_layer import assignments

    task = by_key(uow, "KZ-61")["promo.youth"]
    answers = {}
    for assignee_id in (102, 99_999):  # Almaty's mediation council; no structure at all
        with pytest.raises(Invalid) as refused:
            assignments.add_assignment(uow(COORDINATOR), assignees_of(registry), task["id"], {
                "role": "C", "kind": "structure", "id": assignee_id})
        answers[assignee_id] = (str(refused.value), refused.value.errors)
    assert "KZ-75" not in str(answers[102])
    assert answers[102][0] == answers[99_999][0]
    assert answers[102][1] == {"id": "no public structure 102"}
    with pytest.raises(Invalid) as told:  # the RGU, who reads every region, is told why
        assignments.add_assignment(uow(), assignees_of(registry), task["id"], {
            "role": "C", "kind": "structure", "id": 102})
    assert "KZ-75" in str(told.value.errors)
    assert by_key(uow, "KZ-61")["promo.youth"] == task


def test_an_automatic_milestone_after_predecessors_is_not_dated_by_hand(rolled_out, uow):
    region = by_key(uow, "KZ-61")
    approved = region["org.approved"]  # a milestone after org.budget and org.risks
    for moved_to in ("2026-03-02", "2026-01-20"):
        with pytest.raises(Invalid) as refused:
            tasks.update_task(uow(COORDINATOR), approved["id"], {
                "version": approved["version"], "due_date": moved_to, "reason": "later"})
        assert set(refused.value.errors) == {"due_date"}
    assert by_key(uow, "KZ-61") == region
    manual = tasks.update_task(uow(COORDINATOR), approved["id"], {  # manual: as asked
        "version": approved["version"], "due_date": "2026-03-02", "scheduling": "manual",
        "reason": "the RGU meets later"})["task"]
    assert manual["start_date"] == manual["due_date"] == "2026-03-02"
    assert unsettled(uow) == []


def test_the_approval_milestone_reopened_with_its_plan_follows_its_predecessors(
        rolled_out, uow):
    from tests.unit.projects.test_small_rules import move_plan

    plan_id = rolled_out["created"][0]["plan_id"]
    move_plan(uow, plan_id, "approved")
    budget = by_key(uow, "KZ-61")["org.budget"]  # org.approved follows it, done meanwhile
    tasks.update_task(uow(), budget["id"], {
        "version": budget["version"], "due_date": "2026-03-02", "reason": "re-costed"})
    assert by_key(uow, "KZ-61")["org.approved"]["due_date"] < "2026-03-02"
    move_plan(uow, plan_id, "draft", reason="the budget must be revised")
    reopened = by_key(uow, "KZ-61")["org.approved"]
    assert reopened["status"] == "planned"
    assert day(reopened["start_date"]) == work_calendar().successor_start(day("2026-03-02"))
    assert unsettled(uow) == []


def test_a_task_may_follow_a_milestone_on_new_years_day_2020(uow, registry):
    from services.projects.service_layer.rollout import rollout
    from tests.unit.projects.test_schedule_rules import plan_of

    plan_id = plan_of(rollout(uow(), registry, "mediation", {"year": 2020,
                                                              "regions": ["KZ-61"]}))
    kickoff = tasks.create_task(uow(COORDINATOR), plan_id, {
        "title": "Старт", "kind": "milestone", "start_date": "2020-01-01",
        "scheduling": "manual"})  # a holiday, before the calendar's first working day
    made = tasks.create_task(uow(COORDINATOR), plan_id, {
        "title": "Подготовка", "start_date": "2020-02-03", "duration": 2})
    moved = dependencies.add_dependency(uow(COORDINATOR), made["id"], {
        "predecessor_id": kickoff["id"], "lag": 1})["task"]
    first = work_calendar().on_or_after(date(2020, 1, 1))
    assert day(moved["start_date"]) == work_calendar().add(first, 1)
    assert unsettled(uow, year=2020) == []


def test_a_held_task_stored_on_a_day_off_still_takes_a_new_due_date(rolled_out, uow, sessions):
    """Dates stored before the calendar knew a day off (a 2028 task on Nauryz, say) stay
    editable: a due date edit of a task, not a milestone, does not count as dating its start
    by hand, though placing it moves the start to a working day."""
    import sqlalchemy as sa

    from services.projects.adapters import orm

    survey = by_key(uow, "KZ-61")["mon.survey"]  # automatic, after org.approved
    with sessions() as session:
        session.execute(sa.update(orm.tasks).where(orm.tasks.c.id == survey["id"])
                        .values(start_date=date(2026, 1, 31)))  # a Saturday
        session.commit()
    moved = tasks.update_task(uow(COORDINATOR), survey["id"], {
        "version": survey["version"], "due_date": "2026-04-10", "reason": "more schools"})
    assert moved["task"]["due_date"] == "2026-04-10"


def test_one_edit_announces_one_slip_per_task_with_its_final_dates(rolled_out, uow, events):
    """Turning a task automatic with a later due date moves it twice in one change (the edit,
    then its predecessors): its KGU gets one deadline_slipped, from the dates before the
    change to those stored after it."""
    youth = by_key(uow, "KZ-61")["promo.youth"]  # follows promo.plan (ends 12 February)
    manual = tasks.update_task(uow(COORDINATOR), youth["id"], {
        "version": youth["version"], "scheduling": "manual", "start_date": "2026-02-02"})["task"]
    assert manual["start_date"] == "2026-02-02"
    before = len([e for e in events("deadline_slipped") if e["data"]["task_id"] == youth["id"]])
    auto = tasks.update_task(uow(COORDINATOR), youth["id"], {
        "version": manual["version"], "scheduling": "auto", "due_date": "2026-03-20",
        "reason": "the youth forum moved"})["task"]
    assert auto["start_date"] == "2026-02-13"  # after promo.plan, not 2 February
    slips = [e["data"] for e in events("deadline_slipped")
             if e["data"]["task_id"] == youth["id"]][before:]
    assert [(s["old_start_date"], s["old_due_date"], s["start_date"], s["due_date"])
            for s in slips] == [(manual["start_date"], manual["due_date"],
                                 auto["start_date"], auto["due_date"])]
    assert unsettled(uow) == []
