"""Benchmark: roll-up of one template over 20 regions x 8 quarters with 50 numeric fields.

Target: under 100 ms. The baseline, measured in the same run, is the bare SELECT of the
same rows' values (what any roll-up must at least read).
    .venv/bin/python bench/reports_rollup.py [--postgres] [--runs 30]
"""
import random
from decimal import Decimal

import sqlalchemy as sa
from reports_common import REGIONS, Bench, arguments, database, kgus, line, median_ms

from services.reports.adapters import orm
from services.reports.domain.periods import Period
from services.reports.service_layer import analytics, templates

FIELDS = 50
TYPES = ("integer", "money", "decimal", "percent")


def template_data():
    return {
        "code": "bench-rollup", "title_kk": "Өлшем", "title_ru": "Замер", "period_type": "quarterly",
        "active_from": "2025-01-01",
        "fields": [{"code": f"f{i:02d}", "type": TYPES[i % 4], "label_kk": f"Өріс {i}",
                    "label_ru": f"Поле {i}"} for i in range(FIELDS)],
    }


def value(kind, rng):
    if kind == "integer":
        return rng.randint(0, 5000)
    if kind == "money":
        return str(Decimal(rng.randint(0, 10_000_000_00)) / 100)
    if kind == "percent":
        return str(Decimal(rng.randint(0, 10000)) / 100)
    return str(Decimal(rng.randint(0, 10**6)) / 1000)


def load(bench):
    bench.add_units(kgus())
    template = templates.create_template(bench.uow(), template_data())
    rng = random.Random(7)
    quarters = [Period(year, "quarterly", q) for year in (2025, 2026) for q in (1, 2, 3, 4)]
    rows = []
    for quarter in quarters:
        for unit_id, region in enumerate(REGIONS, start=1):
            rows.append({
                "template_id": template["id"], "template_code": template["code"],
                "period": quarter.code, "period_start": quarter.start,
                "period_end": quarter.end, "org_unit_id": unit_id, "region_code": region,
                "due_date": quarter.end, "timely_until": quarter.end,
                "values": {f"f{i:02d}": value(TYPES[i % 4], rng) for i in range(FIELDS)}})
    bench.insert(rows)
    return len(rows)


def main():
    args = arguments(__doc__)
    print("reports roll-up: 1 template, 20 regions x 8 quarters, 50 fields "
          f"(median of {args.runs} runs)")
    for kind in ["sqlite"] + (["postgres"] if args.postgres else []):
        with database(kind) as url:
            bench = Bench(url)
            try:
                count = load(bench)
                query = {"template": "bench-rollup", "from": "2025-Q1", "to": "2026-Q4"}
                r = orm.reports

                def baseline(bench=bench, r=r):
                    with bench.engine.connect() as conn:
                        return conn.execute(sa.select(r.c["values"], r.c.region_code).where(
                            r.c.template_code == "bench-rollup")).all()

                result = analytics.rollup(bench.uow(), query)
                assert result["national"]["reports"] == count == 160
                assert len(result["groups"]) == 20 and len(result["fields"]) == FIELDS
                base = median_ms(baseline, args.runs)
                line(kind, "rollup by region", median_ms(
                    lambda bench=bench, query=query: analytics.rollup(bench.uow(), query),
                    args.runs), base, 100)
                line(kind, "export xlsx", median_ms(lambda bench=bench, query=query: (
                    analytics.export_rollup(bench.uow(), dict(query, format="xlsx"))),
                    max(5, args.runs // 3)), base, 1000)
            finally:
                bench.close()


if __name__ == "__main__":
    main()
