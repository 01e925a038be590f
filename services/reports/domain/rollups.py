"""Aggregates of numeric fields (sum, average, minimum, maximum) over groups of reports.

Exact: every value is a Decimal; integer fields stay whole in sums, minima and maxima,
averages are rounded to 2 decimal places (half up).
"""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


class Aggregate:
    __slots__ = ("count", "sum", "min", "max")

    def __init__(self):
        self.count = 0
        self.sum = Decimal(0)
        self.min = None
        self.max = None

    def add(self, value):
        self.count += 1
        self.sum += value
        if self.min is None or value < self.min:
            self.min = value
        if self.max is None or value > self.max:
            self.max = value

    def result(self):
        avg = (self.sum / self.count).quantize(CENT, ROUND_HALF_UP) if self.count else None
        return {"count": self.count, "sum": _text(self.sum) if self.count else None,
                "avg": _text(avg), "min": _text(self.min), "max": _text(self.max)}


def _text(number):
    return None if number is None else format(number, "f")


def roll_up(rows, fields, groups_of):
    """``{group: {field: aggregate}}`` over ``rows`` of (values dict, row).

    ``groups_of(row)`` names the groups a row counts in (e.g. its region and "national");
    ``fields`` are the numeric field codes.
    """
    groups = {}
    for values, row in rows:
        numbers = [(code, Decimal(values[code])) for code in fields if values.get(code) is not None]
        for name in groups_of(row):
            group = groups.get(name)
            if group is None:
                group = groups[name] = {code: Aggregate() for code in fields}
            for code, number in numbers:
                group[code].add(number)
    return {name: {code: agg.result() for code, agg in aggregates.items()}
            for name, aggregates in groups.items()}
