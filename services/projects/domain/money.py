"""Budgets in KZT as exact decimals, and earned value (PMI's PV, EV, AC, SV, CV, SPI, CPI)."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kelisim.errors import Invalid
from kelisim.i18n import _

TENGE = Decimal("0.01")
RATIO = Decimal("0.001")


def kzt(value):
    return Decimal(value).quantize(TENGE, rounding=ROUND_HALF_UP)


@dataclass
class BudgetLine:
    plan_id: int
    category: str
    planned: Decimal
    committed: Decimal = Decimal("0")
    actual: Decimal = Decimal("0")
    description: str = ""
    id: int | None = None
    version: int = 1

    def check(self):
        errors = {name: "must not be negative" for name in ("planned", "committed", "actual")
                  if getattr(self, name) < 0}
        if errors:
            raise Invalid(_("money is never negative"), errors)

    @property
    def overrun(self):
        return self.committed > self.planned or self.actual > self.planned

    def variances(self):
        """Planned minus actual, and planned minus committed (negative: overspent)."""
        return {"actual": kzt(self.planned - self.actual),
                "committed": kzt(self.planned - self.committed)}


def _ratio(numerator, denominator):
    if not denominator:
        return None
    return (numerator / denominator).quantize(RATIO, rounding=ROUND_HALF_UP)


def earned_value(budget, planned_fraction, earned_fraction, actual):
    """EV figures for a budget at completion, the planned and earned fractions (0..1)."""
    pv = kzt(budget * planned_fraction)
    ev = kzt(budget * earned_fraction)
    ac = kzt(actual)
    return {"bac": kzt(budget), "pv": pv, "ev": ev, "ac": ac, "sv": ev - pv, "cv": ev - ac,
            "spi": _ratio(ev, pv), "cpi": _ratio(ev, ac)}


def add_up(figures):
    """Earned value of several plans together (ratios recomputed from the sums)."""
    bac = sum((f["bac"] for f in figures), Decimal("0"))
    pv = sum((f["pv"] for f in figures), Decimal("0"))
    ev = sum((f["ev"] for f in figures), Decimal("0"))
    ac = sum((f["ac"] for f in figures), Decimal("0"))
    return {"bac": kzt(bac), "pv": kzt(pv), "ev": kzt(ev), "ac": kzt(ac), "sv": kzt(ev - pv),
            "cv": kzt(ev - ac), "spi": _ratio(ev, pv), "cpi": _ratio(ev, ac)}


def as_strings(figures):
    return {k: (None if v is None else str(v)) for k, v in figures.items()}
