"""Tables of the projects database, mapped imperatively onto the domain classes."""
import sqlalchemy as sa
from sqlalchemy.orm import registry as mapper_registry

from kelisim.db.tables import platform_tables
from kelisim.db.types import UtcDateTime
from services.projects.adapters.types import Money
from services.projects.domain import model
from services.projects.domain.money import BudgetLine
from services.projects.domain.risks import Risk

metadata = sa.MetaData()
platform_tables(metadata)

projects = sa.Table(
    "projects", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    sa.Column("title_kk", sa.String(400), nullable=False),
    sa.Column("title_ru", sa.String(400), nullable=False),
    sa.Column("title_en", sa.String(400), nullable=False),
    sa.Column("goal_kk", sa.Text, nullable=False),
    sa.Column("goal_ru", sa.Text, nullable=False),
    sa.Column("goal_en", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)

indicators = sa.Table(
    "indicators", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(60), nullable=False, unique=True),
    sa.Column("name_kk", sa.String(400), nullable=False),
    sa.Column("name_ru", sa.String(400), nullable=False),
    sa.Column("name_en", sa.String(400), nullable=False),
    sa.Column("unit", sa.String(20), nullable=False),
    sa.Column("projects", sa.JSON, nullable=False),
    sa.Column("targets", sa.JSON, nullable=False),
    sa.Column("actuals", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)

templates = sa.Table(
    "templates", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_code", sa.String(40), sa.ForeignKey("projects.code"), nullable=False,
              unique=True),
    sa.Column("items", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)

plans = sa.Table(
    "plans", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_code", sa.String(40), sa.ForeignKey("projects.code"), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("scope", sa.String(8), nullable=False),
    sa.Column("region_code", sa.String(8), nullable=True, index=True),
    sa.Column("org_unit_id", sa.Integer, nullable=True),
    sa.Column("org_unit_name", sa.String(300), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("expected_results", sa.Text, nullable=False),
    sa.Column("start_date", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.UniqueConstraint("project_code", "year", "scope", name="uq_plan_scope"),
)

tasks = sa.Table(
    "tasks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("project_code", sa.String(40), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("region_code", sa.String(8), nullable=True, index=True),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("tasks.id"), nullable=True, index=True),
    sa.Column("template_key", sa.String(40), nullable=True),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("title_kk", sa.String(500), nullable=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    # not indexed: a reschedule then changes no indexed column, and on PostgreSQL (whose
    # tasks pages keep room, migration 0008) each moved row is a heap-only update
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("duration", sa.Integer, nullable=False),
    sa.Column("scheduling", sa.String(8), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("progress", sa.Integer, nullable=False),
    sa.Column("expected_finish", sa.Date, nullable=True),
    # a dated template item's constraint (domain/schedule.py Pin) and its conflict, if any
    sa.Column("constraint_kind", sa.String(12), nullable=True),
    sa.Column("constraint_start", sa.Date, nullable=True),
    sa.Column("constraint_due", sa.Date, nullable=True),
    sa.Column("constraint_conflict", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("deliverable", sa.Boolean, nullable=False, default=False,
              server_default=sa.false()),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.CheckConstraint("progress >= 0 AND progress <= 100", name="ck_tasks_progress"),
    sa.CheckConstraint("due_date >= start_date", name="ck_tasks_dates"),
    sa.Index("ix_tasks_family", "project_code", "year"),
)

# the attachments a task has (the gateway keeps them; it tells this service over RPC):
# what the deliverable rule counts, one row per attachment id
task_attachments = sa.Table(
    "task_attachments", metadata,
    sa.Column("attachment_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id"), nullable=False, index=True),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("added_by", sa.String(64), nullable=False),
    sa.Column("added_at", UtcDateTime, nullable=False),
)

dependencies = sa.Table(
    "dependencies", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("predecessor_id", sa.Integer, sa.ForeignKey("tasks.id"), nullable=False,
              index=True),
    sa.Column("successor_id", sa.Integer, sa.ForeignKey("tasks.id"), nullable=False, index=True),
    sa.Column("lag", sa.Integer, nullable=False),
    sa.UniqueConstraint("predecessor_id", "successor_id", name="uq_dependency"),
)

assignments = sa.Table(
    "assignments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id"), nullable=False, index=True),
    sa.Column("role", sa.String(1), nullable=False),
    sa.Column("assignee_kind", sa.String(12), nullable=False),
    sa.Column("assignee_id", sa.Integer, nullable=False),
    sa.Column("assignee_name", sa.String(300), nullable=True),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.UniqueConstraint("task_id", "role", "assignee_kind", "assignee_id",
                        name="uq_assignment"),
    # exactly one Accountable: the database refuses a second A row of a task
    sa.Index("uq_assignment_accountable", "task_id", unique=True,
             postgresql_where=sa.text("role = 'A'"), sqlite_where=sa.text("role = 'A'")),
)

# One row per project-year whose schedule was ever changed: its row lock serialises every
# change of that year's tasks, dependencies and assignments (see scheduling.lock_family).
schedule_locks = sa.Table(
    "schedule_locks", metadata,
    sa.Column("project_code", sa.String(40), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("locked_at", UtcDateTime, nullable=False),
)

history = sa.Table(
    "history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String(20), nullable=False),
    sa.Column("entity_id", sa.Integer, nullable=False),
    sa.Column("plan_id", sa.Integer, nullable=True, index=True),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("actor_id", sa.String(120), nullable=False),
    sa.Column("actor_role", sa.String(40), nullable=False),
    sa.Column("correlation_id", sa.String(64), nullable=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Index("ix_history_entity", "entity", "entity_id"),
)

overdue_stamps = sa.Table(
    "overdue_stamps", metadata,
    sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id"), primary_key=True),
    sa.Column("stage", sa.String(12), primary_key=True),
    sa.Column("stamped_at", UtcDateTime, nullable=False),
)

budget_lines = sa.Table(
    "budget_lines", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("category", sa.String(20), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("planned", Money, nullable=False),
    sa.Column("committed", Money, nullable=False),
    sa.Column("actual", Money, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.CheckConstraint("planned >= 0 AND committed >= 0 AND actual >= 0",
                       name="ck_budget_lines_positive"),
)

risks = sa.Table(
    "risks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=True, index=True),
    sa.Column("project_code", sa.String(40), nullable=False, index=True),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("category", sa.String(20), nullable=False),
    sa.Column("probability", sa.Integer, nullable=False),
    sa.Column("impact", sa.Integer, nullable=False),
    sa.Column("owner", sa.String(300), nullable=True),
    sa.Column("mitigation", sa.Text, nullable=False),
    sa.Column("corrective_actions", sa.Text, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("residual_probability", sa.Integer, nullable=True),
    sa.Column("residual_impact", sa.Integer, nullable=True),
    sa.Column("next_review", sa.Date, nullable=True),
    sa.Column("escalated", sa.Boolean, nullable=False, default=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.CheckConstraint("probability BETWEEN 1 AND 5 AND impact BETWEEN 1 AND 5",
                       name="ck_risks_scale"),
)

plan_baselines = sa.Table(
    "plan_baselines", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("budget", Money, nullable=False),
    sa.Column("tasks", sa.JSON, nullable=False),
    sa.Column("captured_at", UtcDateTime, nullable=False),
    sa.Column("actor_id", sa.String(120), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.UniqueConstraint("plan_id", "number", name="uq_plan_baseline_number"),
)

_mappers = mapper_registry()


def start_mappers():
    """Map the domain classes once per process (idempotent)."""
    if _mappers.mappers:
        return
    versioned = {
        model.BaseProject: projects, model.Indicator: indicators, model.Template: templates,
        model.Plan: plans, model.Task: tasks, BudgetLine: budget_lines, Risk: risks,
    }
    for cls, table in versioned.items():
        _mappers.map_imperatively(cls, table, version_id_col=table.c.version)
    _mappers.map_imperatively(model.Dependency, dependencies)
    _mappers.map_imperatively(model.Assignment, assignments)
