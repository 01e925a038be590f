"""The events register through the gateway: record, read, list, change, cancel, counts,
region rules, problems in the caller's language, and the events on the broker."""
from tests.integration.gateway.helpers import API, kgu_id, ok, problem


def event(**fields):
    return {"starts_at": "2026-05-01T10:00:00", "kind": "meeting",
            "title_kk": "Аналар кеңесінің отырысы", "participants": 40,
            "languages": ["kk", "ru"], **fields}


def structure(gw, region, kind="council_of_mothers", who="admin"):
    return ok(gw.post(f"{API}/structures", {"type": kind, "name": f"{kind} {region}",
                                            "org_unit_id": kgu_id(gw, region)}, who=who), 201)


def test_record_list_get_change_cancel_and_count_events(platform, report_events):
    gw, _ = platform
    mothers = structure(gw, "KZ-61")
    accord = structure(gw, "KZ-61", "council_of_public_accord")
    almaty_mothers = structure(gw, "KZ-75")
    first = ok(gw.post(f"{API}/events", event(
        structure_ids=[mothers["id"], accord["id"]], place={"settlement": "Сайрам"},
        media_links=["https://example.kz/news/1"]), who="turkistan"), 201)
    assert first["region_code"] == "KZ-61" and first["org_unit_id"] == kgu_id(gw, "KZ-61")
    # 10:00 in Almaty is 05:00 UTC; the Kazakhstan date is kept beside it
    assert first["starts_at"] == "2026-05-01T05:00:00+00:00"
    assert first["local_date"] == "2026-05-01" and first["media_count"] == 1
    assert first["structure_types"] == ["council_of_mothers", "council_of_public_accord"]
    late = ok(gw.post(f"{API}/events", event(
        starts_at="2026-06-30T23:30:00+05:00", kind="radio_material", title_kk=None,
        title_ru="Радиорепортаж", participants=0, media_count=3, region="KZ-61")), 201)
    assert late["local_date"] == "2026-06-30" and late["starts_at"] == "2026-06-30T18:30:00+00:00"
    almaty = ok(gw.post(f"{API}/events", event(structure_ids=[almaty_mothers["id"]]),
                        who="almaty"), 201)

    # region rules: a coordinator reads and writes only its region
    problem(gw.get(f"{API}/events/{almaty['id']}", who="turkistan"), 404)
    problem(gw.get(f"{API}/events", params={"region": "KZ-75"}, who="turkistan"), 403)
    problem(gw.post(f"{API}/events", event(region="KZ-75"), who="turkistan"), 403)
    problem(gw.post(f"{API}/events", event(), who="observer"), 403)
    refused = problem(gw.post(f"{API}/events", event(structure_ids=[almaty_mothers["id"]]),
                              who="turkistan"), 422)
    assert "structure_ids" in refused["errors"]
    mine = ok(gw.get(f"{API}/events", who="turkistan"))
    assert {e["id"] for e in mine["items"]} >= {first["id"]} and \
        all(e["region_code"] == "KZ-61" for e in mine["items"])
    assert ok(gw.get(f"{API}/events", params={"structure_type": "council_of_mothers"}))[
        "total"] == 2
    assert ok(gw.get(f"{API}/events", params={"period": "2026-Q2", "limit": 1}))["total"] == 3

    changed = ok(gw.patch(f"{API}/events/{first['id']}",
                          {"version": 1, "participants": 55, "reason": "тіркеу парағы"},
                          who="turkistan"))
    assert changed["participants"] == 55 and changed["version"] == 2
    problem(gw.patch(f"{API}/events/{first['id']}", {"version": 1, "participants": 5},
                     who="turkistan"), 409)
    problem(gw.post(f"{API}/events/{almaty['id']}/cancel", {"version": 1, "reason": "x"},
                    who="turkistan"), 404)

    stats = ok(gw.get(f"{API}/events/stats", params={
        "by": "region,structure_type", "year": 2026}))
    rows = {(r["key"]["region"], r["key"]["structure_type"]): r for r in stats["rows"]}
    assert rows[("KZ-61", "council_of_mothers")]["participants"] == 55
    assert rows[("KZ-75", "council_of_mothers")]["events"] == 1
    assert stats["total"]["events"] == 3
    mine = ok(gw.get(f"{API}/events/stats", params={"by": "kind,period"}, who="turkistan"))
    assert [(r["key"], r["media_items"]) for r in mine["rows"]] == [
        ({"kind": "meeting", "period": "2026-Q2"}, 1),
        ({"kind": "radio_material", "period": "2026-Q2"}, 3)]

    cancelled = ok(gw.post(f"{API}/events/{almaty['id']}/cancel",
                           {"version": 1, "reason": "ауа райы"}, who="almaty"))
    assert cancelled["status"] == "cancelled"
    problem(gw.patch(f"{API}/events/{almaty['id']}", {"version": 2, "participants": 1},
                     who="almaty"), 409)
    assert ok(gw.get(f"{API}/events/stats", params={"year": 2026}))["total"]["events"] == 2
    history = ok(gw.get(f"{API}/events/{first['id']}/history", who="turkistan"))
    assert [h["action"] for h in history] == ["update", "record"]
    assert history[0]["after"]["change_reason"] == "тіркеу парағы"

    seen = report_events.wait(5)
    kinds = sorted(e["type"] for e in seen)
    assert kinds == ["event_cancelled", "event_recorded", "event_recorded", "event_recorded",
                     "event_updated"]
    recorded = next(e for e in seen if e["type"] == "event_recorded"
                    and e["data"]["event_id"] == first["id"])
    assert recorded["regions"] == ["KZ-61"] and recorded["data"]["local_date"] == "2026-05-01"
    updated = next(e for e in seen if e["type"] == "event_updated")
    assert updated["data"]["changed"] == ["participants"]
    assert updated["data"]["reason"] == "тіркеу парағы"


def test_bad_input_is_a_problem_in_the_callers_language(platform):
    gw, _ = platform
    bad = problem(gw.post(f"{API}/events", event(kind="picnic", title_kk=None, languages=["KK"],
                                                 participants=-1)), 422)
    assert {"languages", "participants"} <= set(bad["errors"])
    bad = problem(gw.post(f"{API}/events", event(kind="picnic", title_kk=None,
                                                 region="KZ-61")), 422)
    assert {"kind"} <= set(bad["errors"])
    untitled = problem(gw.post(f"{API}/events", event(title_kk=" ", region="KZ-61")), 422)
    assert "title_kk" in untitled["errors"]
    ru = problem(gw.post(f"{API}/events", event(task_id=999999, region="KZ-61"),
                         headers={"Accept-Language": "ru"}), 422)
    kk = problem(gw.post(f"{API}/events", event(task_id=999999, region="KZ-61"),
                         headers={"Accept-Language": "kk"}), 422)
    assert ru["errors"]["task_id"] != kk["errors"]["task_id"]
    problem(gw.post(f"{API}/events", event(project_code="no-such", region="KZ-61")), 422)
    problem(gw.get(f"{API}/events/stats", params={"by": "colour"}), 422)
    problem(gw.get(f"{API}/events", params={"date_from": "2026-05-02",
                                            "date_to": "2026-05-01"}), 422)
    assert ok(gw.get(f"{API}/events"))["total"] == 0  # nothing half-written
    kinds = ok(gw.get(f"{API}/event-kinds", who="observer"))
    assert {"radio_material", "video", "live_stream", "debate_club"} <= {
        k["code"] for k in kinds["kinds"]}
    assert "el-birligi" in {i["code"] for i in kinds["initiatives"]}


def test_reports_are_prefilled_from_the_register_and_disagreements_shown(
        platform, rpc, session_factory, reports_url):
    from kelisim.context import Context
    from kelisim.db.uow import UnitOfWork
    from services.reports.adapters.repository import ReportsRepository
    from services.reports.service_layer.templates import load_reference_templates

    gw, service = platform
    load_reference_templates(UnitOfWork(session_factory(reports_url), Context(),
                                        ReportsRepository))
    with rpc("reports") as reports:
        reports.run_collection("2026-11-30")  # 2026-Q4 is owed by every KGU
    mine = ok(gw.get(f"{API}/reports", params={"template": "base-project-mediation"},
                     who="turkistan"))["items"][0]
    for day, people, project in (("2026-10-05", 30, "mediation"), ("2026-12-31", 45,
                                                                   "mediation"),
                                 ("2026-11-02", 99, "civic-identity"),
                                 ("2026-09-30", 7, "mediation")):  # Q3, not counted
        ok(gw.post(f"{API}/events", event(starts_at=f"{day}T18:00:00", participants=people,
                                          project_code=project), who="turkistan"), 201)
    cancelled = ok(gw.post(f"{API}/events", event(starts_at="2026-11-03T10:00:00",
                                                  project_code="mediation"),
                           who="turkistan"), 201)
    ok(gw.post(f"{API}/events/{cancelled['id']}/cancel", {"version": 1, "reason": "қате"},
               who="turkistan"))

    opened = ok(gw.get(f"{API}/reports/{mine['id']}", who="turkistan"))
    assert opened["register_figures"] == {"events_held": 2, "participants": 75}
    assert opened["prefilled"] == ["events_held", "participants"]
    assert opened["values"] == {"events_held": 2, "participants": 75}
    assert opened["disagreements"] == {}

    saved = ok(gw.request("PUT", f"{API}/reports/{mine['id']}", who="turkistan", json={
        "version": mine["version"], "values": {"events_held": 5}}))
    assert saved["disagreements"] == {"events_held": {"reported": 5, "register": 2}}
    assert saved["prefilled"] == ["participants"] and saved["values"]["participants"] == 75
    submitted = ok(gw.post(f"{API}/reports/{mine['id']}/submit", {
        "version": saved["version"], "values": {
            "events_held": 5, "budget_spent": "100.00", "results": "өтті"}}, who="turkistan"))
    assert submitted["values"]["participants"] == 75 and submitted["prefilled"] == []
    assert ok(gw.get(f"{API}/reports/{mine['id']}", who="observer"))["disagreements"] == {
        "events_held": {"reported": 5, "register": 2}}


def test_an_event_serves_a_plan_task_of_its_region(platform):
    gw, _ = platform
    ok(gw.post(f"{API}/projects/mediation/rollouts", {"year": 2026, "regions": ["KZ-61"]}),
       201)
    task = ok(gw.get(f"{API}/tasks", params={"region": "KZ-61", "limit": 1}))["items"][0]
    served = ok(gw.post(f"{API}/events", event(task_id=task["id"]), who="turkistan"), 201)
    assert (served["task_id"], served["plan_id"], served["project_code"]) == (
        task["id"], task["plan_id"], "mediation")
    refused = problem(gw.post(f"{API}/events", event(task_id=task["id"],
                                                     project_code="civic-identity"),
                              who="turkistan"), 422)
    assert "project_code" in refused["errors"]
    # Almaty's coordinator cannot read Turkistan's task: not found, nothing more
    problem(gw.post(f"{API}/events", event(task_id=task["id"]), who="almaty"), 422)
    assert ok(gw.get(f"{API}/events", params={"task_id": task["id"]}))["total"] == 1
