"""Benchmark: reporting and on-time rates for all templates and regions of a year.

The seven shipped templates (six quarterly, one yearly) from the 20 KGUs, plus a monthly
template from 9 district branches per region: 2 660 expected reports. Target: under
200 ms. The baseline, measured in the same run, counts the year's reports in one query.
    .venv/bin/python bench/reports_rates.py [--postgres] [--runs 30]
"""
import random
from datetime import date

import sqlalchemy as sa
from reports_common import REGIONS, Bench, arguments, database, kgus, line, median_ms

from services.reports.adapters import orm
from services.reports.domain.periods import periods_starting_between
from services.reports.service_layer import analytics, templates
from services.reports.service_layer.templates import load_reference_templates

BRANCHES = 9


def branches():
    return [{"id": 1000 + i * BRANCHES + b, "code": f"BR-{r}-{b}", "kind": "kgu_branch",
             "level": "district", "name_kk": r, "name_ru": r, "region_code": r, "version": 1}
            for i, r in enumerate(REGIONS) for b in range(BRANCHES)]


def load(bench):
    units = kgus() + branches()
    bench.add_units(units)
    load_reference_templates(bench.uow())
    templates.create_template(bench.uow(), {
        "code": "branch-monthly", "title_kk": "Ай сайынғы", "title_ru": "Ежемесячный",
        "period_type": "monthly", "reporters": "level", "reporter_level": "district",
        "fields": [{"code": "events", "type": "integer", "label_kk": "Іс-шара",
                    "label_ru": "Мероприятия"}]})
    rng = random.Random(11)
    rows = []
    with bench.uow() as uow:
        for template in uow.repo.latest_templates():
            for period in periods_starting_between(template.period_type, date(2026, 1, 1),
                                                   date(2026, 12, 31)):
                for unit in units:
                    if not template.must_report(_Unit(unit)):
                        continue
                    reported = rng.random() < 0.8
                    rows.append({
                        "template_id": template.id, "template_code": template.code,
                        "period": period.code, "period_start": period.start,
                        "period_end": period.end, "org_unit_id": unit["id"],
                        "region_code": unit["region_code"], "due_date": period.end,
                        "timely_until": period.end,
                        "status": "accepted" if reported else "draft",
                        "on_time": (rng.random() < 0.75) if reported else None})
    bench.insert(rows)
    return len(rows)


class _Unit:
    def __init__(self, data):
        self.__dict__.update(data)


def main():
    args = arguments(__doc__)
    print(f"reports rates: all templates and regions of 2026 (median of {args.runs} runs)")
    for kind in ["sqlite"] + (["postgres"] if args.postgres else []):
        with database(kind) as url:
            bench = Bench(url)
            try:
                count = load(bench)
                r = orm.reports

                def baseline(bench=bench, r=r):
                    with bench.engine.connect() as conn:
                        return conn.execute(sa.select(sa.func.count()).where(
                            r.c.period_start.between(date(2026, 1, 1), date(2026, 12, 31))
                        )).scalar()

                rates = analytics.reporting_rates(bench.uow(), {"year": 2026})
                assert rates["national"]["expected"] == count == 2660, count
                line(kind, f"rates of {count} reports", median_ms(
                    lambda bench=bench: analytics.reporting_rates(bench.uow(), {"year": 2026}), args.runs),
                     median_ms(baseline, args.runs), 200)
            finally:
                bench.close()


if __name__ == "__main__":
    main()
