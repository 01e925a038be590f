"""Dated and recurring obligations (issue 19, part 2) through the running services: an
occurrence series' overdue reminders over RabbitMQ, and an impossible constraint over HTTP."""
import pytest

from tests.integration.gateway.helpers import API, ok, problem, tasks_of
from tests.support import wait_until_published


def item(key, **extra):
    return {"key": key, "kind": "task", "title_ru": f"Пункт {key}", "title_kk": f"Тармақ {key}",
            "duration": 1, **extra}


@pytest.mark.usefixtures("platform")  # rpc only calls it
def test_each_occurrence_of_a_series_is_announced_overdue_once(rpc, project_events, projects_db):
    with rpc("projects") as projects:
        template = projects.get_template("cultural-diversity")
        projects.put_template("cultural-diversity", {"version": template["version"], "items": [
            item("meet", repeat="FREQ=MONTHLY;BYMONTHDAY=10;COUNT=4")]})
        made = projects.rollout("cultural-diversity", {"year": 2026, "regions": ["KZ-61"]})
        series = sorted(projects.list_tasks({"region": "KZ-61", "limit": 50})["items"],
                        key=lambda t: t["due_date"])
        project_events.take(made["assignments"])
        assert [t["template_key"] for t in series] == ["meet.1", "meet.2", "meet.3", "meet.4"]
        # 10 January 2026 is a Saturday: the 9th; the others are working days
        assert [t["due_date"] for t in series] == ["2026-01-09", "2026-02-10", "2026-03-10",
                                                   "2026-04-10"]
        assert projects.scan_overdue("2026-03-12") == 3
        assert projects.scan_overdue("2026-03-12") == 0
        assert projects.scan_overdue("2026-03-13") == 0
    late = project_events.take(3)
    assert {b["type"] for b in late} == {"task_overdue"}
    assert sorted(b["data"]["task_id"] for b in late) == [t["id"] for t in series[:3]]
    assert {b["data"]["due_date"] for b in late} == {"2026-01-09", "2026-02-10", "2026-03-10"}
    wait_until_published(projects_db)
    assert project_events.pending() == 0  # each occurrence once; the fourth is not due
    with rpc("projects") as projects:
        assert projects.scan_overdue("2026-04-13") == 2  # the 4th is late, the 3rd a month
    fourth, third = sorted(project_events.take(2), key=lambda b: b["data"]["task_id"],
                           reverse=True)
    assert (fourth["data"]["task_id"], fourth["data"]["stage"]) == (series[3]["id"], "overdue")
    assert (third["data"]["task_id"], third["data"]["stage"]) == (series[2]["id"], "month")


def test_a_rollout_reports_a_constraint_its_dependencies_make_impossible(gateway):
    template = ok(gateway.get(f"{API}/projects/mediation/template"))
    items = template["items"] + [
        item("late.prep", duration=40, after=[{"key": "org.approved"}]),
        item("late.forum", on="03-01", after=[{"key": "late.prep"}]),
        item("late.report", after=[{"key": "late.forum"}])]
    # bad dates are 422s in the reader's language
    bad = problem(gateway.request("PUT", f"{API}/projects/mediation/template", json={
        "version": template["version"], "items": [item("x", on="1 March", within="Q9")]},
        headers={"Accept-Language": "ru"}), 422)
    assert bad["errors"]["items"]["0"]["on"] == \
        "день, который есть в каждом году, в виде ММ-ДД, например 05-01"
    assert bad["errors"]["items"]["0"]["within"] == "Q1–Q4 (квартал) или H1, H2 (полугодие)"
    ok(gateway.request("PUT", f"{API}/projects/mediation/template",
                       json={"version": template["version"], "items": items}))

    made = ok(gateway.post(f"{API}/projects/mediation/rollouts",
                           {"year": 2026, "regions": ["KZ-61"]}), 201)
    own = tasks_of(gateway, "KZ-61")
    forum, prep = own["late.forum"], own["late.prep"]
    [conflict] = made["constraint_conflicts"]
    assert conflict["task_id"] == forum["id"] and conflict["template_key"] == "late.forum"
    assert conflict["constraint"] == "on" and conflict["date"] == "2026-02-27"  # 1 March: Sun
    assert conflict["predecessor_id"] == prep["id"]
    assert conflict["chain"] == [prep["id"], forum["id"]]
    assert conflict["earliest_start"] > prep["due_date"] > "2026-02-27"
    # the task keeps its date and says why it cannot be kept
    assert forum["due_date"] == "2026-02-27" and forum["constraint_kind"] == "on"
    assert forum["constraint_conflict"]["earliest_start"] == conflict["earliest_start"]
    assert own["late.report"]["start_date"] > "2026-02-27"
    listed = ok(gateway.get(f"{API}/tasks", params={"constraint_conflict": "true"},
                            who="turkistan"))
    assert [t["id"] for t in listed["items"]] == [forum["id"]]

    # the predecessor finishes in time: the conflict clears; it slips again: reported
    quick = ok(gateway.patch(f"{API}/tasks/{prep['id']}", {
        "version": prep["version"], "due_date": "2026-02-20"}, who="turkistan"))
    assert quick["constraint_conflicts"] == []
    assert tasks_of(gateway, "KZ-61")["late.forum"]["constraint_conflict"] is None
    slow = ok(gateway.patch(f"{API}/tasks/{prep['id']}", {
        "version": quick["task"]["version"], "due_date": "2026-03-10",
        "reason": "the hall is booked"}, who="turkistan"))
    [again] = slow["constraint_conflicts"]
    assert again["task_id"] == forum["id"] and again["chain"] == [prep["id"], forum["id"]]
    assert tasks_of(gateway, "KZ-61")["late.forum"]["due_date"] == "2026-02-27"


@pytest.mark.usefixtures("platform")  # rpc only calls it
def test_a_conflict_is_stored_reported_and_cleared_on_each_database(rpc, project_events):
    with rpc("projects") as projects:
        template = projects.get_template("ethnocultural-genesis")
        projects.put_template("ethnocultural-genesis", {
            "version": template["version"], "items": [
                item("prep", duration=30),
                item("forum", on="03-01", after=[{"key": "prep"}]),
                item("h2", within="H2", after=[{"key": "forum"}])]})
        made = projects.rollout("ethnocultural-genesis", {"year": 2026, "regions": ["KZ-61"]})
        project_events.take(made["assignments"])
        own = {t["template_key"]: t for t in
               projects.list_tasks({"region": "KZ-61", "limit": 50})["items"]}
        assert made["constraint_conflicts"] == []  # 15 January + 30 working days: 26 Feb
        assert own["forum"]["due_date"] == "2026-02-27" and own["h2"]["start_date"] == \
            "2026-07-01"
        prep = own["prep"]
        late = projects.update_task(prep["id"], {"version": prep["version"],
                                                 "due_date": "2026-03-20", "reason": "late"})
        [conflict] = late["constraint_conflicts"]
        assert conflict["task_id"] == own["forum"]["id"] and conflict["chain"] == [
            prep["id"], own["forum"]["id"]]
        # the slip of the predecessor carries it too, on the broker
        [slip] = project_events.take(1)  # the forum keeps its date, nothing else moved
        assert (slip["type"], slip["data"]["task_id"]) == ("deadline_slipped", prep["id"])
        assert slip["data"]["constraint_conflicts"] == [conflict]
        stored = projects.get_task(own["forum"]["id"])
        assert stored["due_date"] == "2026-02-27"
        assert stored["constraint_conflict"]["predecessor_id"] == prep["id"]
        back = projects.update_task(prep["id"], {"version": late["task"]["version"],
                                                 "due_date": "2026-02-20"})
        assert back["constraint_conflicts"] == []
        assert projects.get_task(own["forum"]["id"])["constraint_conflict"] is None
