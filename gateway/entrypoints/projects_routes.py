"""Routes of the projects service (served by it over RPC)."""
from datetime import date

from marshmallow import Schema, fields

from gateway.http import route
from gateway.schemas import CalendarQuery, CalendarSchema
from kelisim import workdays
from services.projects.contract import schemas

API = "/api/v1"
RGU = ("rgu_admin",)


class RemovedSchema(Schema):
    removed = fields.Int()


class ProjectsRoutes:
    """Mixed into GatewayService, which provides ``projects`` (an RPC proxy) and ``auth``."""

    # base projects, templates, rollouts
    @route("GET", f"{API}/projects", summary="List the four base projects", tag="projects",
           response=schemas.ProjectSchema, many=True)
    def list_projects(self, req):
        return self.projects.list_projects()

    @route("GET", f"{API}/projects/<code>", summary="Get a base project with its indicators",
           tag="projects", response=schemas.ProjectSchema)
    def get_project(self, req, code):
        return self.projects.get_project(code)

    @route("GET", f"{API}/projects/<code>/template",
           summary="Get a project's template (work breakdown)", tag="projects",
           response=schemas.ProjectTemplateSchema)
    def get_template(self, req, code):
        return self.projects.get_template(code)

    @route("PUT", f"{API}/projects/<code>/template",
           summary="Replace a project's template (send the version you read)", tag="projects",
           body=schemas.ProjectTemplatePutSchema, response=schemas.ProjectTemplateSchema, roles=RGU)
    def put_template(self, req, code):
        return self.projects.put_template(code, req.body)

    @route("POST", f"{API}/projects/<code>/rollouts",
           summary="Roll a project out to regions: each KGU's plan, tasks and assignments",
           tag="projects", body=schemas.RolloutSchema, response=schemas.RolloutResultSchema,
           status=201, roles=RGU)
    def rollout(self, req, code):
        return self.projects.rollout(code, req.body)

    @route("GET", f"{API}/projects/<code>/summary",
           summary="Progress, variances, earned value, risk heat map, overdue per region",
           tag="projects", query=schemas.SummaryQuery, response=schemas.SummarySchema)
    def project_summary(self, req, code):
        return self.projects.project_summary(code, req.params)

    @route("GET", f"{API}/programme/summary",
           summary="Progress, earned value, risk heat map, overdue per region: per project "
                   "and for the whole programme", tag="projects",
           query=schemas.ProgrammeSummaryQuery, response=schemas.ProgrammeSummarySchema)
    def programme_summary(self, req):
        return self.projects.programme_summary(req.params)

    @route("GET", f"{API}/calendar",
           summary="A year's days off and working weekends in Kazakhstan, named in kk/ru/en",
           tag="projects", query=CalendarQuery, response=CalendarSchema)
    def get_calendar(self, req):
        """Answered here from kelisim.workdays, the calendar every service schedules with."""
        year = req.query["year"]
        calendar = workdays.kazakhstan()
        return {"year": year,
                "working_days": calendar.count(date(year, 1, 1), date(year, 12, 31)),
                "days": workdays.days_of_year(year)}

    @route("GET", f"{API}/indicators", summary="The concept's target indicators with the gap",
           tag="projects", response=schemas.IndicatorSchema, many=True)
    def list_indicators(self, req):
        return self.projects.list_indicators()

    @route("PUT", f"{API}/indicators/<code>/actuals/<int:year>",
           summary="Record an indicator's measured value for a year", tag="projects",
           body=schemas.IndicatorActualSchema, response=schemas.IndicatorSchema, roles=RGU)
    def set_indicator_actual(self, req, code, year):
        return self.projects.set_indicator_actual(code, year, req.body)

    @route("PUT", f"{API}/indicators/<code>/targets/<int:year>",
           summary="Set an indicator's target for a year (a changed target needs a reason)",
           tag="projects", body=schemas.IndicatorTargetSchema,
           response=schemas.IndicatorSchema, roles=RGU)
    def set_indicator_target(self, req, code, year):
        return self.projects.set_indicator_target(code, year, req.body)

    @route("GET", f"{API}/indicators/<code>/history",
           summary="Who changed an indicator's targets and actuals, when and why",
           tag="projects", query=schemas.HistoryQuery)
    def indicator_history(self, req, code):
        return self.projects.indicator_history(code, req.params)

    # plans
    @route("GET", f"{API}/plans", cached=True,
           summary="List implementation plans, a page at a time",
           tag="plans", query=schemas.PlanQuery, response=schemas.PlanPageSchema)
    def list_plans(self, req):
        return self.projects.list_plans(req.params)

    @route("GET", f"{API}/plans/<int:plan_id>", cached=True,
           summary="Get an implementation plan",
           tag="plans", response=schemas.PlanSchema)
    def get_plan(self, req, plan_id):
        return self.projects.get_plan(plan_id)

    @route("PATCH", f"{API}/plans/<int:plan_id>",
           summary="Change a plan's status or expected results (send the version you read)",
           tag="plans", body=schemas.PlanPatchSchema, response=schemas.PlanSchema)
    def update_plan(self, req, plan_id):
        return self.projects.update_plan(plan_id, req.body)

    @route("GET", f"{API}/plans/<int:plan_id>/history",
           summary="Who changed what in a plan, when and why", tag="plans",
           query=schemas.HistoryQuery, names=True)
    def plan_history(self, req, plan_id):
        return self.projects.plan_history(plan_id, req.params)

    @route("GET", f"{API}/plans/<int:plan_id>/baseline",
           summary="A plan's baseline (approved dates, durations, budget) beside its current "
                   "dates, and every earlier baseline", tag="plans",
           response=schemas.PlanBaselineSchema)
    def get_baseline(self, req, plan_id):
        return self.projects.get_baseline(plan_id)

    @route("POST", f"{API}/plans/<int:plan_id>/baseline",
           summary="Re-baseline an approved plan with a reason (the RGU)", tag="plans",
           body=schemas.RebaselineSchema, response=schemas.PlanBaselineSchema, status=201,
           roles=RGU)
    def rebaseline(self, req, plan_id):
        return self.projects.rebaseline(plan_id, req.body)

    @route("GET", f"{API}/plans/<int:plan_id>/tasks", cached=True,
           summary="List a plan's tasks",
           tag="tasks", response=schemas.TaskSchema, many=True)
    def list_plan_tasks(self, req, plan_id):
        return self.projects.list_plan_tasks(plan_id)

    @route("POST", f"{API}/plans/<int:plan_id>/tasks", summary="Add a task to a plan",
           tag="tasks", body=schemas.TaskCreateSchema, response=schemas.TaskSchema, status=201)
    def create_task(self, req, plan_id):
        return self.projects.create_task(plan_id, req.body)

    # tasks
    @route("GET", f"{API}/tasks", cached=True,
           summary="List tasks, a page at a time", tag="tasks",
           query=schemas.TaskQuery, response=schemas.TaskPageSchema)
    def list_tasks(self, req):
        return self.projects.list_tasks(req.params)

    @route("GET", f"{API}/tasks/<int:task_id>", cached=True,
           summary="Get a task", tag="tasks",
           response=schemas.TaskSchema)
    def get_task(self, req, task_id):
        return self.projects.get_task(task_id)

    @route("PATCH", f"{API}/tasks/<int:task_id>",
           summary="Change a task; a later due date needs a reason and reschedules successors",
           tag="tasks", body=schemas.TaskPatchSchema, response=schemas.TaskChangeSchema)
    def update_task(self, req, task_id):
        return self.projects.update_task(task_id, req.body)

    @route("GET", f"{API}/tasks/<int:task_id>/history",
           summary="Who changed what in a task, when and why", tag="tasks",
           query=schemas.HistoryQuery, names=True)
    def task_history(self, req, task_id):
        return self.projects.task_history(task_id, req.params)

    @route("POST", f"{API}/tasks/<int:task_id>/dependencies",
           summary="Make a task follow another (finish-to-start, lag in working days)",
           tag="tasks", body=schemas.DependencyCreateSchema,
           response=schemas.TaskChangeSchema, status=201)
    def add_dependency(self, req, task_id):
        return self.projects.add_dependency(task_id, req.body)

    @route("DELETE", f"{API}/tasks/<int:task_id>/dependencies/<int:predecessor_id>",
           summary="Remove a dependency", tag="tasks", response=schemas.TaskChangeSchema)
    def remove_dependency(self, req, task_id, predecessor_id):
        return self.projects.remove_dependency(task_id, predecessor_id)

    @route("POST", f"{API}/tasks/<int:task_id>/assignments",
           summary="Assign a RACI role (a new A replaces the old one)", tag="tasks",
           body=schemas.AssignmentCreateSchema, response=schemas.AssignmentSchema, status=201)
    def add_assignment(self, req, task_id):
        return self.projects.add_assignment(task_id, req.body)

    @route("DELETE", f"{API}/tasks/<int:task_id>/assignments/<int:assignment_id>",
           summary="Remove an assignment", tag="tasks", response=RemovedSchema)
    def remove_assignment(self, req, task_id, assignment_id):
        return self.projects.remove_assignment(task_id, assignment_id)

    # budgets and risks
    @route("GET", f"{API}/plans/<int:plan_id>/budget-lines",
           summary="A plan's budget lines with totals (KZT)", tag="budgets",
           response=schemas.BudgetLinesSchema)
    def list_budget_lines(self, req, plan_id):
        return self.projects.list_budget_lines(plan_id)

    @route("POST", f"{API}/plans/<int:plan_id>/budget-lines", summary="Add a budget line",
           tag="budgets", body=schemas.BudgetLineCreateSchema,
           response=schemas.BudgetLineSchema, status=201)
    def create_budget_line(self, req, plan_id):
        return self.projects.create_budget_line(plan_id, req.body)

    @route("PATCH", f"{API}/budget-lines/<int:line_id>",
           summary="Change amounts; amending the planned amount needs a reason",
           tag="budgets", body=schemas.BudgetLinePatchSchema, response=schemas.BudgetLineSchema)
    def update_budget_line(self, req, line_id):
        return self.projects.update_budget_line(line_id, req.body)

    @route("GET", f"{API}/plans/<int:plan_id>/risks", summary="A plan's risk register",
           tag="risks", response=schemas.RiskSchema, many=True)
    def list_risks(self, req, plan_id):
        return self.projects.list_risks(plan_id)

    @route("GET", f"{API}/risks", cached=True,
           summary="Risks across plans, by region, project, plan year, status (open: not "
                   "closed), probability and impact", tag="risks",
           query=schemas.RiskQuery, response=schemas.RiskPageSchema)
    def list_all_risks(self, req):
        return self.projects.list_all_risks(req.params)

    @route("POST", f"{API}/plans/<int:plan_id>/risks", summary="Register a risk", tag="risks",
           body=schemas.RiskCreateSchema, response=schemas.RiskSchema, status=201)
    def create_risk(self, req, plan_id):
        return self.projects.create_risk(plan_id, req.body)

    @route("PATCH", f"{API}/risks/<int:risk_id>", summary="Change a risk", tag="risks",
           body=schemas.RiskPatchSchema, response=schemas.RiskSchema)
    def update_risk(self, req, risk_id):
        return self.projects.update_risk(risk_id, req.body)

