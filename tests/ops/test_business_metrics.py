"""The business gauges read from a migrated database (SQLite and PostgreSQL), and the
deadline slip counter fed by published events."""
from datetime import UTC, date, datetime
from decimal import Decimal

from prometheus_client import REGISTRY

from kelisim import metrics
from kelisim.db.engine import make_engine
from services.projects import metrics as programme
from services.projects.adapters import orm as projects_orm
from services.reports import metrics as collection
from services.reports.adapters import orm as reports_orm

DAY = date(2025, 6, 2)
UNBOUNDED_LABELS = {"id", "task_id", "event_id", "report_id", "plan_id", "risk_id", "path"}
NOW = datetime(2025, 6, 2, tzinfo=UTC)


def task(plan_id, region, status, due, duration=5, progress=0, kind="task", project="P1"):
    return {"plan_id": plan_id, "project_code": project, "year": 2025, "region_code": region,
            "kind": kind, "title": "t", "description": "", "start_date": date(2025, 1, 6),
            "due_date": due, "duration": duration, "scheduling": "auto", "status": status,
            "progress": progress, "version": 1}


def risk(region, probability, impact, status="identified"):
    return {"project_code": "P1", "region_code": region, "title": "r", "description": "",
            "category": "other", "probability": probability, "impact": impact, "owner": None,
            "mitigation": "", "corrective_actions": "", "status": status, "escalated": False,
            "version": 1}


def budget(plan_id, planned, actual):
    return {"plan_id": plan_id, "category": "events", "description": "", "planned": planned,
            "committed": actual, "actual": actual, "version": 1}


def test_programme_gauges(database_url, migrated):
    engine = make_engine(migrated("projects", database_url))
    with engine.begin() as conn:
        conn.execute(projects_orm.projects.insert(), [{
            "code": "P1", "title_kk": "", "title_ru": "", "title_en": "", "goal_kk": "",
            "goal_ru": "", "goal_en": "", "version": 1}])
        conn.execute(projects_orm.plans.insert(), [
            {"id": 1, "project_code": "P1", "year": 2025, "scope": "KZ-61", "region_code": "KZ-61",
             "status": "in_progress", "expected_results": "", "version": 1},
            {"id": 2, "project_code": "P1", "year": 2025, "scope": "RGU", "region_code": None,
             "status": "in_progress", "expected_results": "", "version": 1}])
        conn.execute(projects_orm.tasks.insert(), [
            task(1, "KZ-61", "in_progress", date(2025, 6, 1), duration=10, progress=50),
            task(1, "KZ-61", "planned", date(2025, 5, 1), duration=10),
            task(1, "KZ-61", "done", date(2025, 5, 1), duration=20, progress=100),
            task(1, "KZ-61", "planned", date(2025, 7, 1), duration=3, kind="phase"),
            task(1, "KZ-61", "cancelled", date(2025, 5, 1), duration=50),
            task(2, None, "planned", date(2025, 9, 1)),
        ])
        conn.execute(projects_orm.risks.insert(), [
            risk("KZ-61", 5, 4), risk("KZ-61", 3, 4), risk("KZ-61", 1, 2),
            risk("KZ-61", 5, 5, status="closed"), risk(None, 2, 3)])
        conn.execute(projects_orm.budget_lines.insert(), [
            budget(1, Decimal("1000.00"), Decimal("250.50")),
            budget(1, Decimal("1000.00"), Decimal("0.00")),
            budget(2, Decimal("0.00"), Decimal("10.00"))])
    try:
        programme.refresh(engine, day=DAY)
    finally:
        engine.dispose()

    assert programme.TASKS.values() == {
        ("KZ-61", "P1", "in_progress"): 1, ("KZ-61", "P1", "planned"): 1,
        ("KZ-61", "P1", "done"): 1, ("KZ-61", "P1", "cancelled"): 1, ("RGU", "P1", "planned"): 1}
    assert programme.TASKS_OVERDUE.values() == {("KZ-61", "P1"): 2, ("RGU", "P1"): 0}
    # weights 10, 10, 20: (10 * 50 + 0 + 20 * 100) / 40 / 100
    assert programme.PROGRESS.values() == {("KZ-61", "P1"): 0.625, ("RGU", "P1"): 0.0}
    assert programme.RISKS_OPEN.values() == {
        ("KZ-61", "P1", "critical"): 1, ("KZ-61", "P1", "high"): 1, ("KZ-61", "P1", "low"): 1,
        ("RGU", "P1", "medium"): 1}
    assert programme.BUDGET_PLANNED.values() == {("KZ-61", "P1"): 2000.0, ("RGU", "P1"): 0.0}
    assert programme.BUDGET_ACTUAL.values() == {("KZ-61", "P1"): 250.5, ("RGU", "P1"): 10.0}
    assert programme.BUDGET_UTILISATION.values() == {("KZ-61", "P1"): 0.12525}


def report(org_unit, region, template, status, due, on_time=None, period="2025-Q1"):
    return {"template_id": 1, "template_code": template, "template_version": 1,
            "period": period, "period_start": date(2025, 1, 1), "period_end": date(2025, 3, 31),
            "org_unit_id": org_unit, "region_code": region, "due_date": due,
            "timely_until": due, "status": status, "values": {}, "submission_count": 0,
            "reopen_count": 0, "on_time": on_time, "created_at": NOW, "updated_at": NOW,
            "version": 1}


def test_collection_gauges(sqlite_url, migrated):
    engine = make_engine(migrated("reports", sqlite_url))
    with engine.begin() as conn:
        conn.execute(reports_orm.report_templates.insert(), [{
            "id": 1, "code": "m", "version": 1, "title_kk": "", "title_ru": "",
            "period_type": "quarterly", "due_days": 10, "timely_days": 5,
            "remind_days_before": 5, "overdue_every_days": 7, "reporters": "kgus",
            "fields": [], "rules": [], "created_at": NOW}])
        conn.execute(reports_orm.org_units.insert(), [
            {"id": n, "code": f"u{n}", "kind": "kgu", "level": "regional", "name_kk": "",
             "name_ru": "", "region_code": region, "version": 1}
            for n, region in ((1, "KZ-61"), (2, "KZ-61"), (3, "KZ-75"), (4, None))])
        conn.execute(reports_orm.reports.insert(), [
            report(1, "KZ-61", "m", "accepted", date(2025, 4, 10), on_time=True),
            report(2, "KZ-61", "m", "draft", date(2025, 4, 10)),
            report(1, "KZ-61", "m", "submitted", date(2025, 7, 10), on_time=True,
                   period="2025-Q2"),
            report(3, "KZ-75", "m", "submitted", date(2025, 4, 10), on_time=False),
            report(4, None, "m", "returned", date(2025, 7, 10), period="2025-Q2"),
        ])
    try:
        collection.refresh(engine, day=DAY)
    finally:
        engine.dispose()

    assert collection.EXPECTED.values() == {("KZ-61", "m"): 3, ("KZ-75", "m"): 1,
                                            ("RGU", "m"): 1}
    assert collection.SUBMITTED.values() == {("KZ-61", "m"): 2, ("KZ-75", "m"): 1,
                                             ("RGU", "m"): 0}
    assert collection.OVERDUE.values() == {("KZ-61", "m"): 1, ("KZ-75", "m"): 0,
                                           ("RGU", "m"): 0}
    # only Q1 is past due: KZ-61 has one of two in, on time; KZ-75 one late
    assert collection.RATE.values() == {("KZ-61",): 0.5, ("KZ-75",): 1.0}
    assert collection.ON_TIME.values() == {("KZ-61",): 0.5, ("KZ-75",): 0.0}


def test_slips_are_counted_when_published_by_projects_only():
    counter = programme.DEADLINE_SLIPS
    before = counter.labels("KZ-61", "P9")._value.get()
    rgu_before = counter.labels("RGU", "P9")._value.get()
    data = {"region_code": "KZ-61", "project_code": "P9"}

    metrics.event_published("projects", "deadline_slipped", {"data": data})
    metrics.event_published("projects", "deadline_slipped", {"data": {"project_code": "P9"}})
    metrics.event_published("projects", "task_overdue", {"data": data})
    metrics.event_published("reports", "deadline_slipped", {"data": data})

    assert counter.labels("KZ-61", "P9")._value.get() == before + 1
    assert counter.labels("RGU", "P9")._value.get() == rgu_before + 1


def test_names_and_labels_follow_prometheus_conventions():
    import gateway.http.metrics  # noqa: F401
    import services.notifications.metrics  # noqa: F401  (its families, checked too)

    families = {f.name: f for f in REGISTRY.collect() if f.name.startswith("kelisim_")}
    assert {"kelisim_tasks_overdue", "kelisim_risks_open", "kelisim_budget_utilisation_ratio",
            "kelisim_reporting_rate_ratio", "kelisim_deadline_slips",
            "kelisim_db_pool_checked_out_connections", "kelisim_dead_letter_messages"} <= set(families)
    for name, family in families.items():
        assert not any(unit in name for unit in ("_ms", "_milliseconds", "_minutes", "_percent"))
        if family.type == "counter":
            assert {s.name for s in family.samples} <= {name + "_total", name + "_created"}
        else:
            assert not name.endswith("_total"), name
        if family.type == "histogram":
            assert name.endswith("_seconds"), name
        for sample in family.samples:
            assert not set(sample.labels) & UNBOUNDED_LABELS, (name, sample.labels)
