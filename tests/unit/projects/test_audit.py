"""Issue 12.8: the projects service answers the one audit view from its change history,
with before and after, filterable by entity, region and actor."""
import pytest

from kelisim.errors import Forbidden
from services.projects.service_layer import audit, tasks
from tests.support import ADMIN, COORDINATOR, OBSERVER


def test_the_change_history_reads_as_audit_entries(rolled_out, uow):
    task = {t["template_key"]: t for t in tasks.list_tasks(
        uow(), {"region": "KZ-61", "limit": 200})["items"]}["org.plan"]
    tasks.update_task(uow(COORDINATOR), task["id"], {"version": task["version"],
                                                     "progress": 40})
    page = audit.audit_entries(uow(OBSERVER), {"actor": COORDINATOR["id"]})
    assert page["total"] == 1
    entry = page["items"][0]
    assert (entry["service"], entry["entity"], entry["entity_id"], entry["action"]) == (
        "projects", "task", str(task["id"]), "update")
    assert (entry["before"], entry["after"]) == ({"progress": 0}, {"progress": 40})
    assert entry["region_code"] == "KZ-61" and entry["actor_role"] == "kgu_coordinator"

    everything = audit.audit_entries(uow(), {"limit": 10000})
    almaty = audit.audit_entries(uow(), {"region": "KZ-75", "limit": 10000})
    assert 0 < almaty["total"] < everything["total"]
    assert {e["region_code"] for e in almaty["items"]} == {"KZ-75"}
    plans = audit.audit_entries(uow(), {"entity": "plan", "actor": ADMIN["id"]})
    assert plans["total"] and {e["entity"] for e in plans["items"]} == {"plan"}
    times = [e["occurred_at"] for e in everything["items"]]
    assert times == sorted(times, reverse=True)
    with pytest.raises(Forbidden):
        audit.audit_entries(uow(COORDINATOR), {})
