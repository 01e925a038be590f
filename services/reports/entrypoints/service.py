"""The reports service's nameko entrypoints: each builds its arguments and calls the service layer."""
from datetime import date

from nameko.timer import Timer

from kelisim.audit import AuditEntries
from kelisim.config import reports_job_interval
from kelisim.db.provider import Database
from kelisim.errors import KelisimError
from kelisim.events.handler import on_event
from kelisim.gauges import BackgroundGauges
from kelisim.i18n import _
from kelisim.rpc import TimedRpcProxy, rpc
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
expected = rpc(expected_exceptions=KelisimError)
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
    @expected
    def list_templates(self, query=None):
        return templates.list_templates(self.uow, query or {})

    @expected
    def get_template(self, template_id):
        return templates.get_template(self.uow, template_id)

    @expected
    def create_template(self, data):
        return templates.create_template(self.uow, data)

    # reports and their workflow
    @expected
    def list_reports(self, query=None):
        return reports.list_reports(self.uow, query or {})

    @expected
    def get_report(self, report_id):
        return reports.get_report(self.uow, report_id)

    @expected
    def report_history(self, report_id):
        return reports.history(self.uow, report_id)

    # attachments (the gateway keeps them and tells this service)
    @expected
    def attachment_added(self, kind, owner_id, attachment):
        return attachments.attachment_added(self.uow, kind, owner_id, attachment)

    @expected
    def attachment_removed(self, kind, owner_id, attachment):
        return attachments.attachment_removed(self.uow, kind, owner_id, attachment)

    @expected
    def save_report(self, report_id, data):
        return reports.save_report(self.uow, report_id, data)

    @expected
    def submit_report(self, report_id, data):
        return reports.submit_report(self.uow, report_id, data)

    @expected
    def accept_report(self, report_id, data):
        return reports.accept_report(self.uow, report_id, data)

    @expected
    def return_report(self, report_id, data):
        return reports.return_report(self.uow, report_id, data)

    @expected
    def reopen_report(self, report_id, data):
        return reports.reopen_report(self.uow, report_id, data)

    # completeness, timeliness, roll-ups
    @expected
    def reporting_rates(self, query=None):
        return analytics.reporting_rates(self.uow, query or {})

    @expected
    def rollup(self, query=None):
        return analytics.rollup(self.uow, query or {})

    @expected
    def export_rollup(self, query=None):
        query = query or {}
        regions = self.registry.regions() if query.get("format") == "xlsx" else None
        return analytics.export_rollup(self.uow, query, regions=regions)

    # the events register
    @expected
    def list_event_kinds(self):
        return register.list_kinds(self.uow)

    @expected
    def record_event(self, data):
        return register.record_event(self.uow, self.lookups, data)

    @expected
    def list_events(self, query=None):
        return register.list_events(self.uow, query or {})

    @expected
    def get_event(self, event_id):
        return register.get_event(self.uow, event_id)

    @expected
    def update_event(self, event_id, data):
        return register.update_event(self.uow, self.lookups, event_id, data)

    @expected
    def cancel_event(self, event_id, data):
        return register.cancel_event(self.uow, event_id, data)

    @expected
    def event_history(self, event_id):
        return register.event_history(self.uow, event_id)

    @expected
    def event_stats(self, query=None):
        return register.event_stats(self.uow, query or {})

    # count targets
    @expected
    def list_targets(self, query=None):
        return targets.list_targets(self.uow, query or {})

    @expected
    def create_target(self, data):
        return targets.create_target(self.uow, self.lookups, data)

    @expected
    def update_target(self, target_id, data):
        return targets.update_target(self.uow, target_id, data)

    @expected
    def target_progress(self, query=None):
        return targets.progress(self.uow, query or {})

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
