"""The projects service's nameko entrypoints: each builds its arguments and calls the
service layer. A timer finds overdue tasks; the registry is asked over RPC."""
from datetime import date

from nameko.timer import timer

from kelisim.config import overdue_scan_seconds
from kelisim.db.provider import Database
from kelisim.errors import KelisimError
from kelisim.gauges import BackgroundGauges
from kelisim.i18n import _
from kelisim.rpc import TimedRpcProxy, rpc
from kelisim.service import ServiceBase
from services.projects import metrics as programme_metrics
from services.projects.adapters.orm import start_mappers
from services.projects.adapters.repository import ProjectsRepository
from services.projects.service_layer import (
    assignments,
    attachments,
    audit,
    baselines,
    budgets,
    dependencies,
    overdue,
    plans,
    projects,
    risks,
    rollout,
    summary,
    tasks,
)
from services.projects.service_layer.projects import require_rgu
from services.registry.contract.client import RegistryClient

start_mappers()
expected = rpc(expected_exceptions=KelisimError)
OVERDUE_SCAN_SECONDS = overdue_scan_seconds()


class ProjectsService(ServiceBase):
    name = "projects"
    uow = Database(repositories=ProjectsRepository)
    registry_rpc = TimedRpcProxy("registry")
    gauges = BackgroundGauges(programme_metrics.refresh)

    @property
    def registry(self):
        return RegistryClient(self.registry_rpc)

    # projects, templates, indicators
    @expected
    def list_projects(self):
        return projects.list_projects(self.uow)

    @expected
    def get_project(self, code):
        return projects.get_project(self.uow, code)

    @expected
    def get_template(self, code):
        return projects.get_template(self.uow, code)

    @expected
    def put_template(self, code, data):
        return projects.put_template(self.uow, self.registry, code, data)

    @expected
    def list_indicators(self):
        return projects.list_indicators(self.uow)

    @expected
    def set_indicator_actual(self, code, year, data):
        return projects.set_indicator_actual(self.uow, code, year, data)

    @expected
    def set_indicator_target(self, code, year, data):
        return projects.set_indicator_target(self.uow, code, year, data)

    @expected
    def indicator_history(self, code, query=None):
        return projects.indicator_history(self.uow, code, query)

    @expected
    def rollout(self, code, data):
        return rollout.rollout(self.uow, self.registry, code, data)

    # attachments (the gateway keeps them and tells this service)
    @expected
    def attachment_added(self, kind, owner_id, attachment):
        return attachments.attachment_added(self.uow, kind, owner_id, attachment)

    @expected
    def attachment_removed(self, kind, owner_id, attachment):
        return attachments.attachment_removed(self.uow, kind, owner_id, attachment)

    # plans
    @expected
    def list_plans(self, query=None):
        return plans.list_plans(self.uow, query or {})

    @expected
    def get_plan(self, plan_id):
        return plans.get_plan(self.uow, plan_id)

    @expected
    def update_plan(self, plan_id, data):
        return plans.update_plan(self.uow, plan_id, data)

    @expected
    def plan_history(self, plan_id, query=None):
        return plans.plan_history(self.uow, plan_id, query)

    @expected
    def get_baseline(self, plan_id):
        return baselines.get_baseline(self.uow, plan_id)

    @expected
    def rebaseline(self, plan_id, data):
        return baselines.rebaseline(self.uow, plan_id, data)

    # tasks
    @expected
    def list_plan_tasks(self, plan_id):
        return tasks.list_plan_tasks(self.uow, plan_id)

    @expected
    def create_task(self, plan_id, data):
        return tasks.create_task(self.uow, plan_id, data)

    @expected
    def list_tasks(self, query=None):
        return tasks.list_tasks(self.uow, query or {})

    @expected
    def get_task(self, task_id):
        return tasks.get_task(self.uow, task_id)

    @expected
    def update_task(self, task_id, data):
        return tasks.update_task(self.uow, task_id, data)

    @expected
    def task_history(self, task_id, query=None):
        return tasks.task_history(self.uow, task_id, query)

    @expected
    def add_dependency(self, task_id, data):
        return dependencies.add_dependency(self.uow, task_id, data)

    @expected
    def remove_dependency(self, task_id, predecessor_id):
        return dependencies.remove_dependency(self.uow, task_id, predecessor_id)

    @expected
    def add_assignment(self, task_id, data):
        return assignments.add_assignment(self.uow, self.registry, task_id, data)

    @expected
    def remove_assignment(self, task_id, assignment_id):
        return assignments.remove_assignment(self.uow, task_id, assignment_id)

    # money, risks, summaries
    @expected
    def list_budget_lines(self, plan_id):
        return budgets.list_budget_lines(self.uow, plan_id)

    @expected
    def create_budget_line(self, plan_id, data):
        return budgets.create_budget_line(self.uow, plan_id, data)

    @expected
    def update_budget_line(self, line_id, data):
        return budgets.update_budget_line(self.uow, line_id, data)

    @expected
    def list_risks(self, plan_id):
        return risks.list_risks(self.uow, plan_id)

    @expected
    def list_all_risks(self, query=None):
        return risks.list_all_risks(self.uow, query or {})

    @expected
    def create_risk(self, plan_id, data):
        return risks.create_risk(self.uow, plan_id, data)

    @expected
    def update_risk(self, risk_id, data):
        return risks.update_risk(self.uow, risk_id, data)

    @expected
    def project_summary(self, code, query=None):
        return summary.project_summary(self.uow, code, query)

    @expected
    def programme_summary(self, query=None):
        return summary.programme_summary(self.uow, query)

    @expected
    def audit_entries(self, query=None):
        return audit.audit_entries(self.uow, query)

    # the overdue job
    @timer(interval=OVERDUE_SCAN_SECONDS)
    def find_overdue_tasks(self):
        return overdue.scan_overdue(self.uow)

    @expected
    def scan_overdue(self, day=None):
        """Run the overdue job now (operators, tests); ``day`` as an ISO date."""
        require_rgu(self.uow.context.actor, _("only the RGU may run the overdue job"))
        return overdue.scan_overdue(self.uow, date.fromisoformat(day) if day else None)
