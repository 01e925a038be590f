"""The reports service's nameko entrypoints: each builds its arguments and calls the service layer."""
from datetime import date

from nameko.timer import Timer

from kelisim.audit import AuditEntries
from kelisim.config import reports_job_interval
from kelisim.db.provider import Database
from kelisim.entrypoints import expected, use_case
from kelisim.events.handler import on_event
from kelisim.gauges import BackgroundGauges
from kelisim.i18n import _
from kelisim.rpc import TimedRpcProxy
from kelisim.service import ServiceBase
from services.reports import metrics as collection_metrics
from services.reports.adapters.lookups import Lookups
from services.reports.adapters.orm import start_mappers
from services.reports.adapters.registry import DefensiveRegistry
from services.reports.adapters.repository import ReportsRepository
from services.reports.domain.periods import kz_today
from services.reports.service_layer import (
    analytics,
    attachments,
    collection,
    org_units,
    register,
    reports,
    targets,
    templates,
)

start_mappers()
DEFAULT_JOB_INTERVAL = 3600.0


class ConfiguredTimer(Timer):
    """``@timer`` every ``REPORTS_JOB_INTERVAL`` seconds (config, else the environment's
    ``KELISIM_REPORTS_JOB_INTERVAL``, else an hour); ``REPORTS_JOB_EAGER``: run at start."""

    def setup(self):
        super().setup()
        config = self.container.config
        self.interval = float(config.get("REPORTS_JOB_INTERVAL")
                              or reports_job_interval(self.interval))
        self.eager = bool(config.get("REPORTS_JOB_EAGER", self.eager))


class ReportsService(AuditEntries, ServiceBase):
    name = "reports"
    uow = Database(repositories=ReportsRepository)
    registry = DefensiveRegistry()
    gauges = BackgroundGauges(collection_metrics.refresh, collection_metrics.refresh_targets)
    # asked as the caller, to check what an event names (adapters/lookups.py)
    registry_rpc = TimedRpcProxy("registry")
    projects_rpc = TimedRpcProxy("projects")

    @property
    def lookups(self):
        return Lookups(self.registry_rpc, self.projects_rpc)

    # templates
    list_templates = use_case(templates.list_templates, query={})
    get_template = use_case(templates.get_template, "template_id")
    create_template = use_case(templates.create_template, "data")

    # reports and their workflow
    list_reports = use_case(reports.list_reports, query={})
    get_report = use_case(reports.get_report, "report_id")
    report_history = use_case(reports.history, "report_id")

    # attachments (the gateway keeps them and tells this service)
    attachment_added = use_case(attachments.attachment_added, "kind", "owner_id", "attachment")
    attachment_removed = use_case(attachments.attachment_removed, "kind", "owner_id", "attachment")
    save_report = use_case(reports.save_report, "report_id", "data")
    submit_report = use_case(reports.submit_report, "report_id", "data")
    accept_report = use_case(reports.accept_report, "report_id", "data")
    return_report = use_case(reports.return_report, "report_id", "data")
    reopen_report = use_case(reports.reopen_report, "report_id", "data")

    # completeness, timeliness, roll-ups
    reporting_rates = use_case(analytics.reporting_rates, query={})
    rollup = use_case(analytics.rollup, query={})

    @expected
    def export_rollup(self, query=None):
        query = query or {}
        regions = self.registry.regions() if query.get("format") == "xlsx" else None
        return analytics.export_rollup(self.uow, query, regions=regions)

    # the events register
    list_event_kinds = use_case(register.list_kinds)
    record_event = use_case(register.record_event, "data", needs=("lookups",))
    list_events = use_case(register.list_events, query={})
    get_event = use_case(register.get_event, "event_id")
    update_event = use_case(register.update_event, "event_id", "data", needs=("lookups",))
    cancel_event = use_case(register.cancel_event, "event_id", "data")
    event_history = use_case(register.event_history, "event_id")
    event_stats = use_case(register.event_stats, query={})

    # count targets
    list_targets = use_case(targets.list_targets, query={})
    create_target = use_case(targets.create_target, "data", needs=("lookups",))
    update_target = use_case(targets.update_target, "target_id", "data")
    target_progress = use_case(targets.region_progress, needs=("lookups",), query={})

    # the collection job
    @expected
    def run_collection(self, today=None):
        """Run the job now (RGU or internal callers); ``today`` (ISO) pins the date."""
        templates.ensure_manager(self.uow.context.actor,
                                 _("only the RGU may run the collection job"))
        return self._run(date.fromisoformat(today) if today else kz_today())

    @ConfiguredTimer.decorator(interval=DEFAULT_JOB_INTERVAL, eager=True)
    def collection_job(self):
        """Sync org units, create expected reports, send reminders."""
        return self._run(kz_today())

    def _run(self, today):
        return collection.run(self.uow, today, self.registry.org_units())

    # the registry's org units, kept locally
    @on_event("registry", "org_unit_created")
    def on_org_unit_created(self, event):
        org_units.apply_event(self.uow, event)

    @on_event("registry", "org_unit_updated")
    def on_org_unit_updated(self, event):
        org_units.apply_event(self.uow, event)
