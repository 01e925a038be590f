"""Events published by the reports service about each KGU's periodic reports."""
from marshmallow import fields

from kelisim.events.catalogue import EventData, event


class ReportRef(EventData):
    report_id = fields.Int(required=True)
    template_code = fields.Str(required=True)
    template_title = fields.Str(required=True)
    period = fields.Str(required=True)  # e.g. 2026-Q3, 2026-07, 2026-H2, 2026
    org_unit_id = fields.Int(required=True)
    region_code = fields.Str(allow_none=True, load_default=None)
    due_date = fields.Date(required=True)
    # optional additions: template_title is the Kazakh title; this is the Russian one
    template_title_ru = fields.Str(allow_none=True, load_default=None)


@event("reports", "report_due_soon")
class ReportDueSoon(ReportRef):
    days_left = fields.Int(required=True)


@event("reports", "report_overdue")
class ReportOverdue(ReportRef):
    days_overdue = fields.Int(required=True)
    stage = fields.Int(required=True)  # 1 for the first reminder, 2 for the next, ...


@event("reports", "report_submitted")
class ReportSubmitted(ReportRef):
    submitted_at = fields.AwareDateTime(required=True)
    on_time = fields.Bool(required=True)


@event("reports", "report_accepted")
class ReportAccepted(ReportRef):
    accepted_at = fields.AwareDateTime(required=True)


@event("reports", "report_returned")
class ReportReturned(ReportRef):
    comment = fields.Str(required=True)


@event("reports", "report_reopened")
class ReportReopened(ReportRef):
    reason = fields.Str(required=True)


# the events register: what the structures held (services/reports/service_layer/register.py)
class EventRef(EventData):
    event_id = fields.Int(required=True)
    region_code = fields.Str(allow_none=True, load_default=None)
    org_unit_id = fields.Int(required=True)
    org_unit_kind = fields.Str(required=True)
    kind = fields.Str(required=True)  # an event kind code (GET /api/v1/event-kinds)
    title_kk = fields.Str(allow_none=True, load_default=None)
    title_ru = fields.Str(allow_none=True, load_default=None)
    starts_at = fields.AwareDateTime(required=True)
    local_date = fields.Date(required=True)  # the Kazakhstan date it starts on
    participants = fields.Int(required=True)
    structure_ids = fields.List(fields.Int(), required=True)
    structure_types = fields.List(fields.Str(), required=True)
    project_code = fields.Str(allow_none=True, load_default=None)
    plan_id = fields.Int(allow_none=True, load_default=None)
    task_id = fields.Int(allow_none=True, load_default=None)
    initiative = fields.Str(allow_none=True, load_default=None)
    status = fields.Str(required=True)  # recorded or cancelled


@event("reports", "event_recorded")
class EventRecorded(EventRef):
    pass


@event("reports", "event_updated")
class EventUpdated(EventRef):
    changed = fields.List(fields.Str(), required=True)  # the names of the fields changed
    reason = fields.Str(allow_none=True, load_default=None)  # why, when the caller said


@event("reports", "event_cancelled")
class EventCancelled(EventRef):
    reason = fields.Str(required=True)
