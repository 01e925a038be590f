"""The one registry client (services/registry/contract/client.py): an assignee is one record by id."""
from kelisim.errors import NotFound
from services.registry.contract.client import RegistryClient

PEOPLE = {7: {"id": 7, "full_name": "Әлия Нұрланқызы", "region_code": "KZ-61"}}


class Registry:
    """A stand-in for the registry's RPC proxy, counting what it is asked."""

    def __init__(self):
        self.asked = []

    def get_person(self, person_id):
        self.asked.append(("get_person", person_id))
        if person_id not in PEOPLE:
            raise NotFound("no such person")
        return PEOPLE[person_id]

    def list_people(self, query):
        self.asked.append(("list_people", query))
        return list(PEOPLE.values())


def test_a_person_is_asked_for_by_id_not_found_in_a_list_of_everyone():
    registry = Registry()
    client = RegistryClient(registry)
    assert client.assignee("person", 7) == {"kind": "person", "id": 7,
                                            "name": "Әлия Нұрланқызы", "region_code": "KZ-61"}
    assert client.assignee("person", 8) is None
    assert registry.asked == [("get_person", 7), ("get_person", 8)]
