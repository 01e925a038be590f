"""The collection job: expected reports appear by themselves; reminders go out once per stage."""
from datetime import date

from services.reports.service_layer import org_units, reports
from services.reports.service_layer.events import emit_once
from tests.support import AUDIT
from tests.support_reports import KGU_61, KGU_75, KGUS, kgu


def listed(uow, **query):
    return reports.list_reports(uow(), {"limit": 200, **query})


def test_every_kgu_owes_one_report_per_period_and_reruns_add_nothing(uow, template, collect,
                                                                      rows):
    template(active_from="2026-01-01")
    first = collect(date(2026, 11, 21))
    again = collect(date(2026, 11, 21))

    assert first["obligations_created"] == 20 * 4 and again["obligations_created"] == 0
    page = listed(uow, region="KZ-61")
    assert [r["period"] for r in page["items"]] == ["2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1"]
    q1 = page["items"][-1]
    assert (q1["status"], q1["due_date"], q1["timely_until"], q1["org_unit_id"]) == (
        "draft", "2026-04-10", "2026-04-15", KGU_61)
    assert collect(date(2027, 1, 2))["obligations_created"] == 20
    [audit] = [a for a in rows(AUDIT) if a["entity"] == "report_obligations"][:1]
    assert audit["after"]["created"] == 80


def test_no_report_is_expected_before_opening_or_after_closing(uow, template, collect):
    org_units.sync(uow(), [kgu(KGU_61, "KZ-61", opened_on="2026-05-15", version=2),
                           kgu(KGU_75, "KZ-75", closed_on="2026-04-01", version=2)])
    template(active_from="2026-01-01")
    collect(date(2026, 11, 21))

    assert [r["period"] for r in listed(uow, region="KZ-61")["items"]] == [
        "2026-Q4", "2026-Q3", "2026-Q2"]
    assert [r["period"] for r in listed(uow, region="KZ-75")["items"]] == ["2026-Q1"]


def test_a_closing_recorded_late_withdraws_untouched_reports_only(uow, template, collect, rows):
    template(active_from="2026-01-01")
    collect(date(2026, 11, 21))
    by_period = {r["period"]: r for r in listed(uow, region="KZ-75")["items"]}
    reports.save_report(uow(), by_period["2026-Q3"]["id"], {"version": 1, "values": {
        "cases_received": 2}})
    org_units.sync(uow(), [kgu(KGU_75, "KZ-75", closed_on="2026-04-01", version=2)])
    collect(date(2026, 11, 21))

    assert [r["period"] for r in listed(uow, region="KZ-75")["items"]] == ["2026-Q3", "2026-Q1"]
    withdrawn = [a for a in rows(AUDIT) if a["action"] == "withdraw"]
    assert sorted(a["before"]["period"] for a in withdrawn) == ["2026-Q2", "2026-Q4"]
    assert listed(uow, region="KZ-61")["total"] == 4


def test_an_older_registry_version_never_overwrites_a_newer_one(uow):
    org_units.sync(uow(), [kgu(KGU_61, "KZ-61", closed_on="2026-05-01", version=3)])
    assert org_units.sync(uow(), [kgu(KGU_61, "KZ-61", version=2)]) == 0
    with uow() as work:
        assert work.repo.org_unit(KGU_61).closed_on == date(2026, 5, 1)


def test_who_reports_follows_the_template(uow, template, collect):
    org_units.sync(uow(), KGUS + [{
        "id": 100, "code": "BR-61-1", "kind": "kgu_branch", "level": "district",
        "name_kk": "Филиал", "name_ru": "Филиал", "region_code": "KZ-61", "version": 1}])
    template(code="by-level", reporters="level", reporter_level="district",
             active_from="2026-10-01")
    template(code="by-list", reporters="list", reporter_ids=[KGU_75, 100],
             active_from="2026-10-01", active_until="2026-12-31")
    collect(date(2027, 5, 1))

    assert {(r["org_unit_id"], r["period"]) for r in listed(uow, template="by-level")["items"]} \
        == {(100, "2026-Q4"), (100, "2027-Q1"), (100, "2027-Q2")}
    assert {(r["org_unit_id"], r["period"]) for r in listed(uow, template="by-list")["items"]} \
        == {(KGU_75, "2026-Q4"), (100, "2026-Q4")}


def reminders(events, kind):
    return [(e["data"]["report_id"], e["data"].get("stage"), e["data"].get("days_left"),
             e["data"].get("days_overdue")) for e in events(kind)]


def test_due_soon_once_then_overdue_in_stages_each_once(uow, template, collect, events, stamps):
    template(active_from="2026-01-01", active_until="2026-03-31")
    collect(date(2026, 4, 4))
    assert events() == []
    assert collect(date(2026, 4, 5))["reminders_sent"] == {"report_due_soon": 20}
    assert collect(date(2026, 4, 9))["reminders_sent"] == {}
    assert collect(date(2026, 4, 11))["reminders_sent"] == {"report_overdue": 20}
    collect(date(2026, 4, 17))
    assert collect(date(2026, 4, 18))["reminders_sent"] == {"report_overdue": 20}
    collect(date(2026, 4, 18))

    due_soon = events("report_due_soon")
    assert len(due_soon) == 20 and {e["data"]["days_left"] for e in due_soon} == {5}
    overdue = reminders(events, "report_overdue")
    assert len(overdue) == 40
    assert sorted({(stage, late) for _, stage, _, late in overdue}) == [(1, 1), (2, 8)]
    assert len(stamps()) == 60
    sample = events("report_overdue")[0]
    assert sample["regions"] == [sample["data"]["region_code"]]
    assert sample["data"]["template_title"] == "Медиация есебі"
    assert sample["data"]["template_title_ru"] == "Отчёт по медиации"
    assert sample["data"]["due_date"] == "2026-04-10"


def test_a_submitted_report_gets_no_more_reminders(uow, template, collect, events):
    template(active_from="2026-01-01", active_until="2026-03-31")
    collect(date(2026, 4, 1))
    [mine] = listed(uow, region="KZ-61")["items"]
    reports.submit_report(uow(), mine["id"], {"version": mine["version"], "values": {
        "cases_received": 3, "resolved_by_mediation": 2}})
    collect(date(2026, 4, 20))

    overdue = {e["data"]["report_id"] for e in events("report_overdue")}
    assert len(overdue) == 19 and mine["id"] not in overdue


def test_a_stage_already_stamped_publishes_nothing(uow, template, collect, events):
    """What a second instance finds when the first one sent the reminder."""
    template(active_from="2026-01-01", active_until="2026-03-31")
    collect(date(2026, 4, 1))
    [mine] = listed(uow, region="KZ-61")["items"]
    with uow() as work:
        report = work.repo.report(mine["id"])
        tmpl = work.repo.template(report.template_id)
        assert emit_once(work, report, tmpl, "report_overdue", 1,
                         {"days_overdue": 1, "stage": 1}, report.created_at) is not None
        work.commit()
    with uow() as work:
        report = work.repo.report(mine["id"])
        assert emit_once(work, report, work.repo.template(report.template_id), "report_overdue",
                         1, {"days_overdue": 1, "stage": 1}, report.created_at) is None
    assert collect(date(2026, 4, 12))["reminders_sent"] == {"report_overdue": 19}
    assert len(events("report_overdue")) == 20

