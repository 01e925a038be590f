"""How a base project's template writes its dates (``services/projects/domain/template.py``
says what they mean): days of the year ``MM-DD``, the periods ``Q1``..``Q4``, ``H1``, ``H2``,
and RFC 5545 recurrence rules (python-dateutil's ``rrule``). The schemas check them on
load; the domain schedules with them.
"""
import re
from datetime import date, datetime
from functools import lru_cache
from itertools import islice

from dateutil.rrule import rrulestr

from kelisim.i18n import _

PERIODS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6),
           "H2": (7, 12)}  # first and last month
DAY_OF_YEAR = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
MAX_OCCURRENCES = 60  # a year
# years a rule is tried on: every year a plan can be made for (the working calendar's span,
# kelisim.workdays). Fewer miss some: a rule's count varies with the leap year, the weekday
# the year starts on, the previous year's weeks (BYWEEKNO) and Easter, and 2024-2031 lack
# e.g. a common year starting on a Sunday (2023, 2034), where «1 January unless a Sunday»
# gives no date at all
SAMPLE_YEARS = range(2020, 2041)
# the parts a rule may have (RFC 5545 3.3.10 less DTSTART/UNTIL and the times of day: a
# task is due on a date, and BYHOUR/BYMINUTE/BYSECOND would give the same date many times
# over -- a day of BYHOUR=0..23;BYMINUTE=0..59 is 1440 dates to enumerate, minutes of CPU
# for a rule of a few hundred characters)
RULE_PARTS = frozenset({"FREQ", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYYEARDAY",
                        "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"})
MAX_RULE = 500  # characters
RULE_TEXT = re.compile(r"^(RRULE:)?[A-Z]+=[A-Z0-9,+-]+(;[A-Z]+=[A-Z0-9,+-]+)*$", re.I)


def day_in(text, year):
    """The date of ``MM-DD`` ``text`` in ``year``; ValueError if it is not a day of it."""
    month, day = DAY_OF_YEAR.match(text).groups() if DAY_OF_YEAR.match(text or "") \
        else (0, 0)
    return date(year, int(month), int(day))


def day_error(text):
    """Why ``text`` is not a day every year has (``MM-DD``; 02-29 is not), or None."""
    try:
        day_in(text, 2027)
    except (ValueError, TypeError):
        return _("a day of every year as MM-DD, such as 05-01")
    return None


FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")  # a date a task is due on, no finer


def _parts(rule):
    """``{NAME: value}`` of an RRULE's parts (ValueError if it is not ``NAME=value;...``)."""
    text = rule[len("RRULE:"):] if rule.upper().startswith("RRULE:") else rule
    parts = {}
    for part in text.strip().split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or name.strip().upper() in parts:
            raise ValueError(rule)
        parts[name.strip().upper()] = value.strip()
    return parts


def _body(parts):
    return ";".join(f"{name}={value}" for name, value in parts.items() if name != "COUNT")


def _matches_at_all(parts):
    """Whether the rule gives any date. dateutil looks for the next date up to year 9999
    even past UNTIL, which takes seconds for a rule that never matches (30 February), so
    it is asked from 9990, where that search ends at once."""
    return next(iter(rrulestr(_body(parts), dtstart=datetime(9990, 1, 1))), None) is not None


def occurrences(rule, year, limit=None):
    """The dates an RRULE gives in ``year``, in order (python-dateutil, RFC 5545), read
    from 1 January and cut at 31 December (so a rule that never matches ends quickly);
    at most ``limit`` of them (None: all)."""
    parts = _parts(rule)
    count = int(parts.pop("COUNT")) if "COUNT" in parts else None
    if limit is not None:
        count = limit if count is None else min(count, limit)
    parsed = rrulestr(_body(parts), dtstart=datetime(year, 1, 1)).replace(
        until=datetime(year, 12, 31, 23, 59))
    return [moment.date() for moment in islice(parsed, count)]


@lru_cache(maxsize=1024)
def rule_error(rule):
    """Why ``rule`` is not a usable recurrence (see the module docstring), or None."""
    usage = _("an RRULE without DTSTART or UNTIL, such as FREQ=YEARLY;BYMONTH=3;"
              "BYMONTHDAY=1")
    try:
        # NAME=value;... alone: dateutil splits its text at any white space and reads the
        # rest as more lines (a second RRULE, an EXDATE: a rule set, no single rule), and
        # int() reads digits RFC 5545 does not (COUNT=٣)
        parts = _parts(rule) if isinstance(rule, str) and len(rule) <= MAX_RULE \
            and RULE_TEXT.match(rule) else None
    except ValueError:
        parts = None
    if not parts or not set(parts) <= RULE_PARTS \
            or parts.get("FREQ", "").upper() not in FREQUENCIES:
        return usage
    try:
        if "COUNT" in parts and not 1 <= int(parts["COUNT"]) <= MAX_OCCURRENCES \
                or not _matches_at_all(parts):
            return _("from 1 to {max} dates a year", max=MAX_OCCURRENCES)
        counts = {len(occurrences(rule, year, MAX_OCCURRENCES + 1)) for year in SAMPLE_YEARS}
    except (ValueError, TypeError, OverflowError):
        return usage
    if min(counts) < 1 or max(counts) > MAX_OCCURRENCES:
        return _("from 1 to {max} dates a year", max=MAX_OCCURRENCES)
    return None

