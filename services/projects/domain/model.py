"""The projects domain as plain classes with their rules (no framework imports)."""
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from kelisim.errors import Conflict, Forbidden, Invalid
from kelisim.i18n import _
from kelisim.labels import label

PLAN_STATUSES = ("draft", "approved", "in_progress", "closed")
# Who may move a plan from one status to the next: the RGU approves, reopens and closes.
PLAN_TRANSITIONS = {
    "draft": {"approved": "rgu"},
    "approved": {"in_progress": "any", "draft": "rgu"},
    "in_progress": {"closed": "rgu"},
    "closed": {"in_progress": "rgu"},
}
TASK_KINDS = ("phase", "task", "milestone")
TASK_STATUSES = ("planned", "in_progress", "done", "cancelled")
OPEN_STATUSES = ("planned", "in_progress")
SCHEDULING_MODES = ("auto", "manual")
RACI_ROLES = ("R", "A", "C", "I")
ASSIGNEE_KINDS = ("org_unit", "structure", "person", "organisation")
# An organisation outside the Assembly (registry ``organisations``: a ministry, an akimat)
# is a co-executor: Consulted or Informed freely, Responsible only where the RGU says so,
# never Accountable; it has no inbox (notifications name it, tell it nothing).
ORGANISATION = "organisation"
MAX_LAG = 250  # working days, about a year
RGU_SCOPE = "RGU"  # the scope of a project's RGU plan (it belongs to no region)
# the template milestone "implementation plan approved by the RGU": the plan's approval is
# what completes it (and a reopening undoes it), never a hand edit
APPROVAL_MILESTONE = "org.approved"


@dataclass
class BaseProject:
    code: str
    title_kk: str
    title_ru: str
    title_en: str
    goal_kk: str = ""
    goal_ru: str = ""
    goal_en: str = ""
    id: int = None
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
    id: int = None
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
    id: int = None
    version: int = 1


@dataclass
class Plan:
    """A regional implementation plan (KGU x base project x year), or a project's RGU plan."""

    project_code: str
    year: int
    scope: str  # the region code, or RGU_SCOPE
    region_code: str = None
    org_unit_id: int = None
    org_unit_name: str = None
    status: str = "draft"
    expected_results: str = ""
    start_date: date = None
    id: int = None
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

    def to_dict(self):
        return asdict(self)


@dataclass
class Task:
    plan_id: int
    project_code: str
    year: int
    title: str
    kind: str = "task"
    region_code: str = None
    parent_id: int = None
    template_key: str = None
    title_kk: str = None
    description: str = ""
    start_date: date = None
    due_date: date = None
    duration: int = 1
    scheduling: str = "auto"
    status: str = "planned"
    progress: int = 0
    expected_finish: date = None
    # from a dated template item: on / not_before / within, the earliest start and the
    # latest (for on: the) due date it allows; the conflict when predecessors break it
    constraint_kind: str = None
    constraint_start: date = None
    constraint_due: date = None
    constraint_conflict: dict = None
    deliverable: bool = False  # done only with at least one attachment (evidence)
    id: int = None
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
    id: int = None


@dataclass
class Assignment:
    task_id: int
    role: str
    assignee_kind: str
    assignee_id: int
    assignee_name: str = None
    region_code: str = None
    id: int = None

    def assignee(self):
        return {"kind": self.assignee_kind, "id": self.assignee_id, "name": self.assignee_name,
                "region_code": self.region_code}


def check_raci(assignments, status):
    """Exactly one Accountable; a Responsible once work has started (or is done)."""
    roles = [a.role for a in assignments]
    if roles.count("A") != 1:
        raise Invalid(_("a task has exactly one Accountable (A)"),
                      {"role": _("{count} accountable assignments", count=roles.count('A'))})
    if status in ("in_progress", "done") and "R" not in roles:
        raise Invalid(_("a Responsible (R) is required before work starts"),
                      {"status": _("assign a Responsible first")})
