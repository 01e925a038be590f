"""Tables of the reports database, mapped imperatively onto the domain classes."""
import sqlalchemy as sa
from sqlalchemy.orm import registry as mapper_registry

from kelisim.db.tables import platform_tables
from kelisim.db.types import UtcDateTime
from services.reports.domain.reports import OrgUnit, Report
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

_mappers = mapper_registry()


def start_mappers():
    """Map the domain classes once per process (idempotent)."""
    if _mappers.mappers:
        return
    _mappers.map_imperatively(Template, report_templates)
    _mappers.map_imperatively(OrgUnit, org_units)
    _mappers.map_imperatively(Report, reports, version_id_col=reports.c.version)
