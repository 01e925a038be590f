"""A task's own rules (Task.revise, Task.record_slip), on plain objects: no database, no
broker. The facts a task cannot know itself come from a stand-in that counts the asks."""
from datetime import date

import pytest

from kelisim.errors import Conflict, Invalid
from kelisim.workdays import kazakhstan
from services.projects.domain.events import DeadlineSlipped
from services.projects.domain.model import APPROVAL_MILESTONE, Assignment, Plan, Task

CALENDAR = kazakhstan()


class Facts:
    def __init__(self, children=False, held=False, roles=("A",), attachments=0):
        self.children, self.held_, self.roles, self.attachments = children, held, roles, attachments
        self.asked = []

    def has_children(self):
        self.asked.append("children")
        return self.children

    def held(self):
        self.asked.append("held")
        return self.held_

    def assignments(self):
        self.asked.append("assignments")
        return [Assignment(task_id=7, role=role, assignee_kind="org_unit", assignee_id=2)
                for role in self.roles]

    def attachment_count(self):
        self.asked.append("attachments")
        return self.attachments


def task(**fields):
    """A 10-working-day automatic task of 2026 (Mon 2 March to Fri 13 March: 8 March, a
    Sunday, moves its holiday to Monday 9 March)."""
    values = dict(plan_id=3, project_code="mediation", year=2026, title="Тренинг",
                  title_kk="Тренинг", region_code="KZ-61", start_date=date(2026, 3, 2),
                  due_date=date(2026, 3, 16), duration=10, id=7)
    values.update(fields)
    return Task(**values)


def revise(item, patch, reason=None, facts=None):
    return item.revise(patch, reason=reason, calendar=CALENDAR, facts=facts or Facts())


def test_a_later_due_date_needs_a_reason_and_a_refusal_changes_nothing():
    item = task()
    before = item.snapshot()
    for reason in (None, "  "):
        with pytest.raises(Invalid) as refused:
            revise(item, {"due_date": date(2026, 3, 20), "progress": 5}, reason)
        assert "reason" in refused.value.errors
        assert item.snapshot() == before and item.events == []
    revise(item, {"due_date": date(2026, 3, 20)}, "the hall was taken")
    assert (item.start_date, item.due_date) == (date(2026, 3, 2), date(2026, 3, 20))
    assert revise(task(), {"due_date": date(2026, 3, 10)}) is None  # earlier: no reason


def test_a_parents_dates_follow_its_children():
    with pytest.raises(Invalid) as refused:
        revise(task(kind="phase"), {"start_date": date(2026, 3, 3)}, facts=Facts(children=True))
    assert "due_date" in refused.value.errors
    parent = task()
    revise(parent, {"progress": 30}, facts=Facts(children=True))
    assert parent.progress == 30 and parent.due_date == date(2026, 3, 16)


def test_a_held_automatic_task_takes_no_start_by_hand_and_the_question_is_asked_only_then():
    facts = Facts(held=True)
    with pytest.raises(Invalid) as refused:
        revise(task(), {"start_date": date(2026, 3, 4)}, "late", facts)
    assert list(refused.value.errors) == ["start_date"] and "held" in facts.asked
    free = Facts()
    item = task()
    revise(item, {"start_date": date(2026, 3, 4)}, "late", free)
    assert item.duration == 10 and item.start_date == date(2026, 3, 4) and "held" in free.asked
    manual = Facts(held=True)
    revise(task(), {"start_date": date(2026, 3, 4), "scheduling": "manual"}, "late", manual)
    assert "held" not in manual.asked
    milestone = task(kind="milestone", start_date=date(2026, 3, 16), duration=0)
    with pytest.raises(Invalid) as moved:  # a milestone's one date is its start too
        revise(milestone, {"due_date": date(2026, 3, 17)}, "late", Facts(held=True))
    assert list(moved.value.errors) == ["due_date"]


def test_dates_that_leave_the_working_calendar_name_the_field_that_moved_them():
    with pytest.raises(Invalid) as refused:
        revise(task(), {"start_date": date(2040, 12, 28)}, "late")
    assert list(refused.value.errors) == ["start_date"]


def test_the_approval_milestone_follows_the_plan_and_work_starts_with_a_responsible():
    with pytest.raises(Invalid) as approval:
        revise(task(template_key=APPROVAL_MILESTONE), {"status": "done"})
    assert "status" in approval.value.errors
    facts = Facts(roles=("A",))
    with pytest.raises(Invalid) as no_r:
        revise(task(), {"status": "in_progress"}, facts=facts)
    assert "status" in no_r.value.errors and facts.asked.count("assignments") == 1
    item = task()
    revise(item, {"status": "in_progress"}, facts=Facts(roles=("A", "R")))
    assert item.status == "in_progress" and item.progress == 0
    same = Facts()
    revise(task(status="in_progress"), {"status": "in_progress"}, facts=same)
    assert "assignments" not in same.asked  # no change of status, no RACI question


def test_a_deliverable_is_done_only_with_an_attachment_and_done_means_100():
    with pytest.raises(Conflict):
        revise(task(deliverable=True), {"status": "done"}, facts=Facts(roles=("A", "R")))
    with pytest.raises(Conflict):  # a done task made deliverable needs its evidence too
        revise(task(status="done", progress=100), {"deliverable": True})
    item = task(deliverable=True)
    revise(item, {"status": "done"}, facts=Facts(roles=("A", "R"), attachments=1))
    assert (item.status, item.progress) == ("done", 100)
    with pytest.raises(Invalid) as half:
        revise(task(), {"status": "done", "progress": 50}, facts=Facts(roles=("A", "R")))
    assert "progress" in half.value.errors


def test_dated_by_hand_the_templates_constraint_gives_way():
    pinned = dict(constraint_kind="within", constraint_start=date(2026, 1, 5),
                  constraint_due=date(2026, 3, 31), constraint_conflict={"kind": "within"})
    item = task(**pinned)
    unpinned = revise(item, {"due_date": date(2026, 3, 12)})
    assert unpinned == {"constraint_kind": ["within", None],
                        "constraint_conflict": [{"kind": "within"}, None]}
    assert (item.constraint_kind, item.constraint_start, item.constraint_due,
            item.constraint_conflict) == (None, None, None, None)
    same = task(**pinned)  # the same dates: the constraint stays
    assert revise(same, {"due_date": date(2026, 3, 16)}) is None
    assert same.constraint_kind == "within"


def test_its_own_slip_is_recorded_once_with_the_dates_it_ends_up_with():
    item = task(due_date=date(2026, 3, 20))
    asked = []

    def responsible():
        asked.append(1)
        return [{"kind": "org_unit", "id": 2, "name": "КГУ", "region_code": "KZ-61"}]

    assert item.record_slip(old_start=date(2026, 3, 2), old_due=date(2026, 3, 20),
                            start=date(2026, 3, 2), due=date(2026, 3, 20), reason="r",
                            responsible=responsible) is None
    assert asked == [] and item.events == []
    conflict = {"task_id": 8, "chain": [7, 8]}
    event = item.record_slip(old_start=date(2026, 3, 2), old_due=date(2026, 3, 16),
                             start=date(2026, 3, 3), due=date(2026, 3, 23), reason="r",
                             responsible=responsible,
                             conflicts=[conflict, {"task_id": 9, "chain": [5, 9]}])
    assert item.events == [event] and isinstance(event, DeadlineSlipped)
    assert (event.cause_task_id, event.chain, event.start_date, event.due_date,
            event.old_due_date) == (7, [7], date(2026, 3, 3), date(2026, 3, 23),
                                    date(2026, 3, 16))
    assert event.constraint_conflicts == [conflict] and asked == [1]


UNIT = {"name": "КГУ", "region_code": "KZ-61"}


def held_by(*roles):
    return [Assignment(task_id=7, role=role, assignee_kind="org_unit", assignee_id=n,
                       assignee_name=f"unit {n}", region_code="KZ-61", id=n)
            for n, role in enumerate(roles, start=1)]


def assign(item, role="R", kind="org_unit", assignee_id=9, assignee=UNIT, current=(),
           coordinator=False):
    return item.assign(role=role, kind=kind, assignee_id=assignee_id, assignee=assignee,
                       current=list(current), coordinator=coordinator, today=date(2026, 3, 2))


def test_an_assignment_names_someone_known_of_the_tasks_region_and_open():
    assignment, replaced = assign(task())
    assert (assignment.task_id, assignment.role, assignment.assignee_kind,
            assignment.assignee_id, assignment.assignee_name, assignment.region_code,
            assignment.id) == (7, "R", "org_unit", 9, "КГУ", "KZ-61", None)
    assert replaced == []
    with pytest.raises(Invalid) as unknown:
        assign(task(), assignee=None)
    assert str(unknown.value.errors["id"]) == "no org unit 9"
    almaty = {"name": "КГУ", "region_code": "KZ-75"}
    with pytest.raises(Invalid) as elsewhere:  # the RGU is told where it is
        assign(task(), assignee=almaty)
    assert str(elsewhere.value.errors["id"]) == "org unit 9 is in KZ-75"
    with pytest.raises(Invalid) as hidden:  # a coordinator is not
        assign(task(), assignee=almaty, coordinator=True)
    assert str(hidden.value.errors["id"]) == "no org unit 9"
    assign(task(), assignee={"name": "РГУ", "region_code": None})  # the RGU's own: anywhere
    with pytest.raises(Invalid) as closed:
        assign(task(), assignee={**UNIT, "closed_on": "2026-03-02"})
    assert "closed on 2026-03-02" in str(closed.value.errors["id"])
    assign(task(), assignee={**UNIT, "closed_on": "2026-03-03"})


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_assignment_refused_names_the_assignees_kind_in_the_readers_language(lang):
    """Was «organisation 29 KZ-75 өңірінде», «нет: person 99999»: the kind's code inside a
    Kazakh or Russian text; then «нет: ответственное лицо 2», a Russian text with no verb
    (one that agrees with no gender: every kind fits it)."""
    refusals = []
    for kind, assignee in (("organisation", None), ("person", {**UNIT, "region_code": "KZ-75"}),
                           ("organisation", {**UNIT, "closed_on": "2026-03-01"})):
        with pytest.raises(Invalid) as refused:
            assign(task(), kind=kind, assignee=assignee)
        refusals.append(refused.value.errors_in(lang)["id"])
    for text in refusals:
        assert "organisation" not in text and "person" not in text, text
    assert refusals[0] == {"kk": "Ассамблеядан тыс ұйым 9 жоқ",
                           "ru": "организация вне Ассамблеи 9 не значится в реестре"}[lang]
    with pytest.raises(Invalid) as unknown_person:
        assign(task(), kind="person", assignee=None)
    assert unknown_person.value.errors_in(lang)["id"] == {
        "kk": "жауапты тұлға 9 жоқ", "ru": "ответственное лицо 9 не значится в реестре"}[lang]


def test_a_new_accountable_replaces_the_old_and_a_repeat_is_a_conflict():
    current = held_by("A", "R")
    assignment, replaced = assign(task(), role="A", current=current)
    assert replaced == [current[0]] and assignment.role == "A"
    assert assign(task(), role="C", current=current)[1] == []
    with pytest.raises(Conflict):
        assign(task(), role="R", assignee_id=2, current=current)


def test_an_assignment_is_recorded_as_assigned_or_reassigned_and_handed_over_once():
    item = task()
    [first, second] = held_by("R", "A")
    item.record_assigned(first)
    item.record_assigned(second, previous={"kind": "org_unit", "id": 5})
    events = item.pull_events()
    assert [event.type for event in events] == ["task_assigned", "task_reassigned"]
    assert events[1].previous_assignee == {"kind": "org_unit", "id": 5}
    assert events[0].assignment_id == 1 and item.events == [] and item.pull_events() == []


def plan(**fields):
    values = dict(project_code="mediation", year=2026, scope="KZ-61", region_code="KZ-61",
                  org_unit_id=2, org_unit_name="КГУ", status="in_progress", id=3)
    values.update(fields)
    return Plan(**values)


def fields(**more):
    values = dict(parent_id=None, kind="task", title="Круглый стол", title_kk=None,
                  description="", start_date=date(2026, 4, 4), due_date=None, duration=3,
                  scheduling="auto", deliverable=False)
    values.update(more)
    return values


def never():
    raise AssertionError("asked without a parent")


def test_a_task_added_by_hand_is_placed_on_working_days_in_an_open_plan():
    made = plan().new_task(fields(), parent=None, calendar=CALENDAR, earliest_start=never)
    # Saturday 4 April: it starts on Monday and lasts three working days
    assert (made.plan_id, made.region_code, made.start_date, made.due_date, made.duration) == (
        3, "KZ-61", date(2026, 4, 6), date(2026, 4, 8), 3)
    with pytest.raises(Invalid) as closed:
        plan(status="closed").new_task(fields(), parent=None, calendar=CALENDAR,
                                       earliest_start=never)
    assert "plan_id" in closed.value.errors
    accountable = plan().accountable_for(task(id=70))
    assert (accountable.task_id, accountable.role, accountable.assignee_id,
            accountable.assignee_name) == (70, "A", 2, "КГУ")


def test_under_a_parent_it_waits_for_the_parents_predecessors_and_the_parent_spans_it():
    parent = task(id=10)
    made = plan().new_task(fields(parent_id=10), parent=parent, calendar=CALENDAR,
                           earliest_start=lambda: date(2026, 5, 4))
    assert (made.start_date, made.due_date) == (date(2026, 5, 4), date(2026, 5, 6))
    assert parent.kind == "phase"
    for bad in (None, task(id=10, plan_id=4), task(id=10, kind="milestone", duration=0)):
        with pytest.raises(Invalid) as refused:
            plan().new_task(fields(parent_id=10), parent=bad, calendar=CALENDAR,
                            earliest_start=never)
        assert "parent_id" in refused.value.errors
    manual = plan().new_task(fields(parent_id=10, scheduling="manual"), parent=task(id=10),
                             calendar=CALENDAR, earliest_start=never)
    assert manual.start_date == date(2026, 4, 4)
