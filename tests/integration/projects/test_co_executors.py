"""Organisations outside the Assembly in RACI, through the gateway with the real registry
and projects services: Consulted or Informed freely, Responsible only by the RGU, never
Accountable, an akimat only on its own region's tasks."""
import pytest

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data
from tests.integration.gateway.helpers import API, ok, problem


@pytest.fixture
def gateway(start_gateway, runner_factory, service_config, migrated, session_factory,
            tmp_path):
    """The gateway and registry, plus the projects service."""
    gateway = start_gateway(MAX_REQUEST_BYTES=262_144)
    url = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}")
    load_reference_data(UnitOfWork(session_factory(url), Context(), ProjectsRepository))
    runner_factory(service_config("projects", url), ProjectsService).start()
    return gateway


def organisation(gateway, code):
    return ok(gateway.get(f"{API}/organisations", params={"code": code}))["items"][0]


def test_raci_names_organisations_outside_the_assembly_within_the_rules(gateway):
    ok(gateway.post(f"{API}/projects/mediation/rollouts", {"year": 2026, "regions": ["KZ-61"]}),
       201)
    task = ok(gateway.get(f"{API}/tasks", params={"region": "KZ-61", "limit": 1}))["items"][0]
    path = f"{API}/tasks/{task['id']}/assignments"
    misd, akimat = organisation(gateway, "MISD"), organisation(gateway, "AKIMAT-KZ-61")
    almaty = organisation(gateway, "AKIMAT-KZ-75")

    consulted = ok(gateway.post(path, {"role": "C", "kind": "organisation", "id": misd["id"]},
                                who="turkistan"), 201)
    assert consulted["assignee"] == {"kind": "organisation", "id": misd["id"],
                                     "name": misd["name_ru"], "region_code": None}
    refused = problem(gateway.post(path, {"role": "R", "kind": "organisation",
                                          "id": misd["id"]}, who="turkistan"), 403)
    assert "RGU" in refused["detail"]
    never_a = problem(gateway.post(path, {"role": "A", "kind": "organisation",
                                          "id": akimat["id"]}), 422)
    assert "role" in never_a["errors"]
    responsible = ok(gateway.post(path, {"role": "R", "kind": "organisation",
                                         "id": akimat["id"]}), 201)
    assert responsible["assignee"]["region_code"] == "KZ-61"
    # another region's akimat: unknown to Turkistan's coordinator, named to the RGU
    problem(gateway.post(path, {"role": "I", "kind": "organisation", "id": almaty["id"]},
                         who="turkistan"), 422)
    foreign = problem(gateway.post(path, {"role": "I", "kind": "organisation",
                                          "id": almaty["id"]}), 422)
    assert "KZ-75" in str(foreign["errors"])

    listed = ok(gateway.get(f"{API}/tasks", params={
        "region": "KZ-61", "assignee_kind": "organisation", "assignee_id": akimat["id"]}))
    assert [t["id"] for t in listed["items"]] == [task["id"]]
    roles = {(a["role"], a["assignee"]["kind"]) for a in
             ok(gateway.get(f"{API}/tasks/{task['id']}"))["assignments"]}
    assert {("C", "organisation"), ("R", "organisation")} <= roles


def test_the_action_plan_is_a_fifth_programme_rolled_out_with_its_co_executors(gateway):
    code = "action-plan-2022-2026"
    programme = ok(gateway.get(f"{API}/projects/{code}", headers={"Accept-Language": "kk"}))
    assert programme["title_kk"].startswith("Қазақстан халқы Ассамблеясының")
    assert programme["title_ru"].startswith("План действий")
    template = ok(gateway.get(f"{API}/projects/{code}/template"))
    by_key = {i["key"]: i for i in template["items"]}
    session = by_key["d12.session"]
    assert (session["closes_with"], session["indicator"], session["on"]) == (
        "protocol", "public-accord", "05-01")
    assert by_key["d12.council"]["repeat"] == "FREQ=YEARLY;BYMONTH=2,6,10;BYMONTHDAY=20"
    assert by_key["reg.unity-day"]["responsible"]["C"] == ["org:akimat"]

    made = ok(gateway.post(f"{API}/projects/{code}/rollouts",
                           {"year": 2026, "regions": ["KZ-61"]}), 201)
    assert made["created"][0]["region_code"] == "KZ-61" and made["assignments"] > made["tasks"]
    akimat, iaer = organisation(gateway, "AKIMAT-KZ-61"), organisation(gateway, "IAER")
    regional = ok(gateway.get(f"{API}/tasks", who="turkistan", params={
        "project": code, "assignee_kind": "organisation", "assignee_id": akimat["id"],
        "limit": 200}))
    assert regional["total"] >= 9 and {t["region_code"] for t in regional["items"]} == {"KZ-61"}
    national = ok(gateway.get(f"{API}/tasks", params={
        "project": code, "assignee_kind": "organisation", "assignee_id": iaer["id"],
        "role": "R", "limit": 200}))
    assert national["total"] >= 4 and {t["region_code"] for t in national["items"]} == {None}

    # the RGU's template names only organisations the registry knows
    items = [dict(i, responsible=dict(i["responsible"], C=["org:NO-SUCH"]))
             if i["key"] == "d12.session" else i for i in template["items"]]
    unknown = problem(gateway.request("PUT", f"{API}/projects/{code}/template", json={
        "version": template["version"], "items": items}), 422)
    assert "NO-SUCH" in str(unknown["errors"])
    never_a = [dict(i, responsible=dict(i["responsible"], A="org:MISD"))
               if i["key"] == "d12.session" else i for i in template["items"]]
    problem(gateway.request("PUT", f"{API}/projects/{code}/template", json={
        "version": template["version"], "items": never_a}), 422)
    bad_indicator = [dict(i, indicator="happiness") if i["key"] == "d12.session" else i
                     for i in template["items"]]
    problem(gateway.request("PUT", f"{API}/projects/{code}/template", json={
        "version": template["version"], "items": bad_indicator}), 422)


def test_a_closed_organisation_is_named_in_no_new_assignment(gateway):
    """A ministry closed in the registry (``closed_on`` passed) is refused as a co-executor,
    as the rollout skips it; the refusal names why, in the reader's language."""
    ok(gateway.post(f"{API}/projects/mediation/rollouts", {"year": 2026, "regions": ["KZ-61"]}),
       201)
    task = ok(gateway.get(f"{API}/tasks", params={"region": "KZ-61", "limit": 1}))["items"][0]
    misd = organisation(gateway, "MISD")
    ok(gateway.patch(f"{API}/organisations/{misd['id']}",
                     {"version": misd["version"], "closed_on": "2025-01-01"}))
    path = f"{API}/tasks/{task['id']}/assignments"
    refused = problem(gateway.post(path, {"role": "C", "kind": "organisation", "id": misd["id"]},
                                   who="turkistan", headers={"Accept-Language": "ru"}), 422)
    assert "закрыта" in refused["detail"] and "2025-01-01" in refused["errors"]["id"]
    roles = ok(gateway.get(f"{API}/tasks/{task['id']}"))["assignments"]
    assert all(a["assignee"]["kind"] != "organisation" for a in roles)
