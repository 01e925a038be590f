"""The reports service over real RPC and the real broker, on SQLite and on PostgreSQL."""
import pytest

from kelisim.errors import Forbidden, Invalid, NotFound
from kelisim.events.envelope import parse_envelope
from services.reports.domain.periods import kz_today
from services.reports.entrypoints.service import ReportsService
from tests.support import COORDINATOR
from tests.support_reports import QUIET_JOB, mediation_template


def test_collect_from_the_registry_fill_submit_and_accept(registry, start, migrated, database_url,
                                                          rpc, report_events):
    start(ReportsService, migrated("reports", database_url), **QUIET_JOB)
    today = kz_today()
    with rpc("reports") as reports:
        template = reports.create_template(mediation_template(
            active_from=today.replace(day=1).isoformat()))
        run = reports.run_collection(today.isoformat())
        again = reports.run_collection(today.isoformat())
        [mine] = reports.list_reports({"region": "KZ-61"})["items"]

    assert run["org_units_synced"] == 20 and run["obligations_created"] == 20
    assert again["obligations_created"] == 0
    assert mine["template_id"] == template["id"] and mine["status"] == "draft"

    with rpc("reports", actor=COORDINATOR) as reports:
        with pytest.raises(Invalid) as invalid:
            reports.submit_report(mine["id"], {"version": 1, "values": {
                "cases_received": 2, "resolved_by_mediation": 3}})
        submitted = reports.submit_report(mine["id"], {"version": 1, "values": {
            "cases_received": 5, "resolved_by_mediation": 3, "budget_spent": "99.90"}})
        with pytest.raises(Forbidden):
            reports.accept_report(mine["id"], {"version": 2})
        with pytest.raises(Forbidden):
            reports.create_template(mediation_template(code="other"))
    with rpc("reports") as reports:
        accepted = reports.accept_report(mine["id"], {"version": 2})
        rates = reports.reporting_rates({"template": "mediation-test", "include_not_due": True})
        rollup = reports.rollup({"template": "mediation-test"})
        with pytest.raises(NotFound):
            reports.get_report(999999)

    assert invalid.value.errors["resolved_by_mediation"].startswith("rule resolved_by_mediation")
    assert submitted["on_time"] is True and accepted["status"] == "accepted"
    assert rates["national"]["reported"] == 1 and rates["national"]["expected"] == 20
    assert rollup["national"]["fields"]["budget_spent"]["sum"] == "99.90"
    events = [parse_envelope(body) for body in report_events.wait(2)]
    assert [(e.type, e.data["report_id"], e.regions) for e in events] == [
        ("report_submitted", mine["id"], ["KZ-61"]), ("report_accepted", mine["id"], ["KZ-61"])]
    assert events[0].data["on_time"] is True and events[0].source == "reports"
