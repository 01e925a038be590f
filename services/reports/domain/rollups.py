"""Aggregates of numeric fields (sum, average, minimum, maximum) over groups of reports.

Exact: every value is a Decimal; integer fields stay whole in sums, minima and maxima,
averages are rounded to 2 decimal places (half up). The arithmetic runs with far more
digits than any accepted value needs (``ROLLUP_CONTEXT``), so a value stored before today's
bounds (an integer of 10^30, say) still adds up; a stored value that is not a finite number
(a field that changed type between template versions) is left out of the figures, never an
error that would break the view for everybody.
"""
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any

CENT = Decimal("0.01")
# 60 significant digits: sums of 10^6 values of up to 10^30 stay exact; huge exponents are
# allowed so that no arithmetic traps (an amount beyond 60 digits is rounded, not refused)
ROLLUP_CONTEXT = Context(prec=60, Emax=999_999_999, Emin=-999_999_999, rounding=ROUND_HALF_UP)
MAX_TEXT_DIGITS = 80  # a figure with more digits before or after the point: exponent notation
# field types with no sum (null): a share of one report added to another's means nothing
NOT_SUMMED = ("percent",)


class Aggregate:
    __slots__ = ("count", "sum", "min", "max")

    def __init__(self) -> None:
        self.count = 0
        self.sum = Decimal(0)
        self.min: Decimal | None = None
        self.max: Decimal | None = None

    def add(self, value: Decimal) -> None:
        """Count ``value`` in; call within ``localcontext(ROLLUP_CONTEXT)`` (roll_up does)."""
        self.count += 1
        self.sum += value
        if self.min is None or value < self.min:
            self.min = value
        if self.max is None or value > self.max:
            self.max = value

    def result(self, summed: bool = True) -> dict[str, Any]:
        """count, sum, avg, min, max as text (None when nothing counted, and the sum when
        ``summed`` is false)."""
        with localcontext(ROLLUP_CONTEXT):
            avg = _cents(self.sum / self.count) if self.count else None
        return {"count": self.count, "sum": _text(self.sum) if self.count and summed else None,
                "avg": _text(avg), "min": _text(self.min), "max": _text(self.max)}


def _cents(number: Decimal) -> Decimal:
    """``number`` rounded half up to 2 places, or as it is when it has too many digits."""
    try:
        return number.quantize(CENT, ROUND_HALF_UP)
    except InvalidOperation:
        return number


def _text(number: Decimal | None) -> str | None:
    if number is None:
        return None
    if abs(number.adjusted()) >= MAX_TEXT_DIGITS:
        return str(number)
    return format(number, "f")


def number_of(value: object) -> Decimal | None:
    """A stored value as a finite Decimal, or None when it is not a number."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, str, float)):
        return None
    try:
        number = Decimal(value) if not isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def roll_up(rows: Iterable[tuple[Mapping[str, Any], Any]], fields: Sequence[str],
            groups_of: Callable[[Any], Iterable[Hashable]],
            unsummed: Collection[str] = ()) -> dict[Hashable, dict[str, dict[str, Any]]]:
    """``{group: {field: aggregate}}`` over ``rows`` of (values dict, row).

    ``groups_of(row)`` names the groups a row counts in (e.g. its region and "national");
    ``fields`` are the numeric field codes; those in ``unsummed`` (the percent fields, see
    NOT_SUMMED) get a null sum, as in the CSV/XLSX exports.
    """
    groups: dict[Hashable, dict[str, Aggregate]] = {}  # group -> field -> its aggregate
    with localcontext(ROLLUP_CONTEXT):
        for values, row in rows:
            read = [(code, number_of(values.get(code))) for code in fields]
            numbers = [(code, number) for code, number in read if number is not None]
            for name in groups_of(row):
                group = groups.get(name)
                if group is None:
                    group = groups[name] = {code: Aggregate() for code in fields}
                for code, number in numbers:
                    group[code].add(number)
    return {name: {code: agg.result(code not in unsummed) for code, agg in aggregates.items()}
            for name, aggregates in groups.items()}
