"""The plans' pages: the list of plans, a plan (Gantt chart, the same tasks as a table,
budget lines, risks, history; a print view on A4 landscape), a task's page with its edit
forms, and the forms' handlers.

Every read and write goes through the same RPC calls, with the same parameters, as the
API's routes in projects_routes.py (``/api/v1/plans/...``, ``/api/v1/tasks/...``), so the
services' region rules apply: a KGU coordinator reading another region's plan gets the
services' answer (404, as the API's), and a write it may not make their 403. A form's
values are checked with the API route's body schema first, then sent as the API sends them.
"""
import functools

from babel.dates import get_month_names

from gateway.entrypoints.web_attachments import evidence
from gateway.service_layer.names import attach_names
from gateway.web.pages import Page, cached_call, gather, optional, page, redirect
from gateway.web.render import script_json
from kelisim import workdays
from kelisim.clock import today
from kelisim.errors import Invalid, KelisimError, NotFound
from kelisim.i18n import N_, _
from kelisim.labels import label
from kelisim.schemas import load, schema_of
from services.projects.contract import schemas

RGU = ("rgu_admin",)
HISTORY_LIMIT = 200  # the latest changes shown on a plan's page (the API pages the rest)
HISTORY_SHOWN = 25  # of them, on the page unless the reader asks for all
PLAN_FILTERS = ("project", "region", "year", "status")
# the fields a history entry may name -> the words shown for them
FIELD_LABELS = {
    "start_date": N_("Start"), "due_date": N_("Due"),
    "duration": N_("Duration (working days)"), "status": N_("Status"),
    "progress": N_("Progress"), "title": N_("Title"), "title_kk": N_("Title"),
    "scheduling": N_("Scheduling"), "expected_results": N_("Expected results"),
    "baseline": N_("Baseline"), "planned": N_("Planned"), "committed": N_("Committed"),
    "actual": N_("Actual"), "predecessor_id": N_("Predecessor"), "role": N_("Role"),
    "lag": N_("Lag, working days"), "attachment": N_("Evidence document"),
    "assignee": N_("Assignment"), "deliverable": N_("Needs a document to be done"),
    "constraint_kind": N_("Date constraint"), "constraint_conflict": N_("Date conflict"),
    "stage": N_("Overdue reminder"),
}


def field_label(name, lang):
    """The words a history entry's field ``name`` is shown with in ``lang`` (the name
    itself for a field :data:`FIELD_LABELS` does not know)."""
    return _(FIELD_LABELS[name]).render(lang) if name in FIELD_LABELS else name


def _int_or_text(value):
    """A form's number as an int (the API's bodies carry JSON numbers); anything else as
    typed, for the schema to refuse with the field's message."""
    text = (value or "").strip()
    return int(text) if text.lstrip("-").isdigit() else (text or None)


def task_title(task, lang):
    """A task's title for a reader of ``lang``: Kazakh when there is one, else Russian."""
    if lang == "kk" and task.get("title_kk"):
        return task["title_kk"]
    return task.get("title") or ""


def in_outline(tasks):
    """Tasks in the order of the plan's outline: each phase followed by its own tasks,
    siblings by start date (a task whose parent is not in the list comes at the top)."""
    ids = {t["id"] for t in tasks}
    children = {}
    for task in tasks:
        parent = task["parent_id"] if task["parent_id"] in ids else None
        children.setdefault(parent, []).append(task)
    ordered, seen = [], set()

    def walk(parent):
        for task in sorted(children.get(parent, ()), key=lambda t: (t["start_date"], t["id"])):
            if task["id"] not in seen:
                seen.add(task["id"])
                ordered.append(task)
                walk(task["id"])

    walk(None)
    return ordered + [t for t in tasks if t["id"] not in seen]


def responsible(task):
    """The task's R and A as ``[(roles, name)]``, one row per assignee: ``[("A, R",
    "KGU ...")]`` when the same org unit is both."""
    rows = {}
    for assignment in task.get("assignments") or ():
        if assignment["role"] in ("R", "A"):
            name = assignment["assignee"].get("name") or "—"
            rows.setdefault(name, []).append(assignment["role"])
    return [(", ".join(sorted(roles)), name) for name, roles in rows.items()]


def slips_of(tasks, baseline, history):
    """``{task_id: {"old": ISO date, "reason": text or None}}`` for each task due later
    than planned: the baseline's due date when the plan has one, else the first due date
    the history shows; the reason of the latest move later (history is newest first)."""
    slips = {}
    base = {t["task_id"]: t for t in ((baseline or {}).get("tasks") or [])}
    moves = {}
    for entry in history:
        change = (entry.get("changes") or {}).get("due_date")
        if entry.get("entity") != "task" or not change or None in change:
            continue
        old, new = change
        if new > old:
            seen = moves.setdefault(entry["entity_id"], {"old": old, "reason": entry.get(
                "reason")})
            seen["old"] = old  # older entries come later: the first date wins
    for task in tasks:
        line = base.get(task["id"])
        moved = moves.get(task["id"])
        if line is not None and line.get("slipped"):
            slips[task["id"]] = {"old": line["due_date"],
                                 "reason": moved["reason"] if moved else None}
        elif line is None and moved and moved["old"] < task["due_date"]:
            slips[task["id"]] = moved
    return slips


def days_off(years):
    """The platform's days off and working weekends for ``years`` (kelisim.workdays, as
    ``GET /api/v1/calendar`` answers): ``(off, working_weekends)`` as ISO date lists."""
    off, working = [], []
    for year in sorted(years):
        for day in workdays.days_of_year(year):
            (working if day["working_day"] else off).append(day["date"].isoformat())
    return off, working


class WebPlansPages:
    """Mixed into GatewayService (``projects``, ``registry``, ``uow``)."""

    # the list
    @page("GET", "/plans")
    def web_plans(self, req):
        actor = req.actor
        filters = {name: req.args[name] for name in PLAN_FILTERS if req.args.get(name)}
        if actor.get("role") == "kgu_coordinator":
            filters.pop("region", None)  # a KGU sees its own region's (the service's rule)
        try:
            offset = max(0, int(req.args.get("offset", "0")))
        except ValueError:
            offset = 0
        error = None
        try:
            listing = self.projects.list_plans(dict(filters, limit="100", offset=str(offset)))
        except KelisimError as exc:
            if exc.status != 422:
                raise
            error = exc.errors_in(req.lang) or {}
            listing = {"items": [], "total": 0, "limit": 100, "offset": 0}
        projects = {p["code"]: p for p in self.projects.list_projects()}
        regions = {r["code"]: r for r in optional(self.registry.list_regions) or []}
        return Page("plans.html", {
            "plans": listing, "filters": filters, "projects": projects, "regions": regions,
            "filter_errors": error, "label": self._label(req),
            "years": list(range(today().year - 2, today().year + 3)),
            "statuses": schemas.PLAN_STATUSES}, 422 if error else 200)

    # a plan
    @page("GET", "/plans/<int:plan_id>")
    def web_plan(self, req, plan_id):
        return self._plan_page(req, plan_id)

    def _plan_page(self, req, plan_id, approve=None, status=200):
        lang = req.lang
        # the reads are independent: made at once (the first failure, e.g. another
        # region's plan, is raised as the API's answer)
        plan, tasks, baseline, history, budget, risks, projects, region_list = gather(
            lambda: cached_call(self, req.actor, "get_plan", self.projects.get_plan, plan_id),
            lambda: cached_call(self, req.actor, "list_plan_tasks",
                                self.projects.list_plan_tasks, plan_id),
            lambda: self.projects.get_baseline(plan_id),
            lambda: self.projects.plan_history(plan_id, {"limit": str(HISTORY_LIMIT)}),
            lambda: self.projects.list_budget_lines(plan_id),
            lambda: self.projects.list_risks(plan_id),
            lambda: self.projects.list_projects(),
            lambda: optional(self.registry.list_regions) or [])
        tasks = in_outline(tasks)
        history = attach_names(self.uow, history)
        project = next((p for p in projects if p["code"] == plan["project_code"]),
                       {"code": plan["project_code"]})
        regions = {r["code"]: r for r in region_list}
        slips = slips_of(tasks, baseline.get("baseline"), history["items"])
        base = {t["task_id"]: t for t in (baseline.get("baseline") or {}).get("tasks") or []}
        titles = {t["id"]: task_title(t, lang) for t in tasks}
        outside = self._outside_titles(tasks, titles, lang)
        depth = _depths(tasks)
        years = {plan["year"]} | {int(t[k][:4]) for t in tasks
                                  for k in ("start_date", "due_date")}
        years |= {int(b[k][:4]) for b in base.values() for k in ("start_date", "due_date")}
        off, working = days_off(y for y in years if 2020 <= y <= 2040)
        text = self._label(req)
        gantt = {
            "lang": lang,
            "today": today().isoformat(),
            "print": bool(req.args.get("print")),
            "months": _months("wide", lang), "months_short": _months("abbreviated", lang),
            "scroll_to": _scroll_date(tasks),
            "days_off": off,
            "working_weekends": working,
            "words": {"baseline": _("baseline").render(lang),
                      "slipped": _("slipped").render(lang),
                      "was_due": _("was due {date}", date="{date}").render(lang),
                      "progress": _("Progress").render(lang),
                      "start": _("Start").render(lang), "due": _("Due").render(lang),
                      "week": _("Weeks").render(lang), "month": _("Months").render(lang)},
            "tasks": [{
                "id": f"t{t['id']}", "task_id": t["id"], "name": titles[t["id"]],
                "start": t["start_date"], "end": t["due_date"], "progress": t["progress"],
                "kind": t["kind"], "status": text("task_status", t["status"]),
                "dependencies": ", ".join(f"t{p['predecessor_id']}" for p in t["predecessors"]
                                          if p["predecessor_id"] in titles),
                "custom_class": _bar_class(t, t["id"] in slips),
                "baseline": ({"start": base[t["id"]]["start_date"],
                              "end": base[t["id"]]["due_date"]} if t["id"] in base else None),
                "slip": slips.get(t["id"]),
            } for t in tasks],
        }
        return Page("plan.html", {
            "plan": plan, "project": project, "tasks": tasks, "titles": titles,
            "outside": outside, "depth": depth, "slips": slips, "base": base,
            "ra": {t["id"]: responsible(t) for t in tasks},
            "baseline": baseline, "history": history, "budget": budget, "risks": risks,
            "region": regions.get(plan["region_code"]), "label": text,
            "field_label": lambda name: field_label(name, lang),
            "gantt_json": script_json(gantt),
            "print_view": bool(req.args.get("print")), "approve": approve or {},
            "can_approve": req.actor.get("role") == "rgu_admin" and plan["status"] == "draft",
            "can_edit": req.actor.get("role") in ("rgu_admin", "kgu_coordinator"),
            "shown_count": None if req.args.get("history") == "all" else HISTORY_SHOWN,
            "saved": req.args.get("saved")}, status)

    def _outside_titles(self, tasks, titles, lang):
        """Titles of predecessors in other plans (the RGU's tasks a region's follow), read
        as the API reads a task: one the reader may not read is left unnamed."""
        wanted = sorted({pred["predecessor_id"] for task in tasks
                         for pred in task["predecessors"]} - set(titles))

        def title_of(task_id):
            try:
                return task_title(self.projects.get_task(task_id), lang)
            except KelisimError:
                return None
        return dict(zip(wanted, gather(*(functools.partial(title_of, tid) for tid in wanted)),
                        strict=True))

    @staticmethod
    def _label(req):
        def text(kind, code):
            return label(kind, code).render(req.lang) if code is not None else ""
        return text

    @page("POST", "/plans/<int:plan_id>/approve", roles=RGU)
    def web_approve_plan(self, req, plan_id):
        """The RGU approves a draft plan: PATCH /api/v1/plans/<id> with status approved."""
        body = {"version": _int_or_text(req.form.get("version")), "status": "approved",
                "reason": (req.form.get("reason") or "").strip() or None}
        try:
            load(schema_of(schemas.PlanPatchSchema), body)
            self.projects.update_plan(plan_id, body)
        except KelisimError as exc:
            if exc.status not in (409, 422):
                raise
            return self._plan_page(req, plan_id, approve=_failure(exc, req, body), status=exc.status)
        return redirect(f"/plans/{plan_id}?saved=approved")

    # a task of a plan, with its forms
    @page("GET", "/plans/<int:plan_id>/tasks/<int:task_id>")
    def web_plan_task(self, req, plan_id, task_id):
        return self._task_page(req, plan_id, task_id)

    def _task_page(self, req, plan_id, task_id, failed=None, status=200):
        lang = req.lang
        plan, task, tasks, history, baseline = gather(
            lambda: self.projects.get_plan(plan_id),
            lambda: self.projects.get_task(task_id),
            lambda: self.projects.list_plan_tasks(plan_id),
            lambda: self.projects.task_history(task_id, {"limit": "50"}),
            lambda: self.projects.get_baseline(plan_id))
        if task["plan_id"] != plan_id:
            raise NotFound(_("task {task_id} not found", task_id=task_id))
        titles = {t["id"]: task_title(t, lang) for t in tasks}
        region = plan["region_code"]
        # the registry's lists only fill the assignment form's choices: the page is shown
        # without them (the form says so) when the registry refuses, is away or is late
        outside, people, units, region_list = gather(
            lambda: self._outside_titles([task], titles, lang),
            lambda: optional(self.registry.list_people, {"region": region} if region else {}),
            lambda: optional(self.registry.list_org_units, {"region": region} if region else
                             {"level": "republican"}),
            lambda: optional(self.registry.list_regions) or [])
        history = attach_names(self.uow, history)
        slips = slips_of([task], baseline.get("baseline"), history["items"])
        return Page("plan_task.html", {
            "plan": plan, "task": task, "title": task_title(task, lang), "titles": titles,
            "region": next((r for r in region_list if r["code"] == region), None),
            "outside": outside, "history": history, "people": people or [],
            "units": units or [], "assignees_failed": people is None or units is None,
            "slip": slips.get(task_id), "label": self._label(req),
            "field_label": lambda name: field_label(name, lang),
            "failed": failed or {}, "saved": req.args.get("saved"), "shown_count": None,
            # a parent's dates follow its children: its due date cannot be moved by itself
            "has_children": any(t.get("parent_id") == task_id for t in tasks),
            "candidates": [t for t in tasks if t["id"] != task_id and t["kind"] != "phase"
                           and t["id"] not in {p["predecessor_id"]
                                               for p in task["predecessors"]}],
            "can_edit": req.actor.get("role") in ("rgu_admin", "kgu_coordinator"),
            "evidence": evidence(self.uow, "task", task_id, lang,
                                 f"/plans/{plan_id}/tasks/{task_id}",
                                 req.actor.get("role") in ("rgu_admin", "kgu_coordinator"))},
            status)

    def _task_form(self, req, plan_id, task_id, form, call, body, schema=None, missing=None):
        """Check ``body`` with the API's schema, make ``call``; a refusal the reader can
        fix (409, 422) re-renders the task's page with the errors beside the fields.
        ``missing`` is ``(field, message)`` when the form left a field empty that the call
        needs: refused at once, as the API's schema would, and no call is made."""
        if missing is not None:
            call, body, schema = _refuse(*missing), {}, None
        task = self.projects.get_task(task_id)
        if task["plan_id"] != plan_id:
            raise NotFound(_("task {task_id} not found", task_id=task_id))
        try:
            if schema is not None:
                load(schema_of(schema), body)
            call(body)
        except KelisimError as exc:
            if exc.status not in (409, 422):
                raise
            failure = _failure(exc, req, dict(req.form))
            failure["form"] = form
            return self._task_page(req, plan_id, task_id, failure, exc.status)
        return redirect(f"/plans/{plan_id}/tasks/{task_id}?saved={form}#{form}")

    @page("POST", "/plans/<int:plan_id>/tasks/<int:task_id>/due")
    def web_move_due(self, req, plan_id, task_id):
        """PATCH /api/v1/tasks/<id> with due_date, reason (a later date needs one), version."""
        due = (req.form.get("due_date") or "").strip()
        body = {"version": _int_or_text(req.form.get("version")), "due_date": due,
                "reason": (req.form.get("reason") or "").strip() or None}
        return self._task_form(req, plan_id, task_id, "due",
                               lambda b: self.projects.update_task(task_id, b), body,
                               schemas.TaskPatchSchema,
                               None if due else ("due_date", _("choose the new due date")))

    @page("POST", "/plans/<int:plan_id>/tasks/<int:task_id>/progress")
    def web_set_progress(self, req, plan_id, task_id):
        """PATCH /api/v1/tasks/<id> with progress (0..100) and version."""
        body = {"version": _int_or_text(req.form.get("version")),
                "progress": _int_or_text(req.form.get("progress"))}
        return self._task_form(req, plan_id, task_id, "progress",
                               lambda b: self.projects.update_task(task_id, b), body,
                               schemas.TaskPatchSchema, _required(
                                   body, "progress", _("a whole number from 0 to 100")))

    @page("POST", "/plans/<int:plan_id>/tasks/<int:task_id>/assignments")
    def web_add_assignment(self, req, plan_id, task_id):
        """POST /api/v1/tasks/<id>/assignments: a role for a person or an org unit chosen
        from the registry (the form's ``assignee`` is ``person:ID`` or ``org_unit:ID``)."""
        kind, _sep, ident = (req.form.get("assignee") or "").partition(":")
        body = {"role": req.form.get("role") or None, "kind": kind, "id": _int_or_text(ident)}
        return self._task_form(req, plan_id, task_id, "assign",
                               lambda b: self.projects.add_assignment(task_id, b), body,
                               schemas.AssignmentCreateSchema,
                               None if kind and ident else
                               ("assignee", _("choose a person or an org unit")))

    @page("POST", "/plans/<int:plan_id>/tasks/<int:task_id>/assignments/<int:assignment_id>"
                  "/remove")
    def web_remove_assignment(self, req, plan_id, task_id, assignment_id):
        """DELETE /api/v1/tasks/<id>/assignments/<assignment_id>."""
        return self._task_form(req, plan_id, task_id, "assign",
                               lambda b: self.projects.remove_assignment(task_id,
                                                                         assignment_id), {})

    @page("POST", "/plans/<int:plan_id>/tasks/<int:task_id>/dependencies")
    def web_add_dependency(self, req, plan_id, task_id):
        """POST /api/v1/tasks/<id>/dependencies: finish-to-start after ``predecessor_id``,
        ``lag`` working days later."""
        body = {"predecessor_id": _int_or_text(req.form.get("predecessor_id")),
                "lag": _int_or_text(req.form.get("lag")) or 0}
        return self._task_form(req, plan_id, task_id, "depend",
                               lambda b: self.projects.add_dependency(task_id, b), body,
                               schemas.DependencyCreateSchema, _required(
                                   body, "predecessor_id", _("choose the task it follows")))

    @page("POST", "/plans/<int:plan_id>/tasks/<int:task_id>/dependencies/<int:predecessor_id>"
                  "/remove")
    def web_remove_dependency(self, req, plan_id, task_id, predecessor_id):
        """DELETE /api/v1/tasks/<id>/dependencies/<predecessor_id>."""
        return self._task_form(req, plan_id, task_id, "depend",
                               lambda b: self.projects.remove_dependency(task_id,
                                                                         predecessor_id), {})


def _required(body, field, message):
    """``(field, message)`` when ``body`` has no value for ``field``, else None."""
    return (field, message) if body[field] is None else None


def _refuse(field, message):
    """A call that refuses at once, as the API's schema would: a missing form field."""
    def call(body):
        raise Invalid(_("the request has invalid fields"), {field: message})
    return call


def _failure(exc, req, values):
    """What a form shows after a refusal: the detail, field -> message, the typed values."""
    errors = exc.errors_in(req.lang) or {}
    return {"status": exc.status, "detail": exc.detail_in(req.lang),
            "errors": errors if isinstance(errors, dict) else {}, "values": values,
            "stale": exc.status == 409}


def _bar_class(task, slipped):
    """One class token for Frappe Gantt's bar (it adds custom_class as one token)."""
    kind = task["kind"] if task["kind"] in ("phase", "milestone") else "task"
    if task["status"] == "done":
        return f"g-{kind}-done"
    if slipped:
        return f"g-{kind}-slipped"
    if task.get("overdue"):
        return f"g-{kind}-overdue"
    return f"g-{kind}"


def _months(width, lang):
    """The 12 month names in ``lang`` (Babel's, stand-alone: «Қаңтар»...), for the chart's
    headers: browsers' Intl has no Kazakh month names everywhere."""
    names = get_month_names(width, "stand-alone", locale=lang)
    return [str(names[m]) for m in range(1, 13)]


def _scroll_date(tasks):
    """Where the chart opens: the start of the earliest open task (today's work), else
    the plan's start."""
    open_starts = [t["start_date"] for t in tasks if t["status"] in ("planned", "in_progress")
                   and t["kind"] != "phase"]
    starts = open_starts or [t["start_date"] for t in tasks]
    return min(starts) if starts else None


def _depths(tasks):
    """How deep each task sits under phases: {task_id: 0, 1, ...}."""
    parent = {t["id"]: t["parent_id"] for t in tasks}
    depth = {}
    for tid in parent:
        level, seen, at = 0, set(), parent[tid]
        while at in parent and at not in seen:
            seen.add(at)
            level += 1
            at = parent[at]
        depth[tid] = level
    return depth
