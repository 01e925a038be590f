"""Who may be assigned, as the projects service keeps them between the registry's events
(services/projects/adapters/assignees.py), through the gateway with the real registry:
a second assignment of the same person asks the registry nothing; a rename in the
registry is heard and the next assignment carries the new name; the registry's read rule
still holds for a coordinator, though the registry is now asked as the system."""
import time

from prometheus_client import REGISTRY

from tests.integration.gateway.helpers import API, kgu_id, ok, problem


def registry_calls(entrypoint):
    """How many times the registry's ``entrypoint`` ran in this process, whatever came of it."""
    return sum(sample.value for metric in REGISTRY.collect()
               if metric.name == "kelisim_entrypoint_calls"
               for sample in metric.samples
               if sample.name == "kelisim_entrypoint_calls_total"
               and sample.labels["service"] == "registry"
               and sample.labels["entrypoint"] == entrypoint)


def assign(gateway, task, role, person, who="admin", status=201):
    path = f"{API}/tasks/{task['id']}/assignments"
    body = {"role": role, "kind": "person", "id": person["id"]}
    if status != 201:
        return problem(gateway.post(path, body, who=who), status)
    return ok(gateway.post(path, body, who=who), 201)


def test_an_assignee_is_asked_of_the_registry_once_until_the_registry_changes(gateway):
    ok(gateway.post(f"{API}/projects/mediation/rollouts", {"year": 2026, "regions": ["KZ-61"]}),
       201)
    tasks = ok(gateway.get(f"{API}/tasks", params={"region": "KZ-61",
                                                   "limit": 6}))["items"]
    person = ok(gateway.post(f"{API}/people", {"full_name": "Әлия Нұрланқызы",
                                               "org_unit_id": kgu_id(gateway, "KZ-61")}), 201)
    asked = registry_calls("get_person")
    first = assign(gateway, tasks[0], "I", person, who="turkistan")
    second = assign(gateway, tasks[1], "I", person, who="turkistan")
    assert first["assignee"]["name"] == second["assignee"]["name"] == "Әлия Нұрланқызы"
    assert registry_calls("get_person") - asked == 1

    ok(gateway.patch(f"{API}/people/{person['id']}", {"version": person["version"],
                                                      "full_name": "Әлия Сейітқызы"}))
    # the registry's person_updated reaches projects' change feed a moment after the PATCH
    deadline, names = time.monotonic() + 10, []
    for task in tasks[2:]:
        made = assign(gateway, task, "C", person)
        names.append(made["assignee"]["name"])
        if names[-1] == "Әлия Сейітқызы" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert names[-1] == "Әлия Сейітқызы", names


def test_a_coordinator_is_told_of_no_assignee_it_may_not_read(gateway):
    ok(gateway.post(f"{API}/projects/mediation/rollouts", {"year": 2026, "regions": ["KZ-61"]}),
       201)
    task = ok(gateway.get(f"{API}/tasks", params={"region": "KZ-61",
                                                  "limit": 1}))["items"][0]
    rgu = ok(gateway.get(f"{API}/org-units", params={"kind": "rgu"}))[0]
    at_the_rgu = ok(gateway.post(f"{API}/people", {"full_name": "Мария Иванова",
                                                   "org_unit_id": rgu["id"]}), 201)
    in_almaty = ok(gateway.post(f"{API}/people", {"full_name": "Ерлан Сапаров",
                                                  "org_unit_id": kgu_id(gateway, "KZ-75")}), 201)
    # the RGU asks first, so both are kept: what the coordinator is told is still its own
    assign(gateway, task, "C", at_the_rgu)
    named = assign(gateway, task, "I", in_almaty, status=422)  # the RGU is told why
    assert "KZ-75" in str(named["errors"]), named
    for person in (at_the_rgu, in_almaty):
        unknown = assign(gateway, task, "I", person, who="turkistan", status=422)
        assert str(person["id"]) in str(unknown["errors"]), unknown
        assert "KZ-75" not in str(unknown), unknown
