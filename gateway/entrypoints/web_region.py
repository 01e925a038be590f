"""A KGU's home page: its region's plans, its tasks by due date (overdue first), the reports
it owes (due, overdue, returned with a comment) and its unread inbox.

Everything comes from the services' RPC with the parameters the API routes send, acting as
the reader: a coordinator sees its own region; the RGU and observers open a region's page
with ``?region=KZ-61``.
"""
from gateway.web.pages import Page, cached, gather, optional, page, redirect
from kelisim.clock import local_time
from kelisim.db.types import utcnow
from kelisim.labels import label

TASKS_SHOWN = 20
INBOX_SHOWN = 5
OPEN_TASKS = ("planned", "in_progress")


def tasks_in_order(overdue, coming, limit=TASKS_SHOWN):
    """Tasks to show: the overdue ones first (by due date), then the open ones still to
    come (by due date), ``limit`` in all; phases (groups of tasks) are left out. Each list
    holds task dicts as the projects service answers them."""
    seen, found = set(), []
    for task in [*sorted(overdue, key=_due), *sorted(coming, key=_due)]:
        if task["id"] in seen or task.get("kind") == "phase" or \
                task.get("status") not in OPEN_TASKS:
            continue
        seen.add(task["id"])
        found.append(task)
    return found[:limit]


def _due(task):
    return (task.get("due_date") or "9999-12-31", task["id"])


class WebRegionPages:
    """Mixed into GatewayService (``projects``, ``reports``, ``notifications``, ``registry``)."""

    @page("GET", "/kgu")
    def web_kgu_home(self, req):
        role = req.actor.get("role")
        region = req.actor.get("region") if role == "kgu_coordinator" else \
            (req.args.get("region") or "").strip()
        if not region:
            return redirect("/rgu")
        today = local_time(utcnow()).date().isoformat()
        scope = {"region": region}
        coordinator = role == "kgu_coordinator"
        # the reads do not depend on each other: made at the same time
        # the projects service's listings through the gateway's read cache (a KGU's home
        # is reloaded often; dropped on any write or projects event)
        list_plans = cached(self, req.actor, "list_plans", self.projects.list_plans)
        list_tasks = cached(self, req.actor, "list_tasks", self.projects.list_tasks)
        plans, overdue, coming, owed, inbox, regions, projects, templates = gather(
            lambda: optional(list_plans, {**scope, "limit": "50"}),
            lambda: optional(list_tasks, {
                **scope, "overdue": "true", "sort": "due_date", "limit": str(TASKS_SHOWN)}),
            lambda: optional(list_tasks, {
                **scope, "overdue": "false", "due_after": today, "sort": "due_date",
                "limit": str(TASKS_SHOWN * 2)}),
            lambda: optional(self.reports.list_reports, {
                **scope, "missing": "true", "sort": "due_date", "limit": "50"}),
            lambda: optional(self.notifications.list_inbox, {
                "unread": "true", "limit": str(INBOX_SHOWN)}) if coordinator else None,
            lambda: optional(self.registry.list_regions),
            lambda: optional(self.projects.list_projects),
            lambda: optional(self.reports.list_templates, {}))
        regions, projects, templates = regions or [], projects or [], templates or []
        tasks = tasks_in_order((overdue or {}).get("items", []),
                               (coming or {}).get("items", []))
        return Page("kgu_home.html", {
            "region": next((r for r in regions if r["code"] == region), {"code": region}),
            "plans": plans, "tasks": tasks, "tasks_total": (overdue or {}).get("total", 0),
            "tasks_failed": overdue is None or coming is None,
            "owed": owed, "inbox": inbox, "inbox_failed": coordinator and inbox is None,
            "today": today,
            "projects": {p["code"]: p for p in projects},
            "templates": {t["code"]: t for t in templates},
            "label": lambda kind, code: label(kind, code).render(req.lang) if code else ""})
