"""Scheduling rules around the calendar and dependencies (issue 12 parts 2-4, issue 11.2):
dates land on working days, a dependency on a phase holds its tasks at once, a schedule
that would leave the calendar is a 422 naming the field, and no dependency links two
regions' plans."""
from datetime import date

import pytest
import sqlalchemy as sa

from kelisim.errors import Invalid, NotFound
from services.projects.adapters import orm
from services.projects.domain import figures
from services.projects.service_layer import dependencies, tasks
from services.projects.service_layer.common import work_calendar
from services.projects.service_layer.rollout import rollout
from tests.support import COORDINATOR
from tests.unit.projects.test_tasks import by_key, rgu_tasks


def day(text):
    return date.fromisoformat(text)


def plan_of(made, region="KZ-61"):
    return next(p["plan_id"] for p in made["created"] if p["region_code"] == region)


def count(sessions, table, **where):
    with sessions() as session:
        query = sa.select(sa.func.count()).select_from(table)
        for name, value in where.items():
            query = query.where(table.c[name] == value)
        return session.scalar(query)


@pytest.fixture
def plan_2027(uow, registry):
    return plan_of(rollout(uow(), registry, "mediation", {"year": 2027, "regions": ["KZ-61"]}))


# 12.2 dates land on working days
def test_an_automatic_task_dated_on_nauryz_starts_on_the_next_working_day(uow, plan_2027):
    made = tasks.create_task(uow(COORDINATOR), plan_2027, {
        "title": "Встреча медиаторов", "start_date": "2027-03-22", "duration": 3})
    # 22-24 March 2027 are Nauryz days off: it starts Thursday 25th and works 25, 26, 29
    assert (made["start_date"], made["due_date"], made["duration"]) == (
        "2027-03-25", "2027-03-29", 3)
    ends = tasks.create_task(uow(COORDINATOR), plan_2027, {
        "title": "Отчёт", "start_date": "2027-03-20", "due_date": "2027-03-28"})
    assert (ends["start_date"], ends["due_date"], ends["duration"]) == (
        "2027-03-25", "2027-03-26", 2)
    moved = tasks.update_task(uow(COORDINATOR), made["id"], {
        "version": made["version"], "start_date": "2027-05-09",
        "reason": "the hall is taken"})["task"]  # Victory Day, Sunday
    assert (moved["start_date"], moved["due_date"]) == ("2027-05-11", "2027-05-13")
    milestone = tasks.create_task(uow(COORDINATOR), plan_2027, {
        "title": "Итог", "kind": "milestone", "start_date": "2027-03-23"})
    assert milestone["start_date"] == milestone["due_date"] == "2027-03-25"


def test_a_manual_task_keeps_its_date_and_counts_working_days_only(uow, sessions, plan_2027):
    made = tasks.create_task(uow(COORDINATOR), plan_2027, {
        "title": "Круглый стол", "start_date": "2027-03-22", "duration": 1,
        "scheduling": "manual"})
    assert (made["start_date"], made["due_date"], made["duration"]) == (
        "2027-03-22", "2027-03-25", 1)
    span = tasks.create_task(uow(COORDINATOR), plan_2027, {
        "title": "Семинар", "start_date": "2027-03-20", "due_date": "2027-03-26",
        "scheduling": "manual"})
    assert (span["start_date"], span["due_date"], span["duration"]) == (
        "2027-03-20", "2027-03-26", 2)
    with uow() as unit:
        row = unit.repo.task(made["id"])
        calendar = work_calendar()
        # nothing is planned before its only working day, Thursday 25 March
        for as_of, planned in (("2027-03-22", 0), ("2027-03-24", 0), ("2027-03-25", 1)):
            assert figures.current_fractions([row], day(as_of), calendar)[0] == planned, as_of


# 12.3 a dependency on a phase holds its tasks at once
def test_a_dependency_on_a_phase_moves_its_tasks_in_the_same_change(rolled_out, uow, events):
    region = by_key(uow, "KZ-61")
    phase, q3 = region["promo"], region["train.q3"]
    calendar = work_calendar()
    expected_start = calendar.successor_start(day(q3["due_date"]), 2)
    assert day(region["promo.plan"]["start_date"]) < expected_start
    result = dependencies.add_dependency(uow(COORDINATOR), phase["id"], {
        "predecessor_id": q3["id"], "lag": 2})
    after = by_key(uow, "KZ-61")
    assert day(after["promo.plan"]["start_date"]) == expected_start
    for key in ("promo.plan", "promo.videos", "promo.youth", "promo.live"):
        assert after[key]["start_date"] >= expected_start.isoformat(), key
    moved = {r["task_id"] for r in result["rescheduled"]}
    later = {after[k]["id"] for k in after
             if after[k]["due_date"] > region[k]["due_date"] and after[k]["kind"] != "phase"}
    assert {after["promo.plan"]["id"], after["promo.youth"]["id"]} <= later <= moved
    slipped = {e["data"]["task_id"] for e in events("deadline_slipped")}
    assert later <= slipped
    assert after["promo"]["start_date"] == expected_start.isoformat()

    removed = dependencies.remove_dependency(uow(COORDINATOR), phase["id"], q3["id"])
    back = by_key(uow, "KZ-61")
    for key in ("promo", "promo.plan", "promo.videos", "promo.youth"):
        assert (back[key]["start_date"], back[key]["due_date"]) == (
            region[key]["start_date"], region[key]["due_date"]), key
    assert {r["task_id"] for r in removed["rescheduled"]} >= {back["promo.plan"]["id"]}


# 12.4 edges of the calendar are a 422
def test_a_schedule_leaving_the_calendar_is_a_422_naming_the_field(uow, registry, sessions):
    plan_id = plan_of(rollout(uow(), registry, "mediation", {"year": 2040,
                                                              "regions": ["KZ-61"]}))
    before = count(sessions, orm.tasks)
    for start, duration in (("2040-12-31", 5), ("2040-12-29", 500)):
        with pytest.raises(Invalid) as error:
            tasks.create_task(uow(COORDINATOR), plan_id, {
                "title": "X", "start_date": start, "duration": duration})
        assert set(error.value.errors) == {"duration"}
        assert error.value.status == 422
    assert count(sessions, orm.tasks) == before  # nothing written by the refusals
    region = by_key(uow, "KZ-61")
    with pytest.raises(Invalid) as error:
        dependencies.add_dependency(uow(COORDINATOR), region["promo.youth"]["id"], {
            "predecessor_id": region["mon.map"]["id"], "lag": 250})
    assert set(error.value.errors) == {"lag"}
    assert count(sessions, orm.dependencies, successor_id=region["promo.youth"]["id"]) == 1
    survey = region["mon.survey"]
    with pytest.raises(Invalid) as error:
        tasks.update_task(uow(COORDINATOR), survey["id"], {
            "version": survey["version"], "due_date": "2040-12-28", "reason": "late"})
    assert "due_date" in error.value.errors
    assert by_key(uow, "KZ-61") == region
    with pytest.raises(Invalid) as error:
        rollout(uow(), registry, "mediation", {"year": 2040, "regions": ["KZ-75"],
                                               "start_date": "2040-12-20"})
    assert set(error.value.errors) == {"start_date"}
    assert count(sessions, orm.plans, region_code="KZ-75") == 0


# 11.2 no window into another region through a dependency
def test_a_dependency_never_links_two_regions_plans(rolled_out, uow, sessions):
    own, foreign = by_key(uow, "KZ-61"), by_key(uow, "KZ-75")
    youth, far = own["promo.youth"], foreign["rep.closed"]
    with pytest.raises(NotFound) as hidden:
        dependencies.add_dependency(uow(COORDINATOR), youth["id"], {"predecessor_id": far["id"]})
    with pytest.raises(NotFound) as missing:
        dependencies.add_dependency(uow(COORDINATOR), youth["id"], {"predecessor_id": 99_999})
    # what the KGU learns is what GET tells it: the task is not found, as one that is not there
    assert str(hidden.value) == f"task {far['id']} not found"
    assert str(missing.value) == "task 99999 not found"
    with pytest.raises(Invalid) as refused:
        dependencies.add_dependency(uow(), youth["id"], {"predecessor_id": far["id"]})
    assert "KZ-75" in refused.value.errors["predecessor_id"]
    with pytest.raises(Invalid):  # nor an RGU task after one region's
        dependencies.add_dependency(uow(), rgu_tasks(uow)["rgu.council-2"]["id"],
                                    {"predecessor_id": far["id"]})
    assert count(sessions, orm.dependencies, predecessor_id=far["id"]) == 0
    assert by_key(uow, "KZ-61") == own
    # the RGU's own tasks remain the designed link: a KGU may make its task follow one
    council = rgu_tasks(uow)["rgu.council-1"]
    made = dependencies.add_dependency(uow(COORDINATOR), youth["id"],
                                       {"predecessor_id": council["id"]})
    assert council["id"] in [p["predecessor_id"] for p in made["task"]["predecessors"]]


def test_an_overdue_task_near_the_calendars_end_is_still_announced(uow, registry, events):
    from services.projects.service_layer import overdue

    rollout(uow(), registry, "mediation", {"year": 2040, "regions": ["KZ-61"]})
    region = by_key(uow, "KZ-61")
    survey = region["mon.survey"]  # mon.map follows it: 5 more working days
    tasks.update_task(uow(), survey["id"], {"version": survey["version"],
                                            "due_date": "2040-12-24", "reason": "late"})
    assert overdue.scan_overdue(uow(), date(2040, 12, 28)) >= 1
    announced = {e["data"]["task_id"] for e in events("task_overdue")}
    assert survey["id"] in announced


def test_a_2028_task_is_scheduled_around_nauryz(uow, registry):
    plan_id = plan_of(rollout(uow(), registry, "mediation", {"year": 2028,
                                                              "regions": ["KZ-61"]}))
    made = tasks.create_task(uow(COORDINATOR), plan_id, {
        "title": "Наурыз", "start_date": "2028-03-20", "duration": 3})
    assert (made["start_date"], made["due_date"]) == ("2028-03-20", "2028-03-27")
    region = by_key(uow, "KZ-61")
    # the rollout itself skips 8 March and 21-23 March 2028
    for task in region.values():
        for field in ("start_date", "due_date"):
            assert task[field] not in ("2028-03-08", "2028-03-21", "2028-03-22", "2028-03-23")
