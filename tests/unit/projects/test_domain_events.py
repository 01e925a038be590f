"""Typed task events: the payload and regions each one is sent with, built in one place."""
from datetime import date

from kelisim.i18n import _
from services.projects.domain.events import (
    DeadlineSlipped,
    TaskAssigned,
    TaskOverdue,
    TaskReassigned,
    envelope_of,
)
from services.projects.domain.model import Assignment, Task

TASK = Task(plan_id=3, project_code="mediation", year=2026, title="Тренинг", title_kk="Тренинг",
            region_code="KZ-61", start_date=date(2026, 3, 2), due_date=date(2026, 4, 15), id=7)
HEAD = {"task_id": 7, "task_title": "Тренинг", "task_title_kk": "Тренинг", "plan_id": 3,
        "project_code": "mediation", "region_code": "KZ-61",
        "start_date": date(2026, 3, 2), "due_date": date(2026, 4, 15)}
UNIT = {"kind": "org_unit", "id": 2, "name": "КГУ", "region_code": "KZ-61"}


def test_a_slip_with_a_persons_reason_is_sent_as_the_producer_sent_it():
    event = DeadlineSlipped(**DeadlineSlipped.task_fields(TASK, start=date(2026, 3, 9),
                                                          due=date(2026, 4, 22)),
                            old_start_date=date(2026, 3, 2), old_due_date=date(2026, 4, 15),
                            cause_task_id=7, chain=[7], reason="кешігу", responsible=[UNIT])
    assert envelope_of(event) == ("deadline_slipped", {
        **HEAD, "start_date": date(2026, 3, 9), "due_date": date(2026, 4, 22),
        "old_start_date": date(2026, 3, 2), "old_due_date": date(2026, 4, 15),
        "cause_task_id": 7, "chain": [7], "reason": "кешігу", "responsible": [UNIT],
        "constraint_conflicts": []}, ["KZ-61"])


def test_a_reason_the_system_made_goes_as_text_and_as_a_message():
    reason = _("«{task}» is overdue", task="Тренинг")
    event = DeadlineSlipped(**DeadlineSlipped.task_fields(TASK), old_start_date=None,
                            old_due_date=date(2026, 4, 1), cause_task_id=6, chain=[6, 7],
                            reason=reason)
    _type, data, _regions = envelope_of(event)
    assert data["reason"] == "«Тренинг» is overdue"
    assert data["reason_message"] == reason.to_dict()
    assert list(data)[-1] == "reason_message"
    no_reason = envelope_of(DeadlineSlipped(**DeadlineSlipped.task_fields(TASK),
                                            old_start_date=None, old_due_date=None,
                                            cause_task_id=7, chain=[7]))[1]
    assert no_reason["reason"] is None and "reason_message" not in no_reason


def test_an_assignment_is_read_in_the_tasks_region_and_the_assignees():
    rgu_task = Task(plan_id=1, project_code="mediation", year=2026, title="Әдістеме",
                    start_date=date(2026, 2, 2), due_date=date(2026, 2, 27), id=9)
    person = Assignment(task_id=9, role="R", assignee_kind="person", assignee_id=501,
                        assignee_name="Әлия", region_code="KZ-61", id=11)
    event = TaskAssigned.of(rgu_task, person)
    assert envelope_of(event) == ("task_assigned", {
        "task_id": 9, "task_title": "Әдістеме", "task_title_kk": None, "plan_id": 1,
        "project_code": "mediation", "region_code": None, "start_date": date(2026, 2, 2),
        "due_date": date(2026, 2, 27), "assignment_id": 11, "role": "R",
        "assignee": {"kind": "person", "id": 501, "name": "Әлия", "region_code": "KZ-61"}},
        ["KZ-61"])
    again = TaskReassigned.of(TASK, person, previous_assignee=UNIT)
    event_type, data, regions = envelope_of(again)
    assert event_type == "task_reassigned" and data["previous_assignee"] == UNIT
    assert list(data)[-1] == "previous_assignee" and regions == ["KZ-61"]


def test_an_overdue_task_carries_its_stage_and_days():
    event = TaskOverdue(**TaskOverdue.task_fields(TASK), days_overdue=3, stage="first",
                        responsible=[UNIT])
    assert envelope_of(event) == ("task_overdue", {**HEAD, "days_overdue": 3,
                                                   "stage": "first", "responsible": [UNIT]},
                                  ["KZ-61"])
