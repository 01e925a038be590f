"""The calendar and scheduling refusals over HTTP (issue 12.1, 12.4, 11.2): the gateway with
the registry and projects services running."""
from tests.integration.gateway.helpers import API, ok, problem, tasks_of


def test_the_calendar_names_each_day_off_and_schedule_errors_are_4xx(gateway):
    year = ok(gateway.get(f"{API}/calendar", params={"year": 2028}, who="turkistan"))
    days = {d["date"]: d for d in year["days"]}
    assert [days[d]["name"]["ru"] for d in ("2028-03-21", "2028-03-22", "2028-03-23")] == [
        "Наурыз мейрамы"] * 3
    assert days["2028-03-08"]["name"] == {"kk": "Халықаралық әйелдер күні",
                                          "ru": "Международный женский день",
                                          "en": "International Women's Day"}
    assert days["2028-03-08"]["working_day"] is False
    assert year["working_days"] < 366 - 104
    decree = {d["date"]: d for d in ok(gateway.get(f"{API}/calendar",
                                                   params={"year": 2025}))["days"]}
    assert decree["2025-01-05"]["working_day"] is True  # a Sunday worked by decree
    assert decree["2025-01-05"]["source"].startswith("https://adilet.zan.kz/")
    assert "year" in problem(gateway.get(f"{API}/calendar", params={"year": 2041}), 422)[
        "errors"]

    ok(gateway.post(f"{API}/projects/mediation/rollouts",
                    {"year": 2040, "regions": ["KZ-61", "KZ-75"]}), 201)
    plan = ok(gateway.get(f"{API}/plans", params={"region": "KZ-61"}))["items"][0]
    for start, duration in (("2040-12-31", 5), ("2040-12-29", 500)):
        refused = problem(gateway.post(f"{API}/plans/{plan['id']}/tasks", {
            "title": "Край календаря", "start_date": start, "duration": duration},
            who="turkistan"), 422)
        assert set(refused["errors"]) == {"duration"}
    own, foreign = tasks_of(gateway, "KZ-61"), tasks_of(gateway, "KZ-75")
    refused = problem(gateway.post(f"{API}/tasks/{own['promo.youth']['id']}/dependencies", {
        "predecessor_id": own["mon.map"]["id"], "lag": 250}, who="turkistan"), 422)
    assert set(refused["errors"]) == {"lag"}

    # another region's task: not found for a KGU, refused with the reason for the RGU
    far = foreign["rep.closed"]["id"]
    hidden = problem(gateway.post(f"{API}/tasks/{own['promo.youth']['id']}/dependencies",
                                  {"predecessor_id": far}, who="turkistan"), 404)
    assert "KZ-75" not in str(hidden) and "mediation" not in str(hidden)
    refused = problem(gateway.post(f"{API}/tasks/{own['promo.youth']['id']}/dependencies",
                                   {"predecessor_id": far}), 422)
    assert "KZ-75" in refused["errors"]["predecessor_id"]
    assert tasks_of(gateway, "KZ-61") == own
