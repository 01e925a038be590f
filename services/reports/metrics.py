"""Report collection in numbers, for Prometheus: reports expected, submitted and overdue per
region and template, and the reporting and on-time rates per region.

Read from the database every few seconds by ``BackgroundGauges`` (one GROUP BY); every
replica exports the same values, so aggregate with ``max``. Counts cover every period
collected so far; the rates cover the reports whose due date has passed (so the quarter
being collected does not pull them down), as DHIS2's REPORTING_RATE and
REPORTING_RATE_ON_TIME do for a period.
"""
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kelisim.metrics import StateGauge
from services.reports.adapters.orm import reports
from services.reports.domain.periods import kz_today
from services.reports.domain.reports import REPORTED

NO_REGION = "RGU"  # reports of org units without a region (the RGU itself)
LABELS = ("region", "template")

EXPECTED = StateGauge("kelisim_reports_expected",
                      "Reports expected so far (one per template, period and org unit).", LABELS)
SUBMITTED = StateGauge("kelisim_reports_submitted",
                       "Reports submitted or accepted (what counts in reporting rates).", LABELS)
OVERDUE = StateGauge("kelisim_reports_overdue",
                     "Reports past their due date and not submitted.", LABELS)
RATE = StateGauge("kelisim_reporting_rate_ratio",
                  "Reports submitted over reports due (0..1), among those whose due date "
                  "has passed.", ("region",))
ON_TIME = StateGauge("kelisim_reporting_on_time_ratio",
                     "Reports first submitted within the timely window over reports due "
                     "(0..1), among those whose due date has passed.", ("region",))


def refresh(engine, day=None):
    """Read every gauge of this module from the reports database."""
    day = day or kz_today()
    reported = sa.case((reports.c.status.in_(REPORTED), 1), else_=0)
    past_due = reports.c.due_date < day
    due = sa.case((past_due, 1), else_=0)
    overdue = sa.case((sa.and_(past_due, reports.c.status.not_in(REPORTED)), 1), else_=0)
    due_reported = sa.case((sa.and_(past_due, reports.c.status.in_(REPORTED)), 1), else_=0)
    due_on_time = sa.case((sa.and_(past_due, reports.c.on_time.is_(True)), 1), else_=0)
    key = (reports.c.region_code, reports.c.template_code)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(
            *key, sa.func.count(), sa.func.sum(reported), sa.func.sum(overdue),
            sa.func.sum(due), sa.func.sum(due_reported), sa.func.sum(due_on_time),
        ).group_by(*key)).all()
    expected, submitted, late, by_region = {}, {}, {}, {}
    for region, template, count, n_reported, n_overdue, n_due, n_due_reported, n_on_time in rows:
        labels = (region or NO_REGION, template)
        expected[labels], submitted[labels], late[labels] = count, n_reported or 0, n_overdue or 0
        totals = by_region.setdefault(region or NO_REGION, [0, 0, 0])
        totals[0] += n_due or 0
        totals[1] += n_due_reported or 0
        totals[2] += n_on_time or 0
    EXPECTED.set_all(expected)
    SUBMITTED.set_all(submitted)
    OVERDUE.set_all(late)
    RATE.set_all({(region,): t[1] / t[0] for region, t in by_region.items() if t[0]})
    ON_TIME.set_all({(region,): t[2] / t[0] for region, t in by_region.items() if t[0]})


# count targets (services/reports/domain/targets.py): the current period of each active
# target, nationally and per region; ~11 targets x 21 regions at most
TARGET_LABELS = ("target", "period_type", "region")
TARGET = StateGauge("kelisim_event_target",
                    "The minimum of a count target for its current period (year or quarter): "
                    "region=national for the country; a region's own where it has one.",
                    TARGET_LABELS)
TARGET_ACTUAL = StateGauge("kelisim_event_target_actual",
                           "Recorded events (or their participants or media items) counting "
                           "towards a target in its current period, from the events register.",
                           TARGET_LABELS)


def refresh_targets(engine, day=None):
    """Read the target gauges from the reports database (one query per target)."""
    from services.reports.adapters.repository import ReportsRepository
    from services.reports.service_layer.targets import current_progress

    day = day or kz_today()
    with Session(engine) as session:
        repo = ReportsRepository(session)
        types = {t.code: t.period_type for t in repo.targets(active=True)}
        rows = current_progress(repo, day)
    TARGET.set_all({(r["target"], types[r["target"]], r["region"]): r["target_value"]
                    for r in rows if r["target_value"] is not None})
    TARGET_ACTUAL.set_all({(r["target"], types[r["target"]], r["region"]): r["actual"]
                           for r in rows})
