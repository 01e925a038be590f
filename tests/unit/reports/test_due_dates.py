"""A report due on a day off is due on the next working day (issue 12.2), in Kazakhstan's
working calendar (kelisim.workdays), and its on-time window follows."""
from datetime import date

from services.reports.domain.periods import parse_period
from services.reports.domain.reports import Report
from services.reports.domain.templates import Template
from services.reports.service_layer import reports
from tests.support_reports import mediation_template


def test_a_due_date_on_a_sunday_moves_to_monday_and_the_window_follows():
    template = Template(**mediation_template(period_type="monthly", due_days=10,
                                             timely_days=0))
    december = parse_period("2026-12")
    # 31 December 2026 + 10 days is Sunday 10 January 2027
    assert template.due_date(december) == date(2027, 1, 11)
    assert template.timely_until(december) == date(2027, 1, 11)
    # 1 and 2 January 2027 are New Year, 4 January its day off, 7 January Christmas
    november = parse_period("2026-11")  # 30 November + 33 days: Saturday 2 January
    late = Template(**mediation_template(period_type="monthly", due_days=33, timely_days=3))
    assert late.due_date(november) == date(2027, 1, 5)
    assert late.timely_until(november) == date(2027, 1, 8)  # 5 + 3 days
    assert template.due_date(parse_period("2027-01")) == date(2027, 2, 10)  # a Wednesday
    report = Report(id=1, template_id=1, template_code="m", template_version=1,
                    period="2026-12", period_start=december.start, period_end=december.end,
                    org_unit_id=2, region_code="KZ-61", due_date=template.due_date(december),
                    timely_until=template.timely_until(december))
    assert not report.is_overdue(date(2027, 1, 11)) and report.is_overdue(date(2027, 1, 12))


def test_the_collection_job_stores_the_moved_due_date(uow, template, collect):
    template(active_from="2026-01-01")  # quarterly, due 10 days after, on time 5 more
    collect(date(2027, 1, 2))
    page = reports.list_reports(uow(), {"limit": 200, "region": "KZ-61"})
    q4 = next(r for r in page["items"] if r["period"] == "2026-Q4")
    # Sunday 10 January 2027 -> Monday 11th; 11 + 5 is Saturday 16th -> Monday 18th
    assert (q4["due_date"], q4["timely_until"]) == ("2027-01-11", "2027-01-18")
