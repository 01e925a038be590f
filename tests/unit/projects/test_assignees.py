"""The assignees projects keeps of the registry (services/projects/adapters/assignees.py):
kept per reader's scope until the registry changes, an organisation asked every time, and
the registry's read rule the caller's, though the registry is asked as the system."""
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
        found = super().assignee(kind, assignee_id)
        if found is not None and kind == "organisation":
            found["closed_on"] = self.organisation_list[assignee_id - 1001]["closed_on"]
        return found


def test_an_answer_is_kept_until_the_registry_changes_or_the_ttl_ends():
    registry, now = Counting(), [0.0]
    cache = TtlCache(300, clock=lambda: now[0])
    directory = AssigneeDirectory(registry, cache)
    assert directory.assignee(ADMIN, "person", 777) is None
    registry.people[777] = {"id": 777, "full_name": "Жаңа адам", "region_code": "KZ-61"}
    assert directory.assignee(ADMIN, "person", 777) is None  # until the registry's event
    cache.clear()  # person_created, heard by the change feed
    for _ in range(3):
        assert directory.assignee(ADMIN, "person", 777)["name"] == "Жаңа адам"
    assert registry.asked == [("person", 777)] * 2
    now[0] = 301.0  # past the TTL with no registry event: asked once more
    directory.assignee(ADMIN, "person", 777)
    assert len(registry.asked) == 3


def test_a_coordinator_s_questions_cost_the_same_whether_the_record_is_foreign_or_none():
    """Found records kept for everyone and unknown ones asked each time let a coordinator
    tell another region's person from no person by the answer's time (a review's find):
    its own first question about either is asked of the registry, later ones are not."""
    registry = Counting()
    directory = AssigneeDirectory(registry, TtlCache(300))
    assert directory.assignee(ADMIN, "person", 501)["region_code"] == "KZ-61"  # the RGU's
    asked = len(registry.asked)
    for _ in range(3):
        assert directory.assignee(OTHER_COORDINATOR, "person", 501) is None  # KZ-61's
        assert directory.assignee(OTHER_COORDINATOR, "person", 99_999) is None  # no one
    assert registry.asked[asked:] == [("person", 501), ("person", 99_999)]


def test_an_organisation_is_asked_every_time_so_its_closing_counts_at_once():
    registry = Counting()
    directory = AssigneeDirectory(registry, TtlCache(300))
    ministry = next(o for o in registry.organisation_list if o["region_code"] is None)
    assert directory.assignee(ADMIN, "organisation", ministry["id"])["closed_on"] is None
    ministry["closed_on"] = "2020-01-01"  # closed; its event not yet heard
    assert directory.assignee(ADMIN, "organisation", ministry["id"])["closed_on"] == "2020-01-01"


def test_the_registry_read_rule_is_the_callers():
    directory = AssigneeDirectory(Counting(), TtlCache(300))
    ministry = next(o for o in directory.registry.organisation_list if o["region_code"] is None)
    assert directory.assignee(ADMIN, "org_unit", 1)["region_code"] is None  # the RGU
    assert directory.assignee(COORDINATOR, "org_unit", 1) is None
    assert directory.assignee(COORDINATOR, "person", 501)["region_code"] == "KZ-61"
    assert directory.assignee(OTHER_COORDINATOR, "person", 501) is None
    assert directory.assignee(ADMIN, "person", 501) is not None
    assert directory.assignee(COORDINATOR, "organisation", ministry["id"]) is not None
