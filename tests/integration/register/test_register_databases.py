"""The register's queries on SQLite and PostgreSQL: structure filters (a side table),
JSON lists, Kazakhstan dates, counts and targets; the owners' answers are stand-ins."""
import pytest

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.reports.adapters.orm import start_mappers
from services.reports.adapters.repository import ReportsRepository
from services.reports.service_layer import register, targets
from tests.support import ADMIN, COORDINATOR, units_of_work

start_mappers()


class StandIn:
    """Lookups answering from dicts (the registry's and projects' records)."""

    UNITS = {16: {"id": 16, "kind": "kgu", "region_code": "KZ-61"},
             19: {"id": 19, "kind": "kgu", "region_code": "KZ-75"}}
    STRUCTURES = {1: {"id": 1, "type": "council_of_mothers", "region_code": "KZ-61"},
                  2: {"id": 2, "type": "mediation_council", "region_code": "KZ-61"}}

    def org_unit(self, unit_id):
        return self.UNITS.get(unit_id)

    def kgu_of(self, region):
        return next((u for u in self.UNITS.values() if u["region_code"] == region), None)

    def structure(self, structure_id):
        return self.STRUCTURES.get(structure_id)

    def structure_types(self):
        return {s["type"] for s in self.STRUCTURES.values()}

    def task(self, task_id):
        return None

    def project(self, code):
        return {"code": code} if code == "mediation" else None

    def plan(self, plan_id):
        return None


@pytest.fixture
def make_uow(database_url, migrated, session_factory):
    url = migrated("reports", database_url)
    sessions = session_factory(url)
    register.load_reference_kinds(UnitOfWork(sessions, Context(), ReportsRepository))
    targets.load_reference_targets(UnitOfWork(sessions, Context(), ReportsRepository))
    return units_of_work(sessions, "reports", ReportsRepository)


def test_record_filter_count_and_target_progress(make_uow):
    lookups = StandIn()
    both = register.record_event(make_uow(COORDINATOR), lookups, {
        "starts_at": "2026-03-31T23:30:00", "kind": "meeting", "title_kk": "Отырыс",
        "structure_ids": [1, 2], "participants": 12, "project_code": "mediation"})
    assert both["local_date"] == "2026-03-31" and both["starts_at"].startswith("2026-03-31T18:30")
    register.record_event(make_uow(ADMIN), lookups, {
        "starts_at": "2026-04-01T00:10:00+05:00", "kind": "meeting", "title_ru": "Заседание",
        "structure_ids": [1], "participants": 8, "region": "KZ-61"})
    register.record_event(make_uow(ADMIN), lookups, {
        "starts_at": "2026-04-02T10:00:00", "kind": "meeting", "title_ru": "Заседание",
        "participants": 3, "org_unit_id": 19})

    page = register.list_events(make_uow(COORDINATOR), {"structure_type": "mediation_council"})
    assert [e["id"] for e in page["items"]] == [both["id"]]
    assert register.list_events(make_uow(ADMIN), {"structure_id": "1", "period": "2026-Q2"})[
        "total"] == 1
    stats = register.event_stats(make_uow(ADMIN), {"by": "structure_type,period", "year": "2026"})
    counted = {(r["key"]["structure_type"], r["key"]["period"]): r["participants"]
               for r in stats["rows"]}
    assert counted == {("council_of_mothers", "2026-Q1"): 12, ("council_of_mothers", "2026-Q2"): 8,
                       ("mediation_council", "2026-Q1"): 12, ("none", "2026-Q2"): 3}
    assert stats["total"] == {"events": 3, "participants": 23, "media_items": 0}

    progress = targets.progress(make_uow(ADMIN), {"year": "2026",
                                                  "target": "mothers-councils-meetings"})
    [target] = progress["targets"]
    national = next(r for r in target["rows"] if r["region"] == "national")
    assert (national["actual"], national["target_value"], national["gap"]) == (2, 18, 16)


def test_progress_of_a_region_without_events_shows_zero_of_n(make_uow):
    """A coordinator whose region has no event yet sees a row per target (0 of N), not
    ``rows: []``; a house-of-friendship target with no house open is not applicable."""
    targets.create_target(make_uow(ADMIN), StandIn(), {
        "code": "radio-each-region", "title_kk": "Радио", "title_ru": "Радио", "minimum": 3,
        "kind": "radio_material", "per": "region"})
    mine = targets.progress(make_uow(COORDINATOR), {"year": "2026"})
    rows = {t["code"]: t["rows"] for t in mine["targets"]}
    assert all(rows.values()), [code for code, found in rows.items() if not found]
    [each] = rows["radio-each-region"]
    assert each == {"target": "radio-each-region", "period": "2026", "region": "KZ-61",
                    "actual": 0, "target_value": 3, "gap": 3, "met": False}
    [radio] = rows["radio-materials"]  # a national target: the region's contribution
    assert (radio["region"], radio["actual"], radio["target_value"]) == ("KZ-61", 0, None)
    [houses] = rows["friendship-house-events"]
    assert (houses["actual"], houses["target_value"], houses["met"]) == (0, None, None)

    everyone = targets.progress(make_uow(ADMIN), {"year": "2026",
                                                  "target": "friendship-house-events"})
    national = next(r for r in everyone["targets"][0]["rows"] if r["region"] == "national")
    assert (national["target_value"], national["gap"], national["met"]) == (None, None, None)
