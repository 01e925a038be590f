"""Reporting periods: ``2026-07`` (monthly), ``2026-Q3``, ``2026-H2``, ``2026`` (yearly).

Dates are Kazakhstan calendar dates (kelisim/clock.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kelisim.clock import LOCAL_TIME as KZ_TIME  # noqa: F401  (read by reports modules)
from kelisim.clock import local_date as kz_date  # noqa: F401
from kelisim.clock import today as kz_today  # noqa: F401
from services.reports.contract import PERIOD_TYPES, read_period  # noqa: F401  (the contract's words)

_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}




@dataclass(frozen=True, order=True)
class Period:
    """One period of a period type: ``index`` counts from 1 within ``year``."""

    year: int
    type: str
    index: int

    @property
    def months(self) -> int:
        return _MONTHS[self.type]

    @property
    def start(self) -> date:
        return date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Period:
        per_year = 12 // self.months
        if self.index < per_year:
            return Period(self.year, self.type, self.index + 1)
        return Period(self.year + 1, self.type, 1)

    @property
    def code(self) -> str:
        if self.type == "monthly":
            return f"{self.year}-{self.index:02d}"
        if self.type == "quarterly":
            return f"{self.year}-Q{self.index}"
        if self.type == "half_yearly":
            return f"{self.year}-H{self.index}"
        return f"{self.year}"

    def __str__(self) -> str:
        return self.code


def parse_period(text: str, period_type: str | None = None) -> Period:
    """The :class:`Period` written as ``text``; ValueError if it is none (or not of the type)."""
    return Period(*read_period(text, period_type))


def period_containing(day: date, period_type: str) -> Period:
    """The period of ``period_type`` that ``day`` falls in."""
    months = _MONTHS[period_type]
    return Period(day.year, period_type, (day.month - 1) // months + 1)


def periods_starting_between(period_type: str, first_day: date, last_day: date) -> list[Period]:
    """Every period of ``period_type`` whose first day is within [first_day, last_day]."""
    period = period_containing(first_day, period_type)
    if period.start < first_day:
        period = period.next()
    found = []
    while period.start <= last_day:
        found.append(period)
        period = period.next()
    return found


def overlaps(start: date, end: date, first_day: date | None, last_day: date | None) -> bool:
    """Whether [start, end] shares a day with [first_day, last_day] (bounds may be None)."""
    return (last_day is None or start <= last_day) and (first_day is None or end >= first_day)
