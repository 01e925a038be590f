"""The assignees projects keeps of the registry (services/projects/adapters/assignees.py):
what is found is kept, what is not is asked again, and the registry's read rule is the
caller's, though the registry is asked as the system."""
from services.projects.adapters.assignees import AssigneeDirectory
from services.registry.contract.cached import TtlCache
from tests.support import ADMIN, COORDINATOR, OTHER_COORDINATOR
from tests.support_projects import FakeRegistry


class Counting(FakeRegistry):
    def __init__(self):
        super().__init__()
        self.asked = []

    def assignee(self, kind, assignee_id):
        self.asked.append((kind, assignee_id))
        return super().assignee(kind, assignee_id)


def test_a_found_assignee_is_kept_and_a_missing_one_asked_again():
    registry, now = Counting(), [0.0]
    directory = AssigneeDirectory(registry, TtlCache(300, clock=lambda: now[0]))
    assert directory.assignee(ADMIN, "person", 777) is None
    registry.people[777] = {"id": 777, "full_name": "Жаңа адам", "region_code": "KZ-61"}
    for _ in range(3):
        assert directory.assignee(COORDINATOR, "person", 777)["name"] == "Жаңа адам"
    assert registry.asked == [("person", 777), ("person", 777)]
    now[0] = 301.0  # past the TTL with no registry event: asked once more
    directory.assignee(ADMIN, "person", 777)
    assert len(registry.asked) == 3


def test_the_registry_read_rule_is_the_callers():
    directory = AssigneeDirectory(Counting(), TtlCache(300))
    ministry = next(o for o in directory.registry.organisation_list if o["region_code"] is None)
    assert directory.assignee(ADMIN, "org_unit", 1)["region_code"] is None  # the RGU
    assert directory.assignee(COORDINATOR, "org_unit", 1) is None
    assert directory.assignee(COORDINATOR, "person", 501)["region_code"] == "KZ-61"
    assert directory.assignee(OTHER_COORDINATOR, "person", 501) is None
    assert directory.assignee(ADMIN, "person", 501) is not None
    assert directory.assignee(COORDINATOR, "organisation", ministry["id"]) is not None
