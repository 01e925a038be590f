"""Routes of the projects service (served by it over RPC)."""
from datetime import date

from marshmallow import Schema, fields

from gateway.http import forward, route
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
    list_projects = forward("GET", f"{API}/projects", "projects.list_projects",
                            summary="List the four base projects", tag="projects",
                            response=schemas.ProjectSchema, many=True)

    get_project = forward("GET", f"{API}/projects/<code>", "projects.get_project",
                          summary="Get a base project with its indicators", tag="projects",
                          response=schemas.ProjectSchema)

    get_template = forward("GET", f"{API}/projects/<code>/template", "projects.get_template",
                           summary="Get a project's template (work breakdown)", tag="projects",
                           response=schemas.ProjectTemplateSchema)

    put_template = forward("PUT", f"{API}/projects/<code>/template", "projects.put_template",
                           summary="Replace a project's template (send the version you read)",
                           tag="projects", body=schemas.ProjectTemplatePutSchema,
                           response=schemas.ProjectTemplateSchema, roles=RGU)

    rollout = forward("POST", f"{API}/projects/<code>/rollouts", "projects.rollout",
                      summary="Roll a project out to regions: each KGU's plan, tasks and "
                              "assignments", tag="projects", body=schemas.RolloutSchema,
                      response=schemas.RolloutResultSchema, status=201, roles=RGU)

    project_summary = forward("GET", f"{API}/projects/<code>/summary", "projects.project_summary",
                              summary="Progress, variances, earned value, risk heat map, overdue "
                                      "per region", tag="projects", query=schemas.SummaryQuery,
                              response=schemas.SummarySchema)

    programme_summary = forward("GET", f"{API}/programme/summary", "projects.programme_summary",
                                summary="Progress, earned value, risk heat map, overdue per "
                                        "region: per project and for the whole programme",
                                tag="projects", query=schemas.ProgrammeSummaryQuery,
                                response=schemas.ProgrammeSummarySchema)

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

    list_indicators = forward("GET", f"{API}/indicators", "projects.list_indicators",
                              summary="The concept's target indicators with the gap",
                              tag="projects", response=schemas.IndicatorSchema, many=True)

    set_indicator_actual = forward("PUT", f"{API}/indicators/<code>/actuals/<int:year>",
                                   "projects.set_indicator_actual",
                                   summary="Record an indicator's measured value for a year",
                                   tag="projects", body=schemas.IndicatorActualSchema,
                                   response=schemas.IndicatorSchema, roles=RGU)

    set_indicator_target = forward("PUT", f"{API}/indicators/<code>/targets/<int:year>",
                                   "projects.set_indicator_target",
                                   summary="Set an indicator's target for a year (a changed "
                                           "target needs a reason)", tag="projects",
                                   body=schemas.IndicatorTargetSchema,
                                   response=schemas.IndicatorSchema, roles=RGU)

    indicator_history = forward("GET", f"{API}/indicators/<code>/history",
                                "projects.indicator_history",
                                summary="Who changed an indicator's targets and actuals, when "
                                        "and why", tag="projects", query=schemas.HistoryQuery)

    # plans
    list_plans = forward("GET", f"{API}/plans", "projects.list_plans", cached=True,
                         summary="List implementation plans, a page at a time", tag="plans",
                         query=schemas.PlanQuery, response=schemas.PlanPageSchema)

    get_plan = forward("GET", f"{API}/plans/<int:plan_id>", "projects.get_plan", cached=True,
                       summary="Get an implementation plan", tag="plans",
                       response=schemas.PlanSchema)

    update_plan = forward("PATCH", f"{API}/plans/<int:plan_id>", "projects.update_plan",
                          summary="Change a plan's status or expected results (send the version "
                                  "you read)", tag="plans", body=schemas.PlanPatchSchema,
                          response=schemas.PlanSchema)

    plan_history = forward("GET", f"{API}/plans/<int:plan_id>/history", "projects.plan_history",
                           summary="Who changed what in a plan, when and why", tag="plans",
                           query=schemas.HistoryQuery, names=True)

    get_baseline = forward("GET", f"{API}/plans/<int:plan_id>/baseline", "projects.get_baseline",
                           summary="A plan's baseline (approved dates, durations, budget) beside "
                                   "its current dates, and every earlier baseline", tag="plans",
                           response=schemas.PlanBaselineSchema)

    rebaseline = forward("POST", f"{API}/plans/<int:plan_id>/baseline", "projects.rebaseline",
                         summary="Re-baseline an approved plan with a reason (the RGU)",
                         tag="plans", body=schemas.RebaselineSchema,
                         response=schemas.PlanBaselineSchema, status=201, roles=RGU)

    list_plan_tasks = forward("GET", f"{API}/plans/<int:plan_id>/tasks",
                              "projects.list_plan_tasks", cached=True,
                              summary="List a plan's tasks", tag="tasks",
                              response=schemas.TaskSchema, many=True)

    create_task = forward("POST", f"{API}/plans/<int:plan_id>/tasks", "projects.create_task",
                          summary="Add a task to a plan", tag="tasks",
                          body=schemas.TaskCreateSchema, response=schemas.TaskSchema, status=201)

    # tasks
    list_tasks = forward("GET", f"{API}/tasks", "projects.list_tasks", cached=True,
                         summary="List tasks, a page at a time", tag="tasks",
                         query=schemas.TaskQuery, response=schemas.TaskPageSchema)

    get_task = forward("GET", f"{API}/tasks/<int:task_id>", "projects.get_task", cached=True,
                       summary="Get a task", tag="tasks", response=schemas.TaskSchema)

    update_task = forward("PATCH", f"{API}/tasks/<int:task_id>", "projects.update_task",
                          summary="Change a task; a later due date needs a reason and "
                                  "reschedules successors", tag="tasks",
                          body=schemas.TaskPatchSchema, response=schemas.TaskChangeSchema)

    task_history = forward("GET", f"{API}/tasks/<int:task_id>/history", "projects.task_history",
                           summary="Who changed what in a task, when and why", tag="tasks",
                           query=schemas.HistoryQuery, names=True)

    add_dependency = forward("POST", f"{API}/tasks/<int:task_id>/dependencies",
                             "projects.add_dependency",
                             summary="Make a task follow another (finish-to-start, lag in "
                                     "working days)", tag="tasks",
                             body=schemas.DependencyCreateSchema,
                             response=schemas.TaskChangeSchema, status=201)

    remove_dependency = forward("DELETE",
                                f"{API}/tasks/<int:task_id>/dependencies/<int:predecessor_id>",
                                "projects.remove_dependency", summary="Remove a dependency",
                                tag="tasks", response=schemas.TaskChangeSchema)

    add_assignment = forward("POST", f"{API}/tasks/<int:task_id>/assignments",
                             "projects.add_assignment",
                             summary="Assign a RACI role (a new A replaces the old one)",
                             tag="tasks", body=schemas.AssignmentCreateSchema,
                             response=schemas.AssignmentSchema, status=201)

    remove_assignment = forward("DELETE",
                                f"{API}/tasks/<int:task_id>/assignments/<int:assignment_id>",
                                "projects.remove_assignment", summary="Remove an assignment",
                                tag="tasks", response=RemovedSchema)

    # budgets and risks
    list_budget_lines = forward("GET", f"{API}/plans/<int:plan_id>/budget-lines",
                                "projects.list_budget_lines",
                                summary="A plan's budget lines with totals (KZT)", tag="budgets",
                                response=schemas.BudgetLinesSchema)

    create_budget_line = forward("POST", f"{API}/plans/<int:plan_id>/budget-lines",
                                 "projects.create_budget_line", summary="Add a budget line",
                                 tag="budgets", body=schemas.BudgetLineCreateSchema,
                                 response=schemas.BudgetLineSchema, status=201)

    update_budget_line = forward("PATCH", f"{API}/budget-lines/<int:line_id>",
                                 "projects.update_budget_line",
                                 summary="Change amounts; amending the planned amount needs a "
                                         "reason", tag="budgets",
                                 body=schemas.BudgetLinePatchSchema,
                                 response=schemas.BudgetLineSchema)

    list_risks = forward("GET", f"{API}/plans/<int:plan_id>/risks", "projects.list_risks",
                         summary="A plan's risk register", tag="risks",
                         response=schemas.RiskSchema, many=True)

    list_all_risks = forward("GET", f"{API}/risks", "projects.list_all_risks", cached=True,
                             summary="Risks across plans, by region, project, plan year, status "
                                     "(open: not closed), probability and impact", tag="risks",
                             query=schemas.RiskQuery, response=schemas.RiskPageSchema)

    create_risk = forward("POST", f"{API}/plans/<int:plan_id>/risks", "projects.create_risk",
                          summary="Register a risk", tag="risks", body=schemas.RiskCreateSchema,
                          response=schemas.RiskSchema, status=201)

    update_risk = forward("PATCH", f"{API}/risks/<int:risk_id>", "projects.update_risk",
                          summary="Change a risk", tag="risks", body=schemas.RiskPatchSchema,
                          response=schemas.RiskSchema)

