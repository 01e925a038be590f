"""The reports service's contract: what the gateway and the other services may know of it.

- ``SERVICE``: the nameko name its RPC methods answer under;
- the words of its data (period types and codes, report and event statuses, field types,
  rule operators, value limits, target measures), which its domain
  (``services/reports/domain``) takes from here;
- :func:`read_period`: what a period code (2026-07, 2026-Q3, 2026-H2, 2026) says;
- ``schemas`` (templates, reports, analytics) and ``register_schemas`` (the events
  register and the count targets): the marshmallow schemas of what its RPC methods accept
  and return (the gateway's requests and answers, and ``/openapi.json``);
- :func:`event_types`: the events it publishes (their schemas: ``kelisim.events.catalogue.reports``).

Its RPC methods raise the shared errors of :mod:`kelisim.errors` (``NotFound``,
``Conflict``, ``Invalid``, ``Forbidden``), which cross RPC intact.
Nothing here imports the service's domain, adapters, service layer or entrypoints
(``make lint`` checks it: pyproject.toml's ``[tool.importlinter]``).
"""
import re
from decimal import Decimal

from kelisim.clock import LOCAL_TIME as KZ_TIME  # noqa: F401  (the time zone of the register's times)
from kelisim.i18n import _
from kelisim.workdays import FIRST as FIRST_DAY  # noqa: F401  (the platform calendar's span)
from kelisim.workdays import LAST as LAST_DAY  # noqa: F401

SERVICE = "reports"

# periods: a code like 2026-07 (monthly), 2026-Q3, 2026-H2 or 2026 (yearly)
PERIOD_TYPES = ("monthly", "quarterly", "half_yearly", "yearly")
PERIOD_PATTERNS = (
    ("monthly", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    ("quarterly", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("half_yearly", re.compile(r"^(\d{4})-H([12])$")),
    ("yearly", re.compile(r"^(\d{4})$")),
)

# a roll-up's export formats and the media type each file is served as
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

# reports and their templates
REPORT_STATUSES = ("draft", "submitted", "accepted", "returned", "reopened")
FIELD_TYPES = ("integer", "decimal", "money", "percent", "text", "choice", "date")
REPORTERS = ("all_kgus", "level", "list")
RULE_OPERATORS = ("<=", "<", ">=", ">", "==", "!=")
# the smallest and largest value of each numeric type (money: KZT under 10^13, as budget
# lines, exact to the tiyn in 15 significant digits; integers: 15 digits)
LIMITS = {"integer": (-(10**15 - 1), 10**15 - 1),
          "decimal": (Decimal("-999999999999999.999999"), Decimal("999999999999999.999999")),
          "money": (Decimal(0), Decimal("9999999999999.99")),
          "percent": (Decimal(0), Decimal(100))}

# the events register and its statistics
EVENT_STATUSES = ("recorded", "cancelled")
GROUPINGS = ("region", "structure_type", "kind", "project", "initiative", "org_unit_kind",
             "period")
STATS_PERIODS = ("yearly", "quarterly", "monthly")
# the ISO 639-1 (or -3) codes a language list may hold: lower-case letters, 2 or 3
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"

# count targets
MEASURES = ("events", "participants", "media_items")
PERS = ("national", "region", "house_of_friendship")
TARGET_PERIODS = ("yearly", "quarterly")


def read_period(text, period_type=None):
    """``(year, period type, index from 1 within the year)`` of a period code such as
    ``2026-07``, ``2026-Q3``, ``2026-H2`` or ``2026`` (index 1 for a year); ValueError
    (its first argument a translatable text) if ``text`` is no period code, or not one of
    ``period_type`` when that is given."""
    for kind, pattern in PERIOD_PATTERNS:
        match = pattern.match(text or "")
        if match:
            if period_type and kind != period_type:
                raise ValueError(_("{text} is not a {period_type} period", text=text,
                                   period_type=period_type.replace("_", "-")))
            return int(match[1]), kind, int(match[2]) if kind != "yearly" else 1
    raise ValueError(_("{text} is not a period like 2026-07, 2026-Q3, 2026-H2 or 2026",
                       text=repr(text)))


def event_types():
    """The types of the events the reports service publishes, sorted; their payload schemas and
    versions are the shared catalogue's (``kelisim.events.catalogue.reports``)."""
    from kelisim.events.catalogue import published_by

    return published_by(SERVICE)
