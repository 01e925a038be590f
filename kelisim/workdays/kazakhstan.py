"""Kazakhstan's days off: the ``holidays`` package's public holidays (kk and en names from
the package, ru names here), plus the Government's transfer decrees from transfers_kz.json.

A transfer decree (Labour Code art. 85 lets the Government move days off) makes ``day_off``
a day off and ``working_day`` (a Saturday or Sunday) a working day; a row may carry only one
of the two. Each row names its ``source``; a row the package does not know yet also says
why it differs (``reason``), and ``check_transfers`` lists those differences.
"""
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
from holidays import HolidayBase

from kelisim.workdays.calendar import WorkCalendar

FIRST, LAST = date(2020, 1, 1), date(2040, 12, 31)  # the dates the platform schedules in
TRANSFERS = Path(__file__).with_name("transfers_kz.json")
LABOUR_CODE = "https://adilet.zan.kz/kaz/docs/K1500000414"  # art. 84-85: holidays, days off

# ru names of the package's holidays, by their en_US name (the package has no ru).
RU = {
    "New Year's Day": "Новый год",
    "Orthodox Christmas": "Православное Рождество",
    "International Women's Day": "Международный женский день",
    "Nowruz Holiday": "Наурыз мейрамы",
    "Kazakhstan's People Solidarity Holiday": "Праздник единства народа Казахстана",
    "Defender of the Fatherland Day": "День защитника Отечества",
    "Victory Day": "День Победы",
    "Capital Day": "День Столицы",
    "Constitution Day": "День Конституции Республики Казахстан",
    "Republic Day": "День Республики",
    "First President Day": "День Первого Президента Республики Казахстан",
    "Independence Day": "День Независимости",
    "Eid al-Adha": "Курбан айт",
}
RU_SUFFIX = {"observed": "перенесённый выходной", "estimated": "дата ориентировочная",
             "observed, estimated": "перенесённый выходной, дата ориентировочная"}
_SUFFIX = re.compile(r"^(.*?)(?: \((observed|estimated|observed, estimated)\))?$")
_SUBSTITUTED = re.compile(r"^Day off \(substituted from (\d\d)/(\d\d)/(\d{4})\)$")


@dataclass(frozen=True)
class Transfer:
    """One row of a Government decree: ``day_off`` becomes a day off, ``working_day`` a
    working day (either may be None); ``source`` is the decree (an adilet.zan.kz address)."""

    day_off: date | None = None
    working_day: date | None = None
    source: str = ""
    title: str = ""
    reason: str = ""

    def as_json(self) -> dict[str, str]:
        row = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}
        return {k: v for k, v in row.items() if v}


def load_transfers(path: str | Path = TRANSFERS) -> list[Transfer]:
    """The transfer rows of ``path`` (transfers_kz.json by default), as :class:`Transfer`."""
    data = json.loads(Path(path).read_text("utf-8"))
    rows = []
    for row in data["transfers"]:
        rows.append(Transfer(
            day_off=row.get("day_off") and date.fromisoformat(row["day_off"]),
            working_day=row.get("working_day") and date.fromisoformat(row["working_day"]),
            source=row.get("source", ""), title=row.get("title", ""),
            reason=row.get("reason", "")))
    return rows


def package_calendar(years: int | Iterable[int], language: str | None = None) -> HolidayBase:
    """The ``holidays`` package's Kazakhstan calendar for ``years`` (public holidays, its
    observed days and the decrees it knows)."""
    calendar: HolidayBase = holidays.country_holidays("KZ", years=years, language=language)
    return calendar


def _transfer_problems(row: Transfer) -> list[str]:
    problems = []
    if row.day_off is None and row.working_day is None:
        problems.append("names neither a day off nor a working day")
    if not row.source.startswith("https://"):
        problems.append("has no source (the decree's https:// address)")
    return problems


def differences(rows: list[Transfer], package: HolidayBase) -> dict[date, Transfer]:
    """``{date: row}``: the days on which ``rows`` make the platform differ from the package."""
    found: dict[date, Transfer] = {}
    for row in rows:
        if row.day_off is not None and package.is_working_day(row.day_off):
            found[row.day_off] = row
        if row.working_day is not None and not package.is_working_day(row.working_day):
            found[row.working_day] = row
    return found


def check_transfers(path: str | Path = TRANSFERS) -> tuple[list[str], dict[date, Transfer]]:
    """``(problems, differences)`` of the transfer rows of ``path``: problems are lines to fix
    (no source, a difference from the package without a reason); differences ``{date: row}``
    are where the platform deliberately departs from the package."""
    rows = load_transfers(path)
    years = {d.year for r in rows for d in (r.day_off, r.working_day) if d} or {FIRST.year}
    package = package_calendar(sorted(years), "en_US")
    problems = []
    for row in rows:
        label = f"{row.day_off or '-'} / {row.working_day or '-'}"
        problems += [f"{label}: {p}" for p in _transfer_problems(row)]
    found = differences(rows, package)
    for day, row in sorted(found.items()):
        if not row.reason.strip():
            problems.append(f"{day}: the package disagrees; give the row a reason")
    return problems, found


def add_transfer(day_off: date | None, working_day: date | None, source: str, title: str = "",
                 reason: str = "", path: str | Path = TRANSFERS) -> Transfer:
    """Append a decree row to ``path`` after checking it; returns the row.

    The day off must be a working day until now and the working day a day off (a Saturday
    or Sunday). Raises ValueError (with every problem) if not, or if the row is incomplete
    or listed already."""
    row = Transfer(day_off, working_day, source, title, reason)
    rows = load_transfers(path)
    if any((r.day_off, r.working_day) == (day_off, working_day) for r in rows):
        raise ValueError(f"{day_off} / {working_day} is listed already")
    problems = _transfer_problems(row)
    days = [d for d in (day_off, working_day) if d]
    if days:
        calendar = _calendar(rows, date(min(days).year, 1, 1), date(max(days).year, 12, 31))
        if day_off is not None and not calendar.is_working_day(day_off):
            problems.append(f"day_off {day_off} is a day off already")
        if working_day is not None and calendar.is_working_day(working_day):
            problems.append(f"working_day {working_day} is a working day already")
    if problems:
        raise ValueError("; ".join(problems))
    data = json.loads(Path(path).read_text("utf-8"))
    data["transfers"].append(row.as_json())
    data["transfers"].sort(key=lambda r: r.get("day_off") or r.get("working_day"))
    text = json.dumps(data, ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", "utf-8")
    kazakhstan.cache_clear()
    return row


def _calendar(rows: list[Transfer], first: date, last: date) -> WorkCalendar:
    package = package_calendar(range(first.year, last.year + 1))
    days_off = set(package) | {r.day_off for r in rows if r.day_off}
    worked = {r.working_day for r in rows if r.working_day}
    worked |= {d for d in package.weekend_workdays if first <= d <= last}
    worked -= {r.day_off for r in rows if r.day_off}
    return WorkCalendar(days_off - worked, worked, first, last)


@lru_cache(maxsize=8)
def kazakhstan(first: date=FIRST, last: date=LAST) -> WorkCalendar:
    """The Kazakhstan :class:`WorkCalendar` from ``first`` to ``last``: the package's days
    off, plus the transfer rows (a row's working_day is worked, its day_off is not)."""
    return _calendar(load_transfers(), first, last)


def _ru(en_name: str) -> str:
    parts = []
    for part in en_name.split("; "):
        substituted = _SUBSTITUTED.match(part)
        if substituted:
            month, day, year = substituted.groups()
            parts.append(f"Выходной день (перенесён с {day}.{month}.{year})")
            continue
        base, suffix = _SUFFIX.match(part).groups()  # type: ignore[union-attr]  # matches any text
        name = RU.get(base, base)
        parts.append(f"{name} ({RU_SUFFIX[suffix]})" if suffix else name)
    return "; ".join(parts)


def _transfer_names(row: Transfer, day: date) -> dict[str, str]:
    if day == row.day_off:
        other = row.working_day and row.working_day.strftime("%d.%m.%Y")
        return {"kk": f"Демалыс күні ({other} күнінен ауыстырылды)" if other
                else "Демалыс күні (Үкімет қаулысы)",
                "ru": f"Выходной день (перенесён с {other})" if other
                else "Выходной день (постановление Правительства)",
                "en": f"Day off (moved from {other})" if other
                else "Day off (Government decree)"}
    other = row.day_off and row.day_off.strftime("%d.%m.%Y")
    return {"kk": f"Жұмыс күні ({other} демалыс күнінің орнына)" if other
            else "Жұмыс күні (Үкімет қаулысы)",
            "ru": f"Рабочий день (вместо выходного {other})" if other
            else "Рабочий день (постановление Правительства)",
            "en": f"Working day (in exchange for {other})" if other
            else "Working day (Government decree)"}


def days_of_year(year: int) -> list[dict[str, Any]]:
    """What makes ``year`` differ from plain Monday-to-Friday weeks, in date order:
    ``[{"date", "working_day", "kind", "name": {"kk", "ru", "en"}, "source"}]``.

    ``kind`` is ``holiday`` (a public holiday or the day off that replaces one falling on a
    weekend, named as the package names it; those on a Saturday or Sunday included) or
    ``transfer`` (a decree's day off, or the Saturday/Sunday it makes a working day)."""
    calendar = kazakhstan() if FIRST.year <= year <= LAST.year \
        else kazakhstan(date(year, 1, 1), date(year, 12, 31))
    kk = package_calendar(year, "kk")
    en = package_calendar(year, "en_US")
    rows: dict[date, Transfer] = {}
    for transfer in load_transfers():
        for moved in (transfer.day_off, transfer.working_day):
            if moved is not None and moved.year == year:
                rows[moved] = transfer
    found: list[dict[str, Any]] = []
    for day in sorted(set(en) | set(rows) | set(en.weekend_workdays)):
        if day.year != year:
            continue
        row = rows.get(day)
        if row is not None:
            names, kind, source = _transfer_names(row, day), "transfer", row.source
        elif day in en:
            kind = "transfer" if _SUBSTITUTED.match(en[day]) else "holiday"
            names = {"kk": kk[day], "ru": _ru(en[day]), "en": en[day]}
            source = LABOUR_CODE
        else:  # a working weekend the package knows without a row here
            names = {"kk": "Жұмыс күні", "ru": "Рабочий день", "en": "Working day"}
            kind, source = "transfer", ""
        found.append({"date": day, "working_day": calendar.is_working_day(day),
                      "kind": kind, "name": names, "source": source})
    return found
