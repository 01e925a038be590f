"""The projects' data migrations (tests/integration/test_migrations.py checks every
component's scripts against its ORM)."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kelisim.db import migrate
from kelisim.db.engine import make_engine
from services.projects.adapters import orm


def _accountables(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT task_id, assignee_id FROM assignments WHERE role = 'A' ORDER BY task_id")).all()


def test_the_database_keeps_one_accountable_per_task_and_the_upgrade_keeps_the_newest(
        database_url):
    """Two A rows a race left before 0003: the one applied last stays; a third is refused
    (SQLite and PostgreSQL)."""
    url = database_url
    engine = make_engine(url)
    try:
        migrate.upgrade("projects", url, "0002")
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO projects (code, title_kk, title_ru, title_en, goal_kk, goal_ru,"
                " goal_en, version) VALUES ('p', 'p', 'p', 'p', 'g', 'g', 'g', 1)"))
            conn.execute(sa.text(
                "INSERT INTO plans (id, project_code, year, scope, status, expected_results,"
                " version) VALUES (1, 'p', 2026, 'KZ-61', 'draft', '', 1)"))
            conn.execute(sa.text(
                "INSERT INTO tasks (id, plan_id, project_code, year, kind, title, description,"
                " start_date, due_date, duration, scheduling, status, progress, version)"
                " VALUES (7, 1, 'p', 2026, 'task', 't', '', '2026-02-02', '2026-02-03', 2,"
                " 'auto', 'planned', 0, 1)"))
            for assignee in (10, 11):
                conn.execute(sa.text(
                    "INSERT INTO assignments (task_id, role, assignee_kind, assignee_id)"
                    " VALUES (7, 'A', 'org_unit', :a)"), {"a": assignee})
            conn.execute(sa.text("INSERT INTO assignments (task_id, role, assignee_kind,"
                                 " assignee_id) VALUES (7, 'R', 'org_unit', 10)"))
        migrate.upgrade("projects", url)
        assert _accountables(engine) == [(7, 11)]
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO assignments (task_id, role, assignee_kind,"
                                 " assignee_id) VALUES (7, 'A', 'person', 12)"))
        with engine.begin() as conn:  # any number of the other roles
            conn.execute(sa.text("INSERT INTO assignments (task_id, role, assignee_kind,"
                                 " assignee_id) VALUES (7, 'R', 'person', 12)"))
    finally:
        engine.dispose()


def test_plans_approved_before_baselines_get_one_from_their_dates_as_they_stand(tmp_path):
    """Issue 12.5: migration 0005 gives an already approved plan baseline 1, so its earned
    value is measured against a baseline from then on (a draft gets none)."""
    url = f"sqlite:///{tmp_path / 'before.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade("projects", url, revision="0004")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO projects (code, title_kk, title_ru, title_en, goal_kk, goal_ru, "
                "goal_en, version) VALUES ('mediation', 'k', 'r', 'e', '', '', '', 1)")
            for plan_id, status in ((1, "approved"), (2, "draft")):
                conn.exec_driver_sql(
                    "INSERT INTO plans (id, project_code, year, scope, region_code, status, "
                    "expected_results, version) VALUES (?, 'mediation', 2026, ?, ?, ?, '', 1)",
                    (plan_id, f"KZ-6{plan_id}", f"KZ-6{plan_id}", status))
                conn.exec_driver_sql(
                    "INSERT INTO tasks (id, plan_id, project_code, year, kind, title, "
                    "description, start_date, due_date, duration, scheduling, status, progress, "
                    "version) VALUES (?, ?, 'mediation', 2026, 'task', 't', '', '2026-02-02', "
                    "'2026-02-06', 5, 'auto', 'planned', 0, 1)", (plan_id * 10, plan_id))
            conn.exec_driver_sql(
                "INSERT INTO budget_lines (plan_id, category, description, planned, committed, "
                "actual, version) VALUES (1, 'events', '', 150000000, 0, 0, 1)")
        migrate.upgrade("projects", url)
        with engine.connect() as conn:
            rows = conn.execute(sa.select(orm.plan_baselines)).all()
    finally:
        engine.dispose()
    assert len(rows) == 1
    baseline = rows[0]
    assert (baseline.plan_id, baseline.number, baseline.actor_id) == (1, 1, "system")
    assert baseline.budget == Decimal("1500000.00")
    assert baseline.tasks == [[10, "2026-02-02", "2026-02-06", 5]]
