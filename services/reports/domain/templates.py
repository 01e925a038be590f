"""Report templates: typed fields, cross-field rules, period, deadlines, who reports.

A template is identified by its ``code``; changing a template adds a new ``version``,
and reports keep the version they were collected with. Field values are plain JSON:
numbers that must stay exact (decimal, money, percent) travel as decimal strings.

Every numeric value is bounded (``LIMITS``) and has at most ``PLACES`` decimal places, so
that each one is exact as a double (JSON readers, XLSX cells: at most 15 significant
digits, except decimals with 6 places) and sums over every report of a roll-up stay well
inside exact decimal arithmetic; a value beyond them is refused, never rounded.
"""
import operator
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from kelisim.errors import Invalid
from kelisim.i18n import _
from kelisim.workdays import FIRST as CALENDAR_FIRST
from kelisim.workdays import LAST as CALENDAR_LAST
from kelisim.workdays import kazakhstan
from services.reports import contract
from services.reports.contract import FIELD_TYPES, LIMITS, REPORTERS  # noqa: F401  (the contract's words)
from services.reports.domain.periods import PERIOD_TYPES, Period

NUMERIC_TYPES = ("integer", "decimal", "money", "percent")
_COMPARISONS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt,
                "==": operator.eq, "!=": operator.ne}
RULE_OPERATORS = {name: _COMPARISONS[name] for name in contract.RULE_OPERATORS}
MAX_TEXT = 4000
PLACES = {"decimal": 6, "money": 2, "percent": 2}
# LIMITS (the contract): the smallest and largest value of each numeric type
# the platform's calendar (the projects' working calendar): a template collects within it
FIRST_DAY, LAST_DAY = CALENDAR_FIRST, CALENDAR_LAST
DATE_VALUES = (date(1900, 1, 1), date(9998, 12, 31))  # a date field's value (every API date)


@dataclass
class FieldSpec:
    code: str
    type: str
    label_kk: str
    label_ru: str
    required: bool = False
    choices: list | None = None
    min: Decimal | None = None
    max: Decimal | None = None

    def parse(self, raw):
        """The stored form of ``raw`` for this field; ValueError naming the broken type rule."""
        if self.type == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError(_("type: must be a whole number"))
            _check_limits(self.type, raw)
            self._check_range(Decimal(raw))
            return raw
        if self.type in PLACES:
            number = _decimal(raw)
            if self.type == "money" and number < 0:
                raise ValueError(_("min: money must not be negative"))
            if self.type == "percent" and not Decimal(0) <= number <= Decimal(100):
                raise ValueError(_("range: a percent is between 0 and 100"))
            _check_limits(self.type, number)
            places = PLACES[self.type]
            step = Decimal(1).scaleb(-places)
            if number.as_tuple().exponent < -places and number != number.quantize(step):
                raise ValueError(_("type: {type} takes at most {places} decimal places",
                                   type=self.type, places=places))
            self._check_range(number)
            if self.type in ("money", "percent") or number.as_tuple().exponent < -places:
                number = number.quantize(step)
            return _plain(number)
        if self.type == "text":
            if not isinstance(raw, str):
                raise ValueError(_("type: must be text"))
            if len(raw) > MAX_TEXT:
                raise ValueError(_("length: at most {max_text} characters", max_text=MAX_TEXT))
            return raw
        if self.type == "choice":
            if raw not in (self.choices or []):
                raise ValueError(_("choice: must be one of {choices}",
                                   choices=", ".join(map(str, self.choices))))
            return raw
        if self.type == "date":
            try:
                day = date.fromisoformat(raw)
            except (TypeError, ValueError):
                raise ValueError(_("type: must be a date like 2026-03-31")) from None
            if not DATE_VALUES[0] <= day <= DATE_VALUES[1]:
                raise ValueError(_("range: a date from {first} to {last}",
                                   first=DATE_VALUES[0], last=DATE_VALUES[1]))
            return day.isoformat()
        raise ValueError(_("type: unknown field type {type}", type=self.type))

    def _check_range(self, number):
        if self.min is not None and number < Decimal(str(self.min)):
            raise ValueError(_("min: must be at least {min}", min=self.min))
        if self.max is not None and number > Decimal(str(self.max)):
            raise ValueError(_("max: must be at most {max}", max=self.max))

    def number(self, stored):
        """A stored numeric value as an exact Decimal."""
        return Decimal(str(stored))


@dataclass
class Rule:
    """``left op right``: each side a field code, a list of field codes (summed) or a number."""

    left: object
    op: str
    right: object
    message: str | None = None

    def describe(self):
        return f"{_side_text(self.left)} {self.op} {_side_text(self.right)}"

    def fields(self):
        return [c for side in (self.left, self.right) for c in _side_fields(side)]

    def broken_by(self, values, specs):
        """A message if ``values`` break the rule; None when it holds or lacks a value."""
        left, right = _side_value(self.left, values, specs), _side_value(self.right, values, specs)
        if left is None or right is None:
            return None
        if RULE_OPERATORS[self.op](left, right):
            return None
        text = self.message or _("must satisfy {rule}", rule=self.describe())
        return _("rule {rule}: {text} (here {left} {op} {right} is false)", rule=self.describe(),
                 text=text, left=_plain(left), op=self.op, right=_plain(right))


def _side_fields(side):
    if isinstance(side, str):
        return [side]
    if isinstance(side, list):
        return list(side)
    return []


def _side_text(side):
    if isinstance(side, list):
        return " + ".join(side)
    return str(side)


def _side_value(side, values, specs):
    if isinstance(side, (int, float, Decimal)) and not isinstance(side, bool):
        return Decimal(str(side))
    total = Decimal(0)
    for code in _side_fields(side):
        if values.get(code) is None:
            return None
        total += specs[code].number(values[code])
    return total


def _check_limits(kind, number):
    """ValueError unless ``number`` is within LIMITS of ``kind``."""
    low, high = LIMITS[kind]
    if not low <= number <= high:
        raise ValueError(_("range: a {type} value is from {low} to {high}", type=kind,
                           low=_plain(Decimal(low)), high=_plain(Decimal(high))))


# a numeric value sent as text: ASCII digits, optional minus sign and decimal point only
# (issue 11.4: no exponent, underscore, whitespace, leading + or non-ASCII digits)
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)


def _decimal(raw):
    if isinstance(raw, bool) or not isinstance(raw, (int, str, float)):
        raise ValueError(_("type: must be a number (send exact amounts as strings)"))
    if isinstance(raw, str) and not DECIMAL_TEXT.fullmatch(raw):
        # exponents, underscores, whitespace, a leading + and non-ASCII digits are refused
        raise ValueError(_("type: must be a number"))
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError(_("type: must be a number")) from None
    if not number.is_finite():
        raise ValueError(_("type: must be a finite number"))
    return number


def _plain(number):
    """A Decimal as a plain string without exponent (``1E+3`` -> ``1000``)."""
    return format(number, "f")


# report periods run from 2000 to 2100 (contract/schemas.py); due dates reach a year beyond
_CALENDAR_SPAN = (date(2000, 1, 1), date(2102, 12, 31))


def next_working_day(day):
    """``day`` if it is a working day in Kazakhstan, else the first working day after it."""
    return kazakhstan(*_CALENDAR_SPAN).on_or_after(day)


@dataclass
class Template:
    code: str
    title_kk: str
    title_ru: str
    period_type: str
    fields: list
    rules: list = field(default_factory=list)
    version: int = 1
    title_en: str | None = None
    description: str | None = None
    due_days: int = 15
    timely_days: int = 0
    remind_days_before: int = 5
    overdue_every_days: int = 7
    reporters: str = "all_kgus"
    reporter_level: str | None = None
    reporter_ids: list | None = None
    project_code: str | None = None
    active_from: date | None = None
    active_until: date | None = None
    id: int | None = None
    created_at: datetime | None = None

    # The fields and rules are stored as JSON; these give them typed.
    def specs(self):
        return {f["code"]: FieldSpec(**f) for f in self.fields}

    def rule_objects(self):
        return [Rule(**r) for r in self.rules or []]

    def numeric_fields(self):
        return [f["code"] for f in self.fields if f["type"] in NUMERIC_TYPES]

    def check(self):
        """Raise :class:`Invalid` unless the fields, rules and settings agree."""
        errors = {}
        if self.period_type not in PERIOD_TYPES:
            errors["period_type"] = _("must be one of {period_types}",
                                      period_types=', '.join(PERIOD_TYPES))
        codes = [f["code"] for f in self.fields]
        if not codes:
            errors["fields"] = _("a template has at least one field")
        if len(set(codes)) != len(codes):
            errors["fields"] = _("field codes must be unique")
        for spec in self.fields:
            if spec["type"] == "choice" and not spec.get("choices"):
                errors[f"fields.{spec['code']}"] = _("a choice field lists its choices")
            for bound in ("min", "max"):
                if spec.get(bound) is not None and spec["type"] in LIMITS:
                    try:
                        _check_limits(spec["type"], Decimal(str(spec[bound])))
                    except ValueError as exc:
                        errors[f"fields.{spec['code']}"] = _("{bound}: {problem}", bound=bound,
                                                                problem=exc.args[0])
            if spec.get("min") is not None and spec.get("max") is not None \
                    and Decimal(str(spec["min"])) > Decimal(str(spec["max"])):
                errors[f"fields.{spec['code']}"] = _("min is above max")
        numeric = set(self.numeric_fields())
        for index, rule in enumerate(self.rule_objects()):
            unknown = [c for c in rule.fields() if c not in numeric]
            if unknown:
                errors[f"rules.{index}"] = _(
                    "{describe}: {unknown} is not a numeric field of this template",
                    describe=rule.describe(), unknown=", ".join(unknown))
            elif not rule.fields():
                errors[f"rules.{index}"] = _("a rule compares at least one field")
        if self.reporters == "level" and not self.reporter_level:
            errors["reporter_level"] = _("name the level whose org units report")
        if self.reporters == "list" and not self.reporter_ids:
            errors["reporter_ids"] = _("list the org units that report")
        for name in ("active_from", "active_until"):
            day = getattr(self, name)
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                errors[name] = _("must be within the platform's calendar, {first} to {last}",
                                 first=FIRST_DAY, last=LAST_DAY)
        if self.active_from and self.active_until and self.active_until < self.active_from:
            errors["active_until"] = _("ends before it starts")
        if errors:
            raise Invalid(_("the template is not consistent"), errors)

    def due_date(self, period: Period):
        """``due_days`` calendar days after the period ends; a deadline falling on a day off
        moves to the next working day, as the Labour Code treats deadlines (Kazakhstan's
        working calendar, kelisim.workdays)."""
        return next_working_day(period.end + timedelta(days=self.due_days))

    def timely_until(self, period: Period):
        """The last day a submission counts as on time: the timely window of ``timely_days``
        follows the due date (moved off a day off), and ends on a working day too."""
        return next_working_day(self.due_date(period) + timedelta(days=self.timely_days))

    def must_report(self, unit):
        """Whether ``unit`` (a local copy of a registry org unit) reports on this template."""
        if self.reporters == "all_kgus":
            return unit.kind == "kgu"
        if self.reporters == "level":
            return unit.level == self.reporter_level and unit.kind != "rgu"
        return unit.id in (self.reporter_ids or [])

    def validate(self, values, complete):
        """Stored values of ``values``, or :class:`Invalid` naming each field and its rule.

        ``complete`` (on submit) also checks required fields and the cross-field rules.
        """
        specs = self.specs()
        errors, clean = {}, {}
        for code, raw in (values or {}).items():
            if code not in specs:
                errors[code] = _("unknown: not a field of this template")
                continue
            if raw is None or raw == "":
                continue
            try:
                clean[code] = specs[code].parse(raw)
            except ValueError as exc:
                errors[code] = exc.args[0]
        if complete:
            for code, spec in specs.items():
                if spec.required and code not in clean and code not in errors:
                    errors[code] = _("required: a value is needed to submit")
            for rule in self.rule_objects():
                broken = rule.broken_by(clean, specs)
                if broken:
                    target = _side_fields(rule.left)[0] if _side_fields(rule.left) \
                        else _side_fields(rule.right)[0]
                    errors.setdefault(target, broken)
        if errors:
            raise Invalid(_("the report has invalid fields"), errors)
        return clean

    def to_dict(self):
        return asdict(self)
