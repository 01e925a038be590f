"""Template versions and the shipped templates under concurrency (PostgreSQL): what a
repeat would answer, never an error."""
from kelisim.context import Context
from services.reports.adapters.orm import start_mappers
from services.reports.adapters.repository import ReportsRepository
from services.reports.service_layer import org_units, templates
from tests.support import ADMIN, race_with_slow_commit
from tests.support_reports import KGUS


def _make_uow(sessions):
    return lambda cls: cls(sessions, Context(actor=dict(ADMIN), source="reports"),
                           ReportsRepository)


def test_two_versions_of_one_template_created_at_once_both_succeed(postgres_url, migrated,
                                                                   session_factory):
    start_mappers()
    sessions = session_factory(migrated("reports", postgres_url))
    raw = dict(templates.reference_templates()[0], code="race-template")
    first, second = race_with_slow_commit(_make_uow(sessions), templates.create_template, raw)
    assert [repr(a) for a in (first, second) if isinstance(a, Exception)] == []
    assert sorted([first["version"], second["version"]]) == [1, 2]
    with sessions() as session:
        assert [t.version for t in ReportsRepository(session).template_versions(
            "race-template")] == [1, 2]


def test_replicas_loading_the_shipped_templates_at_once_add_them_once(postgres_url, migrated,
                                                                      session_factory):
    start_mappers()
    sessions = session_factory(migrated("reports", postgres_url))
    first, second = race_with_slow_commit(_make_uow(sessions), templates.load_reference_templates)
    assert [repr(a) for a in (first, second) if isinstance(a, Exception)] == []
    assert sorted([first, second]) == [0, len(templates.reference_templates())]


def test_replicas_syncing_the_org_units_at_once_both_succeed(postgres_url, migrated,
                                                             session_factory):
    start_mappers()
    sessions = session_factory(migrated("reports", postgres_url))
    first, second = race_with_slow_commit(_make_uow(sessions), org_units.sync, KGUS)
    assert [repr(a) for a in (first, second) if isinstance(a, Exception)] == []
    assert first == len(KGUS)
    with sessions() as session:
        assert {u.id for u in ReportsRepository(session).org_units()} == {u["id"] for u in KGUS}
