"""Reports unit tests: the service layer over a migrated SQLite file, no broker.

The schema is migrated once per session into a template file; each test works on its
own copy, with the 20 KGUs of the registry's reference data as local org units.
"""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from kelisim.db.tables import platform_tables
from services.reports.adapters import orm
from services.reports.adapters.orm import start_mappers
from services.reports.adapters.repository import ReportsRepository
from services.reports.domain.periods import kz_today, period_containing
from services.reports.service_layer import collection, org_units, templates
from tests.support import (  # noqa: F401  (re-exported to the tests)
    ADMIN,
    COORDINATOR,
    OBSERVER,
    OTHER_COORDINATOR,
    REGIONS,
    copy_of,
    template_database,
    units_of_work,
)

OUTBOX, AUDIT, PROCESSED = platform_tables(sa.MetaData())


def kgu(index, region, **extra):
    """Registry data of a KGU (ids 1..20 in REGIONS order)."""
    return {"id": index, "code": f"KGU-{region}", "kind": "kgu", "level": "regional",
            "name_kk": f"{region} КММ", "name_ru": f"{region} КГУ", "region_code": region,
            "opened_on": None, "closed_on": None, "version": 1, **extra}


KGUS = [kgu(i + 1, region) for i, region in enumerate(REGIONS)]
KGU_61 = REGIONS.index("KZ-61") + 1
KGU_75 = REGIONS.index("KZ-75") + 1


def mediation_template(**overrides):
    """A small quarterly template with a rule across fields."""
    data = {
        "code": "mediation-test", "title_kk": "Медиация есебі", "title_ru": "Отчёт по медиации",
        "period_type": "quarterly", "due_days": 10, "timely_days": 5,
        "remind_days_before": 5, "overdue_every_days": 7,
        "fields": [
            {"code": "cases_received", "type": "integer", "label_kk": "Түскен",
             "label_ru": "Поступило", "required": True, "min": 0},
            {"code": "resolved_by_mediation", "type": "integer", "label_kk": "Шешілген",
             "label_ru": "Урегулировано", "required": True, "min": 0},
            {"code": "budget_spent", "type": "money", "label_kk": "Бюджет",
             "label_ru": "Бюджет"},
            {"code": "notes", "type": "text", "label_kk": "Түсініктеме", "label_ru": "Комментарий"},
        ],
        "rules": [{"left": "resolved_by_mediation", "op": "<=", "right": "cases_received"}],
    }
    data.update(overrides)
    return data


def quarters_ago(count, today=None):
    """The quarter ``count`` quarters before the current one."""
    period = period_containing(today or kz_today(), "quarterly")
    year, index = period.year, period.index - count
    while index < 1:
        year, index = year - 1, index + 4
    return type(period)(year, "quarterly", index)


@pytest.fixture(scope="session")
def schema_db(tmp_path_factory):
    start_mappers()
    return template_database(tmp_path_factory, "reports")


@pytest.fixture
def reports_url(schema_db, tmp_path):
    return copy_of(schema_db, tmp_path)


@pytest.fixture
def sessions(reports_url, session_factory):
    return session_factory(reports_url)


@pytest.fixture
def uow(sessions):
    """``uow(actor)``: a fresh unit of work acting as ``actor`` (the RGU admin by default)."""

    make = units_of_work(sessions, "reports", ReportsRepository)
    org_units.sync(make(), KGUS)
    return make


@pytest.fixture
def rows(sessions):
    """``rows(table)``: every row of a table (outbox, audit_log, reminder_stamps) as dicts."""

    def read(table):
        with sessions() as session:
            return [dict(r._mapping) for r in session.execute(sa.select(table))]

    return read


@pytest.fixture
def events(rows):
    """``events(type=None)``: envelopes in the outbox, oldest first."""

    def read(event_type=None):
        found = sorted(rows(OUTBOX), key=lambda r: r["id"])
        return [r["envelope"] for r in found if event_type in (None, r["event_type"])]

    return read


@pytest.fixture
def template(uow):
    """``template(**overrides)``: create a template (active from a year ago by default)."""

    def create(**overrides):
        overrides.setdefault("active_from", (quarters_ago(4).start).isoformat())
        return templates.create_template(uow(), mediation_template(**overrides))

    return create


@pytest.fixture
def collect(uow):
    """``collect(today)``: one run of the collection job on ``today`` (a date)."""

    def run(today=None):
        return collection.run(uow(), today or kz_today())

    return run


@pytest.fixture
def stamps(rows):
    return lambda: rows(orm.reminder_stamps)


def days(n):
    return timedelta(days=n)


def first_of(year, month):
    return date(year, month, 1)
