"""The projects service's nameko entrypoints: each builds its arguments and calls the
service layer. A timer finds overdue tasks; the registry is asked over RPC (who may be
assigned: kept between its events)."""
from datetime import date

from nameko.timer import timer

from kelisim.config import overdue_scan_seconds
from kelisim.db.provider import Database
from kelisim.entrypoints import expected, use_case
from kelisim.events.feed import ChangeFeed
from kelisim.events.topology import change_feed
from kelisim.gauges import BackgroundGauges
from kelisim.i18n import _
from kelisim.rpc import TimedRpcProxy
from kelisim.service import ServiceBase
from kelisim.warm import WarmUp
from services.projects import metrics as programme_metrics
from services.projects.adapters.assignees import Assignees
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
from services.projects.service_layer.common import work_calendar
from services.projects.service_layer.projects import require_rgu
from services.registry.contract.client import RegistryClient

start_mappers()
OVERDUE_SCAN_SECONDS = overdue_scan_seconds()


class ProjectsService(ServiceBase):
    name = "projects"
    uow = Database(repositories=ProjectsRepository)
    registry_rpc = TimedRpcProxy("registry")
    # who may be assigned, kept between the registry's events, which every replica hears
    assignees = Assignees()
    assignee_feed = ChangeFeed(change_feed("registry", "projects-assignees"), "assignees")
    gauges = BackgroundGauges(programme_metrics.refresh)
    warm = WarmUp(work_calendar)  # built at start, not in the first dated change

    @property
    def registry(self):
        return RegistryClient(self.registry_rpc)

    # projects, templates, indicators
    list_projects = use_case(projects.list_projects)
    get_project = use_case(projects.get_project, "code")
    get_template = use_case(projects.get_template, "code")
    put_template = use_case(projects.put_template, "code", "data", needs=("registry",))
    list_indicators = use_case(projects.list_indicators)
    set_indicator_actual = use_case(projects.set_indicator_actual, "code", "year", "data")
    set_indicator_target = use_case(projects.set_indicator_target, "code", "year", "data")
    indicator_history = use_case(projects.indicator_history, "code", query=None)
    rollout = use_case(rollout.rollout, "code", "data", needs=("registry",))

    # attachments (the gateway keeps them and tells this service)
    attachment_added = use_case(attachments.attachment_added, "kind", "owner_id", "attachment")
    attachment_removed = use_case(attachments.attachment_removed, "kind", "owner_id", "attachment")

    # plans
    list_plans = use_case(plans.list_plans, query={})
    get_plan = use_case(plans.get_plan, "plan_id")
    update_plan = use_case(plans.update_plan, "plan_id", "data")
    plan_history = use_case(plans.plan_history, "plan_id", query=None)
    get_baseline = use_case(baselines.get_baseline, "plan_id")
    rebaseline = use_case(baselines.rebaseline, "plan_id", "data")

    # tasks
    list_plan_tasks = use_case(tasks.list_plan_tasks, "plan_id")
    create_task = use_case(tasks.create_task, "plan_id", "data")
    list_tasks = use_case(tasks.list_tasks, query={})
    get_task = use_case(tasks.get_task, "task_id")
    update_task = use_case(tasks.update_task, "task_id", "data")
    task_history = use_case(tasks.task_history, "task_id", query=None)
    add_dependency = use_case(dependencies.add_dependency, "task_id", "data")
    remove_dependency = use_case(dependencies.remove_dependency, "task_id", "predecessor_id")
    add_assignment = use_case(assignments.add_assignment, "task_id", "data", needs=("assignees",))
    remove_assignment = use_case(assignments.remove_assignment, "task_id", "assignment_id")

    # money, risks, summaries
    list_budget_lines = use_case(budgets.list_budget_lines, "plan_id")
    create_budget_line = use_case(budgets.create_budget_line, "plan_id", "data")
    update_budget_line = use_case(budgets.update_budget_line, "line_id", "data")
    list_risks = use_case(risks.list_risks, "plan_id")
    list_all_risks = use_case(risks.list_all_risks, query={})
    create_risk = use_case(risks.create_risk, "plan_id", "data")
    update_risk = use_case(risks.update_risk, "risk_id", "data")
    project_summary = use_case(summary.project_summary, "code", query=None)
    programme_summary = use_case(summary.programme_summary, query=None)
    audit_entries = use_case(audit.audit_entries, query=None)

    # the overdue job
    @timer(interval=OVERDUE_SCAN_SECONDS)
    def find_overdue_tasks(self):
        return overdue.scan_overdue(self.uow)

    @expected
    def scan_overdue(self, day=None):
        """Run the overdue job now (operators, tests); ``day`` as an ISO date."""
        require_rgu(self.uow.context.actor, _("only the RGU may run the overdue job"))
        return overdue.scan_overdue(self.uow, date.fromisoformat(day) if day else None)
