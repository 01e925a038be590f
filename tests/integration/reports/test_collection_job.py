"""The collection job for real: registry events keep the local org units, the timer creates
obligations without the registry, and two instances send each reminder once."""
import eventlet

from services.reports.adapters import orm
from services.reports.entrypoints.service import ReportsService
from services.reports.service_layer import org_units, templates
from tests.support import OUTBOX, wait_for, wait_until_published
from tests.support_reports import KGUS, QUIET_JOB, mediation_template, quarters_ago


def test_registry_events_keep_the_local_org_units(registry, start, migrated, tmp_path, rpc,
                                                  table_rows):
    url = migrated("reports", f"sqlite:///{tmp_path / 'reports.db'}")
    start(ReportsService, url, **QUIET_JOB)
    with rpc("registry") as registry_rpc:
        kgu = registry_rpc.kgu_of_region("KZ-61")["org_unit"]
        branch = registry_rpc.create_org_unit({
            "code": "BR-61-SAIRAM", "name_kk": "Сайрам филиалы", "name_ru": "Сайрамский филиал",
            "kind": "kgu_branch", "level": "district", "region_code": "KZ-61",
            "parent_id": kgu["id"], "opened_on": "2021-01-01"})
        wait_for(lambda: [u for u in table_rows(url, orm.org_units) if u["id"] == branch["id"]])
        registry_rpc.update_org_unit(branch["id"], {"version": 1, "closed_on": "2026-06-30"})

    closed = wait_for(lambda: [u for u in table_rows(url, orm.org_units)
                               if u["id"] == branch["id"] and u["closed_on"]])
    assert closed[0]["closed_on"].isoformat() == "2026-06-30" and closed[0]["version"] == 2
    assert closed[0]["region_code"] == "KZ-61" and closed[0]["level"] == "district"


def test_two_instances_and_a_restart_send_each_reminder_once(postgres_url, migrated, start,
                                                             reports_uow, report_events,
                                                             table_rows):
    """No registry is running: the job works from the local copy of the org units."""
    url = migrated("reports", postgres_url)
    org_units.sync(reports_uow(url), KGUS)
    templates.create_template(reports_uow(url), mediation_template(
        active_from=quarters_ago(2).start.isoformat(), due_days=0))
    busy = {"REPORTS_JOB_EAGER": True, "REPORTS_JOB_INTERVAL": 0.1, "RPC_TIMEOUT": 1,
            "REPORTS_REGISTRY_ATTEMPTS": 1}

    first, second = start(ReportsService, url, **busy), start(ReportsService, url, **busy)
    stamps = wait_for(lambda: len(table_rows(url, orm.reminder_stamps)) >= 40, timeout=20)
    eventlet.sleep(1.0)  # several more ticks of both timers
    first.kill()
    start(ReportsService, url, **busy)  # a restart
    eventlet.sleep(1.0)
    second.kill()

    assert stamps
    reports = table_rows(url, orm.reports)
    assert len(reports) == 60  # 20 KGUs x three quarters, each once
    sent = table_rows(url, orm.reminder_stamps)
    assert len(sent) == 40  # the two past quarters are overdue; the current is not due soon
    assert {s["kind"] for s in sent} == {"report_overdue"}
    assert len({s["report_id"] for s in sent}) == 40  # the current stage of each, once
    outbox = table_rows(url, OUTBOX)
    assert len(outbox) == 40 and {r["event_id"] for r in outbox} == {s["event_id"] for s in sent}
    wait_until_published(url, timeout=20)  # every copy the relays sent is in the queue now
    published = report_events.wait(40, timeout=20)
    published += report_events.drain()
    assert len(published) == 40
    assert len({b["data"]["report_id"] for b in published}) == 40
