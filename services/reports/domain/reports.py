"""A report one org unit owes on one template for one period, and its workflow.

draft -> submitted -> accepted (locked), or -> returned (with a comment) -> submitted ...
An accepted report is reopened by the RGU with a reason, and is then edited and
submitted again. Timeliness is decided by the first submission, so a report the RGU
returns late for correction does not become late itself.
"""
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kelisim.errors import Conflict, Invalid
from kelisim.i18n import Msg, _
from kelisim.labels import label
from services.reports.contract import REPORT_STATUSES as STATUSES  # noqa: F401  (the contract's words)

EDITABLE = ("draft", "returned", "reopened")
REPORTED = ("submitted", "accepted")  # what counts as an actual report in reporting rates


@dataclass
class OrgUnit:
    """The registry's org unit, as far as reporting needs it (a local copy)."""

    id: int
    code: str
    kind: str
    level: str
    name_kk: str = ""
    name_ru: str = ""
    region_code: str | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    version: int = 1

    def open_during(self, first_day, last_day):
        """Open on at least one day of [first_day, last_day] (closed on ``closed_on``)."""
        opened = self.opened_on is None or self.opened_on <= last_day
        return opened and (self.closed_on is None or self.closed_on > first_day)


@dataclass
class Report:
    template_id: int
    template_code: str
    template_version: int
    period: str
    period_start: date
    period_end: date
    org_unit_id: int
    due_date: date
    timely_until: date
    region_code: str | None = None
    project_code: str | None = None
    status: str = "draft"
    values: dict[str, Any] | None = None  # {field code: value}; None until first saved
    comment: str | None = None
    submission_count: int = 0
    reopen_count: int = 0
    first_submitted_at: datetime | None = None
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None
    decided_by: str | None = None
    on_time: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None
    version: int = 1

    @property
    def reported(self):
        return self.status in REPORTED

    def days_late(self, today):
        return (today - self.due_date).days if today > self.due_date else 0

    def is_overdue(self, today):
        return not self.reported and today > self.due_date

    def _require(self, allowed, refused):
        """Conflict, saying ``refused`` (a Msg with ``{status}``), unless the status allows."""
        if self.status not in allowed:
            hint = _("accepted reports are locked; the RGU can reopen them") \
                if self.status == "accepted" else ""
            status = label("report_status", self.status)
            raise Conflict(_("{refusal} ({hint})", refusal=Msg(refused.msgid, status=status),
                             hint=hint) if hint else Msg(refused.msgid, status=status),
                           {"status": _("is {status}; this needs {allowed}", status=status,
                                        allowed=_or([label("report_status", a)
                                                     for a in allowed]))})

    def save(self, values, now):
        self._require(EDITABLE, _("a report that is {status} cannot be edited"))
        self.values = values
        self.updated_at = now

    def submit(self, values, now, submitted_on):
        """``values`` are already checked complete; ``submitted_on`` is the KZ date of now."""
        self._require(EDITABLE, _("a report that is {status} cannot be submitted"))
        self.values = values
        self.status = "submitted"
        self.submission_count += 1
        self.submitted_at = now
        if self.first_submitted_at is None:
            self.first_submitted_at = now
            self.on_time = submitted_on <= self.timely_until
        self.comment = None
        self.updated_at = now

    def accept(self, now, actor_id, comment=None):
        self._require(("submitted",), _("a report that is {status} cannot be accepted"))
        self.status = "accepted"
        self.accepted_at = now
        self.decided_by = actor_id
        self.comment = comment
        self.updated_at = now

    def return_for_correction(self, now, actor_id, comment):
        self._require(("submitted",), _("a report that is {status} cannot be returned"))
        if not (comment or "").strip():
            raise Invalid(_("say what to correct"), {"comment": _("required: why it is returned")})
        self.status = "returned"
        self.decided_by = actor_id
        self.comment = comment
        self.updated_at = now

    def reopen(self, now, actor_id, reason):
        self._require(("accepted",), _("a report that is {status} cannot be reopened"))
        if not (reason or "").strip():
            raise Invalid(_("say why it is reopened"),
                          {"reason": _("required: why it is reopened")})
        self.status = "reopened"
        self.reopen_count += 1
        self.accepted_at = None
        self.decided_by = actor_id
        self.comment = reason
        self.updated_at = now


def _or(messages):
    """``a``, ``a or b``, ``a, b or c`` in the reader's language."""
    if len(messages) == 1:
        return messages[0]
    head = messages[0]
    for item in messages[1:-1]:
        head = _("{first}, {second}", first=head, second=item)
    return _("{first} or {last}", first=head, last=messages[-1])
