"""The projects domain as plain classes with their rules (no framework imports)."""
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from kelisim.errors import Conflict, Forbidden, Invalid
from kelisim.i18n import _
from kelisim.labels import label
from services.projects.contract import (  # noqa: F401  (the contract's words, known here too)
    ASSIGNEE_KINDS,
    MAX_LAG,
    PLAN_STATUSES,
    RACI_ROLES,
    SCHEDULING_MODES,
    TASK_KINDS,
    TASK_STATUSES,
)
from services.projects.domain.events import DeadlineSlipped, TaskAssigned, TaskReassigned, assignee_of
from services.projects.domain.schedule import place, within_calendar

# Who may move a plan from one status to the next: the RGU approves, reopens and closes.
PLAN_TRANSITIONS = {
    "draft": {"approved": "rgu"},
    "approved": {"in_progress": "any", "draft": "rgu"},
    "in_progress": {"closed": "rgu"},
    "closed": {"in_progress": "rgu"},
}
OPEN_STATUSES = ("planned", "in_progress")


def is_overdue(status, kind, due_date, day):
    """Whether a task is overdue on ``day``: open (planned or in progress), due before that
    day, and not a phase (a phase's dates span its children's: they are the ones late).
    The one rule behind a task's ``overdue``, the listing's ``overdue`` filter
    (:func:`services.projects.adapters.repository.late`), the overdue job, the summary's
    counts and the metrics."""
    return status in OPEN_STATUSES and kind != "phase" and due_date < day


# An organisation outside the Assembly (registry ``organisations``: a ministry, an akimat)
# is a co-executor: Consulted or Informed freely, Responsible only where the RGU says so,
# never Accountable; it has no inbox (notifications name it, tell it nothing).
ORGANISATION = "organisation"
RGU_SCOPE = "RGU"  # the scope of a project's RGU plan (it belongs to no region)
# the template milestone "implementation plan approved by the RGU": the plan's approval is
# what completes it (and a reopening undoes it), never a hand edit
APPROVAL_MILESTONE = "org.approved"
# what a person may change on a task (Task.revise), and what its history records of it
TASK_EDITABLE = ("title", "title_kk", "description", "scheduling", "status", "progress",
                 "deliverable")
TASK_RECORDED = ("title", "title_kk", "description", "start_date", "due_date", "duration",
                 "scheduling", "status", "progress", "deliverable")


@dataclass
class BaseProject:
    code: str
    title_kk: str
    title_ru: str
    title_en: str
    goal_kk: str = ""
    goal_ru: str = ""
    goal_en: str = ""
    id: int | None = None
    version: int = 1


@dataclass
class Indicator:
    """A target indicator of the development concept, measured yearly in per cent."""

    code: str
    name_kk: str
    name_ru: str
    name_en: str
    unit: str = "%"
    projects: list = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # {"2022": "80.2", ...}
    actuals: dict = field(default_factory=dict)
    id: int | None = None
    version: int = 1

    def gap_by_year(self):
        """``{year: actual - target}`` for every year with both (exact decimals as strings)."""
        return {year: str(Decimal(self.actuals[year]) - Decimal(target))
                for year, target in sorted(self.targets.items()) if year in self.actuals}


@dataclass
class Template:
    """A base project's work breakdown, kept as one validated document (see template.py)."""

    project_code: str
    items: list
    id: int | None = None
    version: int = 1


@dataclass
class Plan:
    """A regional implementation plan (KGU x base project x year), or a project's RGU plan."""

    project_code: str
    year: int
    scope: str  # the region code, or RGU_SCOPE
    region_code: str | None = None
    org_unit_id: int | None = None
    org_unit_name: str | None = None
    status: str = "draft"
    expected_results: str = ""
    start_date: date | None = None
    id: int | None = None
    version: int = 1

    def move_to(self, status, actor_role):
        """Change status if the transition exists and the actor may make it."""
        if status == self.status:
            return False
        allowed = PLAN_TRANSITIONS[self.status]
        if status not in allowed:
            raise Conflict(_("a plan that is {status} cannot become {new_status}",
                             status=label("plan_status", self.status),
                             new_status=label("plan_status", status)),
                           {"status": _("from {status}: {allowed}",
                                        status=label("plan_status", self.status),
                                        allowed=", ".join(allowed) or "—")})
        if allowed[status] == "rgu" and actor_role not in ("rgu_admin", "system"):
            raise Forbidden(_("only the RGU may make a plan {status}",
                            status=label("plan_status", status)),
                          {"status": _("the RGU approves, reopens and closes plans")})
        self.status = status
        return True

    def new_task(self, fields, *, parent, calendar, earliest_start):
        """A task or milestone added to the plan by hand, placed on working days; the
        parent (a :class:`Task`, or None) becomes a phase if it was a task.

        ``fields``: TaskCreateSchema's (``parent_id``, ``kind``, titles, ``description``,
        ``start_date``, ``due_date`` or ``duration`` in working days, ``scheduling``,
        ``deliverable``); ``parent``: the task ``parent_id`` names as found (None if none
        is found); ``calendar``: the working calendar (kelisim.workdays);
        ``earliest_start()``: when the parent's predecessors let a task under it start
        (None: whenever), asked only for an automatic task with a parent.

        Raises :class:`Invalid`: a closed plan, an unknown parent or one in another plan,
        a milestone as parent, dates that leave the calendar, an inconsistent task.
        """
        if self.status == "closed":
            raise Invalid(_("a closed plan takes no new tasks"), {"plan_id": _("closed")})
        if fields["parent_id"] is not None:
            if parent is None or parent.plan_id != self.id:
                raise Invalid(_("unknown parent"), {"parent_id": _("no such task in this plan")})
            if parent.kind == "milestone":
                raise Invalid(_("a milestone has no children"), {"parent_id": _("a milestone")})
        with within_calendar("duration" if fields["due_date"] is None else "due_date",
                             calendar):
            start, due, duration = place(
                calendar, kind=fields["kind"], scheduling=fields["scheduling"],
                start=fields["start_date"], due=fields["due_date"], duration=fields["duration"])
        if parent is not None and fields["scheduling"] == "auto":
            # a phase's predecessors hold each of its tasks, a new one included
            with within_calendar("parent_id", calendar):
                earliest = earliest_start()
                if earliest is not None:
                    start = earliest
                    due = start if fields["kind"] == "milestone" \
                        else calendar.finish(start, duration)
        task = Task(plan_id=self.id, project_code=self.project_code, year=self.year,
                    region_code=self.region_code, parent_id=fields["parent_id"],
                    kind=fields["kind"], title=fields["title"], title_kk=fields["title_kk"],
                    description=fields["description"], start_date=start, due_date=due,
                    duration=duration, scheduling=fields["scheduling"],
                    deliverable=fields["deliverable"])
        task.check()
        if parent is not None and parent.kind == "task":
            parent.kind = "phase"  # a task with subtasks spans them, like a phase
        return task

    def accountable_for(self, task):
        """The plan's KGU (its org unit) as the Accountable of ``task`` (stored: it has an
        id), a new :class:`Assignment`."""
        return Assignment(task_id=task.id, role="A", assignee_kind="org_unit",
                          assignee_id=self.org_unit_id, assignee_name=self.org_unit_name,
                          region_code=self.region_code)

    def to_dict(self):
        return asdict(self)


@dataclass
class Task:
    plan_id: int | None  # None only while a rollout builds it, before its plan is stored
    project_code: str
    year: int
    title: str
    start_date: date
    due_date: date
    kind: str = "task"
    region_code: str | None = None
    parent_id: int | None = None
    template_key: str | None = None
    title_kk: str | None = None
    description: str = ""
    duration: int = 1
    scheduling: str = "auto"
    status: str = "planned"
    progress: int = 0
    expected_finish: date | None = None
    # from a dated template item: on / not_before / within, the earliest start and the
    # latest (for on: the) due date it allows; the conflict when predecessors break it
    constraint_kind: str | None = None
    constraint_start: date | None = None
    constraint_due: date | None = None
    constraint_conflict: dict | None = None
    deliverable: bool = False  # done only with at least one attachment (evidence)
    id: int | None = None
    version: int = 1

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def check(self):
        errors = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("the due date is before the start date")
        if self.kind == "milestone" and self.start_date != self.due_date:
            errors["due_date"] = _("a milestone starts and ends on the same day")
        if not 0 <= self.progress <= 100:
            errors["progress"] = _("between 0 and 100")
        if self.status == "done" and self.progress != 100:
            errors["progress"] = _("a done task is 100% complete")
        if errors:
            raise Invalid(_("the task is not consistent"), errors)

    @property
    def events(self):
        """The typed events (services/projects/domain/events.py) this task's rules
        recorded since it was loaded, oldest first; the service layer publishes them."""
        return self.__dict__.setdefault("_events", [])

    def pull_events(self):
        """The recorded :attr:`events`, handed over once (the list is emptied)."""
        events = list(self.events)
        self.events.clear()
        return events

    def snapshot(self):
        """``{field: value}`` of the fields its history records (:data:`TASK_RECORDED`)."""
        return {name: getattr(self, name) for name in TASK_RECORDED}

    def revise(self, patch, *, reason, calendar, facts):
        """Apply a person's change, checking every rule first (a broken rule changes nothing).

        ``patch``: some of :data:`TASK_EDITABLE` and ``start_date``/``due_date`` (dates);
        ``reason``: the person's text (required when the due date moves later);
        ``calendar``: the working calendar (kelisim.workdays) new dates are placed on;
        ``facts``: what the task cannot know by itself, asked only when a rule needs it --
        ``has_children()``, ``held()`` (whether predecessors, its own or a parent's, fix
        its start), ``assignments()`` (its :class:`Assignment` list),
        ``attachment_count()``.

        The rules, in the order they are checked: a parent's dates follow its children; a
        new date is placed on working days (:func:`~.schedule.place`); an automatic task
        held by predecessors takes no start by hand; a later due date needs a reason; the
        approval milestone's status follows the plan; work starts (or is done) only with
        one Accountable and a Responsible (:func:`check_raci`); a deliverable is done
        only with an attachment. Done means 100%. Dated by hand, a constraint from the
        template gives way.

        Returns ``{field: [old, new]}`` of the template constraint it dropped (None if it
        kept it). Raises :class:`Invalid` (422) or :class:`Conflict` (409, the missing
        attachment).
        """
        dated = "start_date" in patch or "due_date" in patch
        start, due, duration = self._dates_after(patch, calendar, facts)
        if due > self.due_date and not (reason or "").strip():
            raise Invalid(_("moving a due date later needs a reason"),
                          {"reason": _("required when the due date moves later")})
        status = patch.get("status", self.status)
        if status != self.status:
            self._check_status(status, facts)
        self._check_evidence(status, patch.get("deliverable", self.deliverable), facts)
        if status == "done" and "progress" not in patch:
            patch = {**patch, "progress": 100}
        for name in TASK_EDITABLE:
            if name in patch:
                setattr(self, name, patch[name])
        unpinned = self._unpin() if dated and (start, due) != (self.start_date,
                                                                self.due_date) else None
        self.start_date, self.due_date, self.duration = start, due, duration
        self.check()
        return unpinned

    def _dates_after(self, patch, calendar, facts):
        """``(start, due, duration)`` the patch gives (see :meth:`revise`)."""
        dated = "start_date" in patch or "due_date" in patch
        if facts.has_children():
            if dated:
                raise Invalid(_("a parent's dates follow its children"),
                              {"due_date": _("change the dates of its tasks instead")})
            return self.start_date, self.due_date, self.duration
        start, due, duration = self._placed(patch, calendar)
        # a milestone's one date is its start too: moving it by hand is the same case
        by_hand = "start_date" in patch or (dated and self.kind == "milestone")
        if by_hand and start != self.start_date and self.scheduling == "auto" \
                and patch.get("scheduling", "auto") == "auto" and facts.held():
            raise Invalid(_("an automatically scheduled task starts when its predecessors allow"),
                          {"start_date" if "start_date" in patch else "due_date": _(
                              "set scheduling to manual to fix the start date")})
        return start, due, duration

    def _placed(self, patch, calendar):
        """``(start, due, duration)`` after ``patch``: placed on working days when dated
        anew (or turned automatic), else as they are."""
        scheduling = patch.get("scheduling", self.scheduling)
        dated = "start_date" in patch or "due_date" in patch
        if not dated and not (scheduling == "auto" != self.scheduling):
            return self.start_date, self.due_date, self.duration
        start = patch.get("start_date", self.start_date)
        due = patch.get("due_date")
        field = "due_date" if due is not None else "start_date" if dated else "scheduling"
        with within_calendar(field, calendar):
            return place(calendar, kind=self.kind, scheduling=scheduling, start=start, due=due,
                         duration=None if due is not None else self.duration)

    def _check_status(self, status, facts):
        """A new status: not on the approval milestone (the plan's approval sets it); work
        starts or ends with one A and an R."""
        if self.template_key == APPROVAL_MILESTONE:
            raise Invalid(_("this milestone follows the plan's approval"),
                          {"status": _("completed when the RGU approves the plan")})
        if status in ("in_progress", "done"):
            check_raci(facts.assignments(), status)

    def _check_evidence(self, status, deliverable, facts):
        """A deliverable task becomes done (or a done task deliverable) only with at least
        one attachment: :class:`Conflict`."""
        if status == "done" and deliverable and (self.status != "done" or not self.deliverable) \
                and not facts.attachment_count():
            raise Conflict(_("a deliverable task is done only with at least one attachment: "
                             "attach its document first"),
                           {"status": _("attach the document (protocol, report, publication, "
                                        "photo) before marking the task done")})

    def _unpin(self):
        """Dates set by hand are the person's decision: the template's constraint gives
        way, so no later reschedule moves them back to it in silence. Returns what changed
        (``{field: [old, None]}``), or None if the task had no constraint."""
        if not self.constraint_kind:
            return None
        unpinned = {"constraint_kind": [self.constraint_kind, None],
                    "constraint_conflict": [self.constraint_conflict, None]}
        self.constraint_kind = self.constraint_start = self.constraint_due = None
        self.constraint_conflict = None
        return unpinned

    def record_slip(self, *, old_start, old_due, start, due, reason, responsible,
                    conflicts=()):
        """Record :class:`~.events.DeadlineSlipped` if ``due`` is later than ``old_due``:
        the task's own change moved it (cause and chain are the task). ``start``/``due``
        are its dates now (after any reschedule), ``reason`` the person's text,
        ``responsible`` a callable giving its R and A (assignee dicts; asked only for a
        slip), ``conflicts`` the constraint conflicts found (those whose chain holds it are
        sent). Returns the event, or None."""
        if not due > old_due:
            return None
        event = DeadlineSlipped(
            **DeadlineSlipped.task_fields(self, start=start, due=due),
            old_start_date=old_start, old_due_date=old_due, cause_task_id=self.id,
            chain=[self.id], reason=reason, responsible=responsible(),
            constraint_conflicts=[c for c in conflicts if self.id in c["chain"]])
        self.events.append(event)
        return event

    def assign(self, *, role, kind, assignee_id, assignee, current, coordinator, today):
        """Decide a new RACI assignment of the task (an organisation's role is checked
        first: :func:`check_organisation_role`).

        ``role``: R, A, C or I; ``kind``/``assignee_id``: who (:data:`ASSIGNEE_KINDS`);
        ``assignee``: the registry's ``{name, region_code, closed_on?}`` of them, or None;
        ``current``: the task's :class:`Assignment` list, or the part of it this rule reads
        (its A and any assignment of the same role and assignee); ``coordinator``: the
        actor is a KGU coordinator (who is not told of another region's assignee: it is
        unknown to them); ``today``: the date (an assignee closed on or before it is
        refused).

        Returns ``(assignment, replaced)``: the new :class:`Assignment` (no id yet) and the
        assignments it replaces (the old A, for a new A: exactly one Accountable).
        Raises :class:`Invalid` (unknown, another region's, closed) or :class:`Conflict`
        (the same assignment exists already).
        """
        foreign = assignee is not None and assignee["region_code"] not in (
            None, self.region_code)
        if foreign and coordinator:
            assignee = None  # what it cannot read is unknown to it, as on GET: no region named
        named = label("assignee_kind", kind)  # the kind in the reader's words
        if assignee is None:
            raise Invalid(_("unknown assignee"), {"id": _("no {kind} {id}",
                                                       kind=named, id=assignee_id)})
        if foreign:  # the RGU reads every region: it is told why
            raise Invalid(_("the assignee works in another region"),
                          {"id": _("{kind} {id} is in {region_code}", kind=named,
                                   id=assignee_id, region_code=assignee["region_code"])})
        closed_on = assignee.get("closed_on")
        if closed_on and str(closed_on) <= today.isoformat():
            # closed in the registry: the rollout skips it too (services/projects/.../rollout.py)
            raise Invalid(_("the organisation is closed"),
                          {"id": _("{kind} {id} closed on {date}", kind=named,
                                   id=assignee_id, date=str(closed_on))})
        if any((a.role, a.assignee_kind, a.assignee_id) == (role, kind, assignee_id)
               for a in current):
            raise Conflict(_("the assignment exists already"), {"id": _("already assigned")})
        assignment = Assignment(task_id=self.id, role=role, assignee_kind=kind,
                                assignee_id=assignee_id, assignee_name=assignee["name"],
                                region_code=assignee["region_code"])
        return assignment, [a for a in current if a.role == "A"] if role == "A" else []

    def record_assigned(self, assignment, previous=None):
        """Record :class:`~.events.TaskReassigned` when ``assignment`` (stored: it has an
        id) took the role from ``previous`` (an assignee dict), else
        :class:`~.events.TaskAssigned`. Returns the event."""
        event = TaskReassigned.of(self, assignment, previous_assignee=previous) \
            if previous is not None else TaskAssigned.of(self, assignment)
        self.events.append(event)
        return event

    def effective_finish(self):
        """When successors can count on it: an unfinished overdue task finishes no earlier
        than the day it was found overdue."""
        if self.expected_finish and self.is_open and self.expected_finish > self.due_date:
            return self.expected_finish
        return self.due_date


@dataclass
class Dependency:
    """Finish-to-start: the successor starts ``lag`` working days after the predecessor ends."""

    predecessor_id: int
    successor_id: int
    lag: int = 0
    id: int | None = None


@dataclass
class Assignment:
    task_id: int
    role: str
    assignee_kind: str
    assignee_id: int
    assignee_name: str | None = None
    region_code: str | None = None
    id: int | None = None

    def assignee(self):
        return assignee_of(self.assignee_kind, self.assignee_id, self.assignee_name,
                           self.region_code)



def check_organisation_role(actor_role, role):
    """An organisation outside the Assembly is never A (:class:`Invalid`); R only by the
    RGU (``actor_role`` rgu_admin or system, else :class:`Forbidden`)."""
    if role == "A":
        raise Invalid(_("an organisation outside the Assembly is never Accountable"),
                      {"role": _("name it Consulted or Informed (or Responsible, by the RGU)")})
    if role == "R" and actor_role not in ("rgu_admin", "system"):
        raise Forbidden(_("only the RGU names an organisation outside the Assembly "
                          "Responsible"))


def check_raci(assignments, status):
    """Exactly one Accountable; a Responsible once work has started (or is done)."""
    roles = [a.role for a in assignments]
    if roles.count("A") != 1:
        raise Invalid(_("a task has exactly one Accountable (A)"),
                      {"role": _("{count} accountable assignments", count=roles.count('A'))})
    if status in ("in_progress", "done") and "R" not in roles:
        raise Invalid(_("a Responsible (R) is required before work starts"),
                      {"status": _("assign a Responsible first")})
