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
