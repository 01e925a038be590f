"""Tables of the reports database, mapped imperatively onto the domain classes."""
import sqlalchemy as sa
from sqlalchemy.orm import registry as mapper_registry

from kelisim.db.tables import platform_tables
from kelisim.db.types import UtcDateTime
from services.reports.domain.events import Event, EventKind, Initiative
from services.reports.domain.reports import OrgUnit, Report
from services.reports.domain.targets import Target
from services.reports.domain.templates import Template

metadata = sa.MetaData()
platform_tables(metadata)

report_templates = sa.Table(
    "report_templates", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(60), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("title_kk", sa.String(300), nullable=False),
    sa.Column("title_ru", sa.String(300), nullable=False),
    sa.Column("title_en", sa.String(300), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("period_type", sa.String(16), nullable=False),
    sa.Column("due_days", sa.Integer, nullable=False),
    sa.Column("timely_days", sa.Integer, nullable=False),
    sa.Column("remind_days_before", sa.Integer, nullable=False),
    sa.Column("overdue_every_days", sa.Integer, nullable=False),
    sa.Column("reporters", sa.String(16), nullable=False),
    sa.Column("reporter_level", sa.String(20), nullable=True),
    sa.Column("reporter_ids", sa.JSON, nullable=True),
    sa.Column("project_code", sa.String(60), nullable=True),
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("active_from", sa.Date, nullable=True),
    sa.Column("active_until", sa.Date, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("code", "version", name="uq_report_template_version"),
)

# The registry's org units, kept current by its events and a periodic sync.
org_units = sa.Table(
    "org_units", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(60), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("name_kk", sa.String(300), nullable=False),
    sa.Column("name_ru", sa.String(300), nullable=False),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("opened_on", sa.Date, nullable=True),
    sa.Column("closed_on", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

reports = sa.Table(
    "reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("template_id", sa.Integer, sa.ForeignKey("report_templates.id"), nullable=False),
    sa.Column("template_code", sa.String(60), nullable=False),
    sa.Column("template_version", sa.Integer, nullable=False),
    sa.Column("period", sa.String(10), nullable=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("org_unit_id", sa.Integer, sa.ForeignKey("org_units.id"), nullable=False),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("project_code", sa.String(60), nullable=True),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("timely_until", sa.Date, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("values", sa.JSON, nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("submission_count", sa.Integer, nullable=False),
    sa.Column("reopen_count", sa.Integer, nullable=False),
    sa.Column("first_submitted_at", UtcDateTime, nullable=True),
    sa.Column("submitted_at", UtcDateTime, nullable=True),
    sa.Column("accepted_at", UtcDateTime, nullable=True),
    sa.Column("decided_by", sa.String(120), nullable=True),
    sa.Column("on_time", sa.Boolean, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("template_code", "period", "org_unit_id", name="uq_report_obligation"),
    sa.Index("ix_reports_template_period", "template_code", "period_start"),
    sa.Index("ix_reports_region_period", "region_code", "period_start"),
    sa.Index("ix_reports_status_due", "status", "due_date"),
)

# One row per reminder or workflow event sent: (report, event kind, stage) is sent once.
reminder_stamps = sa.Table(
    "reminder_stamps", metadata,
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("stage", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=False),
)

# The events register (see services/reports/domain/events.py) and its reference lists.
event_kinds = sa.Table(
    "event_kinds", metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name_kk", sa.String(200), nullable=False),
    sa.Column("name_ru", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200), nullable=False),
    sa.Column("media", sa.Boolean, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
)

event_initiatives = sa.Table(
    "event_initiatives", metadata,
    sa.Column("code", sa.String(60), primary_key=True),
    sa.Column("name_kk", sa.String(200), nullable=False),
    sa.Column("name_ru", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200), nullable=False),
)

events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("org_unit_id", sa.Integer, nullable=False),
    sa.Column("org_unit_kind", sa.String(30), nullable=False),
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Column("ends_at", UtcDateTime, nullable=True),
    sa.Column("local_date", sa.Date, nullable=False),  # the Kazakhstan date it starts on
    sa.Column("kind", sa.String(40), sa.ForeignKey("event_kinds.code"), nullable=False),
    sa.Column("title_kk", sa.String(500), nullable=True),
    sa.Column("title_ru", sa.String(500), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("structure_ids", sa.JSON, nullable=False),
    sa.Column("structure_types", sa.JSON, nullable=False),
    sa.Column("place", sa.JSON, nullable=False),
    sa.Column("participants", sa.Integer, nullable=False),
    sa.Column("languages", sa.JSON, nullable=False),
    sa.Column("media_links", sa.JSON, nullable=False),
    sa.Column("media_count", sa.Integer, nullable=False),
    sa.Column("project_code", sa.String(60), nullable=True),
    sa.Column("plan_id", sa.Integer, nullable=True),
    sa.Column("task_id", sa.Integer, nullable=True),
    sa.Column("initiative", sa.String(60), nullable=True),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("cancel_reason", sa.Text, nullable=True),
    sa.Column("recorded_by", sa.String(120), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_events_region_date", "region_code", "local_date"),
    sa.Index("ix_events_date", "local_date"),
    sa.Index("ix_events_project_date", "project_code", "local_date"),
)

# (event, structure) pairs, for filtering events by structure or structure type
event_structures = sa.Table(
    "event_structures", metadata,
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), primary_key=True),
    sa.Column("structure_id", sa.Integer, primary_key=True),
    sa.Column("structure_type", sa.String(40), nullable=False),
    sa.Index("ix_event_structures_type", "structure_type", "event_id"),
)

# count targets with actuals from the register (services/reports/domain/targets.py)
count_targets = sa.Table(
    "count_targets", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(60), nullable=False, unique=True),
    sa.Column("title_kk", sa.String(500), nullable=False),
    sa.Column("title_ru", sa.String(500), nullable=False),
    sa.Column("title_en", sa.String(500), nullable=True),
    sa.Column("minimum", sa.Integer, nullable=False),
    sa.Column("period_type", sa.String(16), nullable=False),
    sa.Column("per", sa.String(30), nullable=False),
    sa.Column("measure", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(40), nullable=True),
    sa.Column("structure_type", sa.String(40), nullable=True),
    sa.Column("initiative", sa.String(60), nullable=True),
    sa.Column("project_code", sa.String(60), nullable=True),
    sa.Column("plan_id", sa.Integer, nullable=True),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("year_from", sa.Integer, nullable=True),
    sa.Column("year_until", sa.Integer, nullable=True),
    sa.Column("source", sa.Text, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

_mappers = mapper_registry()


def start_mappers():
    """Map the domain classes once per process (idempotent)."""
    if _mappers.mappers:
        return
    _mappers.map_imperatively(Template, report_templates)
    _mappers.map_imperatively(OrgUnit, org_units)
    _mappers.map_imperatively(Report, reports, version_id_col=reports.c.version)
    _mappers.map_imperatively(EventKind, event_kinds)
    _mappers.map_imperatively(Initiative, event_initiatives)
    _mappers.map_imperatively(Event, events, version_id_col=events.c.version)
    _mappers.map_imperatively(Target, count_targets, version_id_col=count_targets.c.version)
