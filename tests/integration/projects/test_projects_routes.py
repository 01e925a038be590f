"""The projects routes through the gateway, with the registry and projects services running."""
from nameko.standalone.rpc import ServiceRpcProxy
from prometheus_client import REGISTRY

from tests.integration.gateway.helpers import API, ok, problem, tasks_of
from tests.support import ADMIN, close_vhost_connections, wait_for


def test_the_project_office_rolls_out_plans_and_manages_tasks(gateway):
    projects = ok(gateway.get(f"{API}/projects"))
    assert [p["code"] for p in projects][3] == "mediation"
    template = ok(gateway.get(f"{API}/projects/mediation/template"))
    problem(gateway.request("PUT", f"{API}/projects/mediation/template", json={
        "version": template["version"] + 1, "items": template["items"]}), 409)
    problem(gateway.request("PUT", f"{API}/projects/mediation/template", who="turkistan",
                            json={"version": 1, "items": template["items"]}), 403)
    bad = problem(gateway.post(f"{API}/projects/mediation/rollouts",
                               {"year": 2026, "regions": "some"}), 422)
    assert "regions" in bad["errors"]
    problem(gateway.post(f"{API}/projects/mediation/rollouts",
                         {"year": 2026, "regions": ["KZ-61"]}, who="turkistan"), 403)
    made = ok(gateway.post(f"{API}/projects/mediation/rollouts",
                           {"year": 2026, "regions": ["KZ-61", "KZ-75"]}), 201)
    assert len(made["created"]) == 2

    plans = ok(gateway.get(f"{API}/plans", params={"region": "KZ-61"}))
    plan = plans["items"][0]
    assert plans["total"] == 1 and plan["status"] == "draft"
    refused = problem(gateway.patch(f"{API}/plans/{plan['id']}", {
        "version": plan["version"], "status": "approved"}, who="turkistan"), 403)
    assert "status" in refused["errors"]
    approved = ok(gateway.patch(f"{API}/plans/{plan['id']}", {
        "version": plan["version"], "status": "approved"}))
    assert approved["status"] == "approved"

    region = tasks_of(gateway, "KZ-61")
    survey = region["mon.survey"]
    late = problem(gateway.patch(f"{API}/tasks/{survey['id']}", {
        "version": survey["version"], "due_date": "2026-03-20"}, who="turkistan"), 422)
    assert "reason" in late["errors"]
    moved = ok(gateway.patch(f"{API}/tasks/{survey['id']}", {
        "version": survey["version"], "due_date": "2026-03-20",
        "reason": "the akimat postponed the field work"}, who="turkistan"))
    assert region["mon.map"]["id"] in {r["task_id"] for r in moved["rescheduled"]}
    history = ok(gateway.get(f"{API}/tasks/{region['mon.map']['id']}/history"))
    assert history["items"][0]["action"] == "rescheduled"
    problem(gateway.patch(f"{API}/tasks/{survey['id']}", {
        "version": survey["version"], "progress": 5}), 409)

    cycle = problem(gateway.post(f"{API}/tasks/{region['org.plan']['id']}/dependencies", {
        "predecessor_id": region["rep.closed"]["id"]}), 422)
    assert "cycle" in cycle["detail"]
    problem(gateway.post(f"{API}/tasks/{region['mon.map']['id']}/dependencies", {
        "predecessor_id": region["org.plan"]["id"], "lag": -1}), 422)
    linked = ok(gateway.post(f"{API}/tasks/{region['promo.youth']['id']}/dependencies", {
        "predecessor_id": region["mon.map"]["id"], "lag": 2}), 201)
    assert linked["task"]["start_date"] > region["mon.map"]["due_date"]
    ok(gateway.request("DELETE", f"{API}/tasks/{region['promo.youth']['id']}/dependencies/"
                                 f"{region['mon.map']['id']}"))

    problem(gateway.post(f"{API}/tasks/{survey['id']}/assignments",
                         {"role": "C", "kind": "org_unit", "id": 99999}), 422)
    kgu_75 = ok(gateway.get(f"{API}/regions/KZ-75/kgu"))["org_unit"]["id"]
    problem(gateway.post(f"{API}/tasks/{survey['id']}/assignments",
                         {"role": "C", "kind": "org_unit", "id": kgu_75}), 422)
    person = ok(gateway.post(f"{API}/people", {
        "full_name": "Әлия Нұрланқызы", "org_unit_id": plan["org_unit_id"]}), 201)
    assignment = ok(gateway.post(f"{API}/tasks/{survey['id']}/assignments",
                                 {"role": "R", "kind": "person", "id": person["id"]}), 201)
    mine = ok(gateway.get(f"{API}/tasks", params={"assignee_kind": "person",
                                                  "assignee_id": person["id"]}))
    assert [t["id"] for t in mine["items"]] == [survey["id"]]
    ok(gateway.request("DELETE", f"{API}/tasks/{survey['id']}/assignments/{assignment['id']}"))


def test_money_risks_and_the_summary(gateway):
    ok(gateway.post(f"{API}/projects/mediation/rollouts", {"year": 2026, "regions": "all"}), 201)
    plan = ok(gateway.get(f"{API}/plans", params={"region": "KZ-61"}))["items"][0]
    problem(gateway.post(f"{API}/plans/{plan['id']}/budget-lines",
                         {"category": "training", "planned": "-1"}, who="turkistan"), 422)
    problem(gateway.post(f"{API}/plans/{plan['id']}/budget-lines",
                         {"category": "training", "planned": "10"}, who="almaty"), 404)
    line = ok(gateway.post(f"{API}/plans/{plan['id']}/budget-lines",
                           {"category": "training", "planned": "2500000.50"},
                           who="turkistan"), 201)
    over = ok(gateway.patch(f"{API}/budget-lines/{line['id']}",
                            {"version": line["version"], "actual": "2600000"}, who="turkistan"))
    assert over["overrun"] and over["variance"]["actual"] == "-99999.50"
    lines = ok(gateway.get(f"{API}/plans/{plan['id']}/budget-lines"))
    assert lines["totals"]["planned"] == "2500000.50"
    risk = ok(gateway.post(f"{API}/plans/{plan['id']}/risks", {
        "title": "Отток медиаторов", "probability": 4, "impact": 4}, who="turkistan"), 201)
    assert risk["score"] == 16 and risk["escalated"]
    ok(gateway.patch(f"{API}/risks/{risk['id']}", {"version": risk["version"],
                                                   "status": "mitigating"}, who="turkistan"))
    assert len(ok(gateway.get(f"{API}/plans/{plan['id']}/risks"))) == 1
    summary = ok(gateway.get(f"{API}/projects/mediation/summary",
                             params={"year": 2026, "as_of": "2026-03-02"}))
    assert len(summary["regions"]) == 21 and summary["overdue_by_region"]["KZ-61"] > 0
    assert summary["risk_heat_map"]["by_region"] == {"KZ-61": {"4,4": 1}}
    assert summary["earned_value"]["ac"] == "2600000.00"
    own = ok(gateway.get(f"{API}/projects/mediation/summary", who="turkistan"))
    assert [r["region_code"] for r in own["regions"]] == ["KZ-61"]
    programme = ok(gateway.get(f"{API}/programme/summary", who="observer"))
    assert programme["programme"]["bac"] == "2500000.50"


def test_risks_across_plans_by_filter_region_and_page(gateway):
    ok(gateway.post(f"{API}/projects/mediation/rollouts",
                    {"year": 2026, "regions": ["KZ-61", "KZ-75"]}), 201)
    plans = {p["region_code"]: p for p in ok(gateway.get(f"{API}/plans"))["items"]}

    def add(region, who, title, probability, impact):
        return ok(gateway.post(f"{API}/plans/{plans[region]['id']}/risks", {
            "title": title, "probability": probability, "impact": impact}, who=who), 201)
    high = add("KZ-61", "turkistan", "Медиаторлар кетіп қалуы", 4, 4)
    low = add("KZ-61", "turkistan", "Залдың кешігуі", 2, 3)
    closed = add("KZ-61", "turkistan", "Жабылған тәуекел", 4, 4)
    ok(gateway.patch(f"{API}/risks/{closed['id']}", {"version": closed["version"],
                                                     "status": "closed"}, who="turkistan"))
    almaty = add("KZ-75", "almaty", "Серіктестің бас тартуы", 4, 4)

    def ids(who="admin", **params):
        page = ok(gateway.get(f"{API}/risks", params=params, who=who))
        assert page["total"] >= len(page["items"])
        return [risk["id"] for risk in page["items"]]

    assert ids() == [high["id"], low["id"], closed["id"], almaty["id"]]
    assert ids(probability=4, impact=4, status="open") == [high["id"], almaty["id"]]
    assert ids(status="closed") == [closed["id"]]
    assert ids(region="KZ-61", impact=3) == [low["id"]]
    assert ids(project="mediation", year=2026) == ids()
    assert ids(year=2027) == [] and ids(project="legal-aid") == []
    # a KGU coordinator sees their region's risks only, and is refused another region's
    assert ids(who="turkistan") == [high["id"], low["id"], closed["id"]]
    assert ids(who="almaty", status="open") == [almaty["id"]]
    problem(gateway.get(f"{API}/risks", params={"region": "KZ-75"}, who="turkistan"), 403)
    # pages as every listing: limit and offset, the total matching
    page = ok(gateway.get(f"{API}/risks", params={"limit": 2, "offset": 1}))
    assert page["total"] == 4 and (page["limit"], page["offset"]) == (2, 1)
    assert [r["id"] for r in page["items"]] == [low["id"], closed["id"]]
    assert page["items"][0]["score"] == 6 and page["items"][0]["region_code"] == "KZ-61"
    for bad in ({"status": "forgotten"}, {"probability": 6}, {"limit": 500},
                {"region": "nowhere"}):
        problem(gateway.get(f"{API}/risks", params=bad), 422)


def cache_lookups(outcome):
    return REGISTRY.get_sample_value("kelisim_gateway_cache_lookups_total",
                                     {"route": "list_tasks", "outcome": outcome}) or 0


def test_task_reads_are_cached_per_scope_and_dropped_when_tasks_change(gateway, service_config):
    ok(gateway.post(f"{API}/projects/mediation/rollouts",
                    {"year": 2026, "regions": ["KZ-61", "KZ-75"]}), 201)

    def read(who="turkistan"):
        return ok(gateway.get(f"{API}/tasks", params={"limit": 200}, who=who))

    # the rollout's events drop the cache as they arrive; then the answer stays cached
    hits = cache_lookups("hit")
    wait_for(lambda: read() and cache_lookups("hit") > hits)
    hits, misses = cache_lookups("hit"), cache_lookups("miss")
    first, again = read(), read()
    assert again == first
    assert (cache_lookups("hit"), cache_lookups("miss")) == (hits + 2, misses)
    fresh = ok(gateway.get(f"{API}/tasks", params={"limit": 200}, who="turkistan",
                           headers={"Cache-Control": "no-cache"}))
    assert fresh == first and cache_lookups("hit") == hits + 2
    # the same URL in another region's scope is that region's answer, not the cached one
    almaty = read("almaty")
    assert {t["region_code"] for t in first["items"]} == {"KZ-61"}
    assert {t["region_code"] for t in almaty["items"]} == {"KZ-75"}

    # a write through the gateway is read back at once
    task = first["items"][0]
    ok(gateway.patch(f"{API}/tasks/{task['id']}", {"version": task["version"], "progress": 40},
                     who="turkistan"))
    listed = read()
    assert {t["id"]: t["progress"] for t in listed["items"]}[task["id"]] == 40

    # a change made behind the gateway's back shows once its event arrives
    kgu_units = {a["assignee"]["id"] for t in listed["items"] for a in t["assignments"]
                 if a["assignee"]["kind"] == "org_unit"}
    with ServiceRpcProxy("projects", service_config("projects", "sqlite://"), timeout=15,
                         context_data={"actor": ADMIN}) as projects:
        projects.add_assignment(task["id"], {"role": "I", "kind": "org_unit",
                                             "id": min(kgu_units)})

    def assigned_roles():
        return sorted(a["role"] for t in read()["items"] if t["id"] == task["id"]
                      for a in t["assignments"])
    assert "I" in wait_for(lambda: assigned_roles() if "I" in assigned_roles() else None)


def test_the_gateway_reads_and_hears_changes_again_after_its_connections_are_cut(
        gateway, service_config, amqp_uri):
    """``close_all_connections`` on the vhost: the gateway's RPC proxies and its cache feed
    (an exclusive queue, gone with its connection) come back by themselves."""
    ok(gateway.post(f"{API}/projects/mediation/rollouts",
                    {"year": 2026, "regions": ["KZ-61"]}), 201)

    def read():
        return ok(gateway.get(f"{API}/tasks", params={"limit": 200}, who="turkistan"))

    hits = cache_lookups("hit")
    wait_for(lambda: read() and cache_lookups("hit") > hits)  # the rollout's events are in
    task = read()["items"][0]
    assert close_vhost_connections(amqp_uri) >= 3  # gateway, projects, registry

    def answered_by_the_service():  # RPC: a call whose reply was lost meanwhile is a 504
        return gateway.get(f"{API}/tasks", params={"limit": 200}, who="turkistan",
                           headers={"Cache-Control": "no-cache"}).status_code == 200
    wait_for(answered_by_the_service, timeout=30, interval=0.5)
    with ServiceRpcProxy("projects", service_config("projects", "sqlite://"), timeout=15,
                         context_data={"actor": ADMIN}) as projects:
        projects.add_assignment(task["id"], {"role": "I", "kind": "org_unit", "id": 16})

    def assigned_roles():  # a cached read: only the event tells the gateway
        return sorted(a["role"] for t in read()["items"] if t["id"] == task["id"]
                      for a in t["assignments"])
    assert "I" in wait_for(lambda: assigned_roles() if "I" in assigned_roles() else None,
                           timeout=30, interval=0.2)
