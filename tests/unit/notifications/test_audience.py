"""Who receives an event: the KGU of each region, named R/A assignees, the RGU on escalations."""
from services.notifications.domain.audience import audience_for
from tests.support_notifications import SAMPLES, task_assigned


def resolve(directory, event_type, data, regions=("KZ-61",), stage=2):
    audience = audience_for(event_type, data, regions, directory, stage)
    return sorted(audience.org_units), sorted(audience.people), audience


def test_each_region_s_kgu_and_its_people(directory):
    units, people, _ = resolve(directory, "plan_status_changed",
                               SAMPLES["plan_status_changed"], regions=("KZ-61", "KZ-75"))
    assert units == [16, 19] and people == [1, 2]


def test_responsible_and_accountable_assignees_are_told_consulted_ones_are_not(directory):
    branch = {"kind": "org_unit", "id": 100}
    assert resolve(directory, "task_assigned", task_assigned(branch, role="R"))[:2] == (
        [16, 100], [1, 5])
    assert resolve(directory, "task_assigned", task_assigned(branch, role="A"))[0] == [16, 100]
    assert resolve(directory, "task_assigned", task_assigned(branch, role="C"))[0] == [16]


def test_a_person_or_a_structure_assignee_reaches_the_person_and_their_org_unit(directory):
    units, people, audience = resolve(
        directory, "task_assigned",
        task_assigned({"kind": "person", "id": 4, "region_code": "KZ-61"}), regions=())
    assert units == [100] and people == [4] and audience.home_unit[4] == 100
    units, people, _ = resolve(directory, "task_assigned",
                               task_assigned({"kind": "structure", "id": 50}), regions=())
    assert units == [100] and people == [4]


def test_a_reassignment_tells_the_previous_assignee_too(directory):
    units, _, _ = resolve(directory, "task_reassigned", SAMPLES["task_reassigned"], regions=())
    assert units == [16, 100]


def test_the_responsible_of_a_slip_or_an_overdue_task_are_told(directory):
    slipped = resolve(directory, "deadline_slipped", SAMPLES["deadline_slipped"], regions=())
    assert slipped[0] == [16]
    units, people, _ = resolve(directory, "task_overdue", SAMPLES["task_overdue"], regions=())
    assert units == [16] and people == [1]


def test_escalations_reach_the_rgu(directory):
    for event_type in ("risk_escalated", "budget_overrun"):
        units, people, _ = resolve(directory, event_type, SAMPLES[event_type])
        assert units == [1, 16] and 3 in people
    first = dict(SAMPLES["report_overdue"], stage=1)
    second = dict(SAMPLES["report_overdue"], stage=2)
    assert resolve(directory, "report_overdue", first)[0] == [16]
    assert resolve(directory, "report_overdue", second)[0] == [1, 16]
    assert resolve(directory, "report_overdue", second, stage=3)[0] == [16]


def test_a_report_reaches_its_org_unit_even_outside_the_regions(directory):
    data = dict(SAMPLES["report_returned"], org_unit_id=100)
    assert resolve(directory, "report_returned", data, regions=())[0] == [100]


def test_unknown_assignees_are_skipped(directory):
    units, people, _ = resolve(directory, "task_assigned",
                               task_assigned({"kind": "person", "id": 999}))
    assert units == [16] and people == [1]
