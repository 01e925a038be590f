"""Count targets through the gateway: the shipped ones, one the RGU adds, progress per
region and period from the events register, the region rules, and the gauges."""
from kelisim.db.engine import make_engine
from services.reports import metrics
from tests.integration.gateway.helpers import API, house_of_friendship, kgu_id, ok, problem


def event(**fields):
    return {"starts_at": "2026-05-01T10:00:00", "kind": "meeting", "title_ru": "Встреча",
            "participants": 10, **fields}


def rows_of(progress, code):
    target = next(t for t in progress["targets"] if t["code"] == code)
    return {(r["period"], r["region"]): r for r in target["rows"]}


def test_targets_progress_per_region_and_period(platform, rpc, reports_url):
    gw, service = platform
    house = ok(gw.post(f"{API}/org-units", house_of_friendship(kgu_id(gw, "KZ-61"),
                                                               "hof-61")), 201)
    with rpc("reports") as reports:
        reports.run_collection("2026-11-30")  # the local copy of the org units
    shipped = {t["code"]: t for t in ok(gw.get(f"{API}/targets", who="observer"))}
    assert shipped["radio-materials"]["minimum"] == 10
    assert shipped["mothers-councils-meetings"]["minimum"] == 18
    assert shipped["friendship-house-events"]["per"] == "house_of_friendship"

    for region in ("KZ-61", "KZ-61", "KZ-75"):
        ok(gw.post(f"{API}/events", event(kind="radio_material", region=region)), 201)
    for day in ("2026-02-01", "2026-09-01"):
        ok(gw.post(f"{API}/events", event(starts_at=f"{day}T12:00:00",
                                          org_unit_id=house["id"]), who="turkistan"), 201)
    ok(gw.post(f"{API}/events", event(initiative="el-birligi"), who="almaty"), 201)
    ok(gw.post(f"{API}/events", event(kind="radio_material", region="KZ-61",
                                      starts_at="2025-12-31T23:00:00")), 201)  # 2025

    problem(gw.post(f"{API}/targets", {"code": "x", "title_kk": "x", "title_ru": "x",
                                       "minimum": 2, "kind": "debate_club"},
                    who="turkistan"), 403)
    bad = problem(gw.post(f"{API}/targets", {"code": "x", "title_kk": "x", "title_ru": "x",
                                             "minimum": 0, "kind": "picnic",
                                             "per": "everyone"}), 422)
    assert {"minimum", "per"} <= set(bad["errors"])
    bad = problem(gw.post(f"{API}/targets", {"code": "x", "title_kk": "x", "title_ru": "x",
                                             "minimum": 2, "kind": "picnic"}), 422)
    assert "kind" in bad["errors"]
    # a structure type the registry does not know was taken, a target for ever at 0
    bad = problem(gw.post(f"{API}/targets", {"code": "x", "title_kk": "x", "title_ru": "x",
                                             "minimum": 2, "structure_type": "picnic_club"},
                          headers={"Accept-Language": "ru"}), 422)
    assert bad["errors"] == {"structure_type": "неизвестный тип структуры picnic_club"}
    assert "x" not in {t["code"] for t in ok(gw.get(f"{API}/targets"))}
    quarterly = ok(gw.post(f"{API}/targets", {
        "code": "radio-each-region", "title_kk": "Радио", "title_ru": "Радио", "minimum": 1,
        "kind": "radio_material", "per": "region", "period_type": "quarterly"}), 201)
    problem(gw.post(f"{API}/targets", {"code": "radio-each-region", "title_kk": "Радио",
                                       "title_ru": "Радио", "minimum": 1}), 409)

    progress = ok(gw.get(f"{API}/targets/progress", params={"year": 2026}, who="observer"))
    radio = rows_of(progress, "radio-materials")
    assert radio[("2026", "national")] == {"target": "radio-materials", "period": "2026",
                                           "region": "national", "actual": 3,
                                           "target_value": 10, "gap": 7, "met": False}
    assert radio[("2026", "KZ-61")]["actual"] == 2 and radio[("2026", "KZ-61")][
        "target_value"] is None
    houses = rows_of(progress, "friendship-house-events")
    assert houses[("2026", "KZ-61")]["target_value"] == 5
    assert houses[("2026", "KZ-61")]["actual"] == 2 and houses[("2026", "KZ-61")]["gap"] == 3
    assert rows_of(progress, "el-birligi-events")[("2026", "national")]["actual"] == 1
    each = rows_of(progress, "radio-each-region")
    assert each[("2026-Q2", "KZ-61")]["met"] is True
    assert each[("2026-Q2", "KZ-75")]["met"] is True
    assert each[("2026-Q3", "KZ-75")] ["gap"] == 1
    assert each[("2026-Q2", "national")]["target_value"] == 20  # 20 regions x 1
    assert each[("2026-Q2", "KZ-11")]["actual"] == 0

    mine = ok(gw.get(f"{API}/targets/progress", params={"year": 2026}, who="turkistan"))
    assert {r["region"] for t in mine["targets"] for r in t["rows"]} == {"KZ-61"}
    problem(gw.get(f"{API}/targets/progress", params={"region": "KZ-75"}, who="turkistan"),
            403)
    changed = ok(gw.patch(f"{API}/targets/{quarterly['id']}", {"version": 1, "active": False}))
    assert changed["active"] is False
    after = ok(gw.get(f"{API}/targets/progress", params={"year": 2026}))
    assert "radio-each-region" not in {t["code"] for t in after["targets"]}

    engine = make_engine(reports_url)
    try:
        from datetime import date
        metrics.refresh_targets(engine, date(2026, 11, 30))
    finally:
        engine.dispose()
    assert metrics.TARGET.values()[("radio-materials", "yearly", "national")] == 10
    assert metrics.TARGET_ACTUAL.values()[("radio-materials", "yearly", "national")] == 3
    assert metrics.TARGET.values()[("friendship-house-events", "yearly", "KZ-61")] == 5
