"""The report workflow: fill in, submit, accept or return, resubmit, reopen; audited, once."""
import pytest

from kelisim.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from kelisim.events.envelope import parse_envelope
from services.reports.domain.periods import kz_today
from services.reports.service_layer import reports
from tests.support import ADMIN, AUDIT, COORDINATOR, OBSERVER, OTHER_COORDINATOR, OUTBOX

GOOD = {"cases_received": 12, "resolved_by_mediation": 9, "budget_spent": "150000.50"}


@pytest.fixture
def report(uow, template, collect):
    """The Turkistan (KZ-61) report of the current quarter, as a draft."""
    template(active_from=kz_today().replace(day=1).isoformat())
    collect()
    [mine] = reports.list_reports(uow(), {"region": "KZ-61"})["items"]
    return mine


def test_the_full_workflow_is_audited_and_publishes_each_event_once(uow, report, rows):
    rid = report["id"]
    saved = reports.save_report(uow(COORDINATOR), rid, {"version": 1, "values": {
        "cases_received": 12, "notes": "Түркістан облысы"}})
    submitted = reports.submit_report(uow(COORDINATOR), rid, {"version": 2, "values": GOOD})
    returned = reports.return_report(uow(), rid, {"version": 3, "comment": "Бюджетті тексеріңіз"})
    resubmitted = reports.submit_report(uow(COORDINATOR), rid, {"version": 4})
    accepted = reports.accept_report(uow(), rid, {"version": 5})
    reopened = reports.reopen_report(uow(), rid, {"version": 6, "reason": "audit found an error"})

    assert saved["status"] == "draft" and saved["values"]["notes"] == "Түркістан облысы"
    assert submitted["status"] == "submitted" and submitted["values"]["budget_spent"] == "150000.50"
    assert submitted["on_time"] is True and submitted["first_submitted_at"]
    assert returned["status"] == "returned" and returned["comment"] == "Бюджетті тексеріңіз"
    assert resubmitted["submission_count"] == 2 and resubmitted["comment"] is None
    assert resubmitted["first_submitted_at"] == submitted["first_submitted_at"]
    assert accepted["status"] == "accepted" and accepted["decided_by"] == ADMIN["id"]
    assert reopened["status"] == "reopened" and reopened["comment"] == "audit found an error"

    history = reports.history(uow(), rid)
    assert [h["action"] for h in history] == ["reopen", "accept", "submit", "return", "submit",
                                              "save"]
    assert history[-1]["actor_id"] == COORDINATOR["id"] and history[-1]["region_code"] == "KZ-61"
    assert history[0]["before"]["status"] == "accepted"
    envelopes = [parse_envelope(r["envelope"]) for r in sorted(rows(OUTBOX),
                                                                 key=lambda r: r["id"])]
    assert [(e.type, e.regions) for e in envelopes] == [
        ("report_submitted", ["KZ-61"]), ("report_returned", ["KZ-61"]),
        ("report_submitted", ["KZ-61"]), ("report_accepted", ["KZ-61"]),
        ("report_reopened", ["KZ-61"])]
    assert envelopes[0].data["on_time"] is True and envelopes[0].data["report_id"] == rid
    assert envelopes[1].data["comment"] == "Бюджетті тексеріңіз"
    assert envelopes[4].data["reason"] == "audit found an error"


def test_an_accepted_report_is_locked(uow, report):
    rid = report["id"]
    reports.submit_report(uow(), rid, {"version": 1, "values": GOOD})
    reports.accept_report(uow(), rid, {"version": 2, "comment": "жақсы"})
    for change in (lambda: reports.save_report(uow(COORDINATOR), rid, {"version": 3, "values": {}}),
                   lambda: reports.submit_report(uow(COORDINATOR), rid, {"version": 3}),
                   lambda: reports.return_report(uow(), rid, {"version": 3, "comment": "x"})):
        with pytest.raises(Conflict) as caught:
            change()
        assert caught.value.errors["status"].startswith("is accepted")
    assert reports.get_report(uow(), rid)["values"]["cases_received"] == 12


def test_submission_names_each_field_and_rule_and_changes_nothing(uow, report, rows):
    with pytest.raises(Invalid) as caught:
        reports.submit_report(uow(COORDINATOR), report["id"], {"version": 1, "values": {
            "cases_received": 3, "resolved_by_mediation": 5, "budget_spent": "10.001"}})

    assert caught.value.errors == {
        "budget_spent": "type: money takes at most 2 decimal places",
        "resolved_by_mediation": "rule resolved_by_mediation <= cases_received: must satisfy "
                                 "resolved_by_mediation <= cases_received (here 5 <= 3 is false)"}
    assert reports.get_report(uow(), report["id"])["status"] == "draft"
    assert rows(OUTBOX) == [] and [a for a in rows(AUDIT) if a["entity"] == "report"] == []


def test_regions_and_roles(uow, report):
    rid = report["id"]
    with pytest.raises(NotFound):
        reports.get_report(uow(OTHER_COORDINATOR), rid)
    with pytest.raises(NotFound):
        reports.save_report(uow(OTHER_COORDINATOR), rid, {"version": 1, "values": {}})
    with pytest.raises(Forbidden):
        reports.list_reports(uow(OTHER_COORDINATOR), {"region": "KZ-61"})
    assert {r["region_code"] for r in reports.list_reports(uow(OTHER_COORDINATOR), {})[
        "items"]} == {"KZ-75"}
    with pytest.raises(Forbidden):
        reports.save_report(uow(OBSERVER), rid, {"version": 1, "values": {}})
    reports.submit_report(uow(COORDINATOR), rid, {"version": 1, "values": GOOD})
    for decide in (reports.accept_report, reports.return_report):
        with pytest.raises(Forbidden):
            decide(uow(COORDINATOR), rid, {"version": 2, "comment": "own"})
    with pytest.raises(StaleVersion):
        reports.accept_report(uow(), rid, {"version": 1})
    assert reports.get_report(uow(OBSERVER), rid)["status"] == "submitted"


def test_list_filters(uow, report, collect):
    reports.submit_report(uow(), report["id"], {"version": 1, "values": GOOD})
    assert reports.list_reports(uow(), {"status": "submitted"})["total"] == 1
    assert reports.list_reports(uow(), {"missing": True})["total"] == 19
    assert reports.list_reports(uow(), {"period": report["period"], "limit": 5})["total"] == 20
    assert reports.list_reports(uow(), {"overdue": True})["total"] == 0
    with pytest.raises(Invalid) as bad:
        reports.list_reports(uow(), {"period": "2026-Q9"})
    assert "period" in bad.value.errors
