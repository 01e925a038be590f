"""A base project's template: the work breakdown each KGU's plan is copied from.

An item is a dict (see ``contract.schemas.WorkItemSchema``): ``key``, ``parent``, ``kind``
(phase, task, milestone), titles, ``duration`` in working days, ``start_offset`` (working
days after the plan starts, for items without predecessors), ``after`` (finish-to-start
predecessors with lags), ``scheduling``, ``level`` (``region``: one per KGU plan; ``rgu``:
once, in the project's RGU plan, and it may precede tasks in every region) and
``responsible``: RACI roles to ``kgu``, ``rgu``, a public structure type, ``org:CODE`` (an
organisation outside the Assembly by its registry code, e.g. ``org:MISD``) or
``org:akimat`` (the akimat of the plan's region: regional items only). An organisation is
never A; the template is the RGU's word, so it may be R.

Dated and recurring items (tasks and milestones, never phases). Dates are days of the
plan's year written ``MM-DD``; periods are ``Q1``..``Q4`` (quarters) and ``H1``, ``H2``
(half-years) of that year, as in the reporting periods:

* ``"on": "05-01"`` -- *must finish on* 1 May: the due date is that day; if it is a day
  off in the Kazakhstan working calendar (kelisim.workdays), the last working day before
  it (so a day with no working day of its year before it, 01-01 to 01-05, is refused).
  Why before and not after: the date is a deadline or an anniversary -- an action for
  1 May held on 4 May misses the day it marks, one held on 30 April still serves it, and a
  duty "by 1 May" met earlier is met. The task starts ``duration`` working days earlier.
  Excludes ``not_before``, ``within`` and ``repeat``.
* ``"not_before": "03-01"`` -- *start no earlier than* 1 March (the first working day on
  or after it), and later if predecessors or ``start_offset`` say so.
* ``"within": "Q4"`` -- start on or after the period's first working day and *finish no
  later than* its last one (may be combined with a ``not_before`` inside the period). A
  task must fit the period (from its ``not_before``) in every year 2020-2040: at most the
  fewest working days it has (:func:`fit_errors`; Q1 has 55).
* ``"repeat": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20"`` -- an RFC 5545 RRULE
  (python-dateutil's ``rrule``) without ``DTSTART``, ``UNTIL`` or times of day
  (``BYHOUR``, ``BYMINUTE``, ``BYSECOND``), ``NAME=value;...`` alone (no white space, no
  second line) up to 500 characters, ``FREQ`` ``YEARLY``, ``MONTHLY``, ``WEEKLY`` or
  ``DAILY``: it is read from 1 January of the plan's year (``COUNT`` counts from there)
  and cut at 31 December, and gives 1 to 60 dates in every year from 2020 to 2040 (the
  years plans are made for), each of them one ``on`` would accept (:func:`fit_errors`).
  Each date is one task (key ``<key>.<n>``, title
  ``<title> (n/N)``) that must finish on that date, as with ``on``; its own overdue
  stages and reminders follow. A recurring item is a leaf (no item names it as parent),
  its key has at most 36 characters (no other item's key may start with ``<key>.``), its
  titles at most 490, and it excludes ``on``, ``not_before`` and ``within``. Its
  ``after`` holds every occurrence; an item ``after`` it waits for every occurrence.

The scheduler keeps these constraints while honouring finish-to-start dependencies. When
predecessors finish too late for a constraint (a task ``on`` 1 May after one ending 5
May; one ``within`` Q4 that cannot start before 25 December), the constraint holds -- the
task keeps its date -- and the conflict is reported (the rollout's answer, the task's
``constraint_conflict``, the change that caused it), never moved in silence.

Optional, for programmes such as the action plan of the 2022–2026 concept:
``closes_with`` (one of :data:`CLOSING_FORMS`: what the work closes with -- a protocol, a
report on work done, information sent on, a publication, ...) and ``indicator`` (the code
of the target indicator it serves, from the projects' indicators; unknown codes are 422).
"""
from datetime import date
from functools import lru_cache

from kelisim.errors import Invalid
from kelisim.i18n import _
from services.projects.contract import CLOSING_FORMS  # noqa: F401  (the contract's words)
from services.projects.contract.dates import (  # noqa: F401  (how dates are written: the contract)
    DAY_OF_YEAR,
    FREQUENCIES,
    MAX_OCCURRENCES,
    MAX_RULE,
    PERIODS,
    RULE_PARTS,
    RULE_TEXT,
    day_error,
    day_in,
    occurrences,
    rule_error,
)
from services.projects.contract.dates import SAMPLE_YEARS as _SAMPLE_YEARS
from services.projects.domain.model import MAX_LAG
from services.projects.domain.schedule import Graph, Node, Pin

SOURCES = ("kgu", "rgu")
ORG_PREFIX = "org:"
REGION_AKIMAT = "org:akimat"
MAX_RECURRING_KEY = 36  # the key, ".<n>" and the task's 40-character template_key
MAX_RECURRING_TITLE = 490  # the title, " (n/N)" and the task's 500-character title


def period_bounds(period, year):
    """``(first day, last day)`` of ``Q1``..``Q4``, ``H1``, ``H2`` of ``year``."""
    first, last = PERIODS[period]
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return date(year, first, 1), date.fromordinal(end.toordinal() - 1)


@lru_cache(maxsize=256)
def _room(period, not_before, calendar):
    """The fewest working days from the first working day of ``period`` (or of
    ``not_before`` in it) to its last, over the years plans are made for."""
    def room(year):
        first, last = period_bounds(period, year)
        if not_before:
            first = max(first, day_in(not_before, year))
        return calendar.count(first, last)
    return min(room(year) for year in _SAMPLE_YEARS)


@lru_cache(maxsize=256)
def _days_before(day, calendar):
    """The fewest working days from 1 January to ``on`` ``day`` (MM-DD) inclusive over the
    years plans are made for (0: in some year it is a day off with no working day of its
    year before it, as 1 and 2 January always are)."""
    return min(calendar.count(date(year, 1, 1), day_in(day, year)) for year in _SAMPLE_YEARS)


@lru_cache(maxsize=256)
def _first_room(rule, calendar):
    """``(working days, MM-DD)``: the fewest working days from 1 January to the first date
    a recurrence ``rule`` gives in a year (inclusive), over the years plans are made for,
    and that date; None if it gives none. Its first date is the tightest: each occurrence
    is due on its date as with ``on``, and a later one has at least as many days before
    it."""
    rooms = []
    for year in _SAMPLE_YEARS:
        days = occurrences(rule, year, 1)
        if days:
            rooms.append((calendar.count(date(year, 1, 1), days[0]),
                          days[0].strftime("%m-%d")))
    return min(rooms) if rooms else None


def fit_errors(items, calendar):
    """``{"items.<i>.duration": text}`` for ``within`` tasks longer than their period (from
    their ``not_before``) in some year 2020-2040 on ``calendar`` (kelisim.workdays): no
    dates keep the constraint, and the scheduler would start them before the period with
    no conflict to report (there is no predecessor to blame). ``{"items.<i>.on": text}``
    for an ``on`` day that is off with no working day of its year before it (01-01 to
    01-05: the New Year holidays, then a weekend or a transfer, in some year): the plan of 2027 would hold a task due
    on 31 December 2026, overdue before the plan starts (and 2020 could not be rolled
    out at all). The same for each date of a ``repeat`` rule (``items.<i>.repeat``, and
    ``items.<i>.duration`` for an occurrence longer than the working days before it)."""
    errors = {}
    for index, item in enumerate(items):
        if item.get("repeat") and not rule_error(item["repeat"]):
            _occurrence_errors(index, item, calendar, errors)
        if item.get("on") and not day_error(item["on"]) \
                and _days_before(item["on"], calendar) == 0:
            errors[f"items.{index}.on"] = _(
                "a day off with no working day of its year before it in some year "
                "2020-2040: the task would be due in the previous year")
        elif item.get("on") and not day_error(item["on"]) and item.get("kind") == "task" \
                and item.get("duration", 1) > _days_before(item["on"], calendar):
            errors[f"items.{index}.duration"] = _(
                "at most {max} working days: no more fit between 1 January and {day} "
                "every year", max=_days_before(item["on"], calendar), day=item["on"])
        if item.get("within") in PERIODS and item.get("kind") == "task" \
                and not day_error(item.get("not_before") or "01-01"):
            room = _room(item["within"], item.get("not_before"), calendar)
            if item.get("duration", 1) > room:
                errors[f"items.{index}.duration"] = _(
                    "at most {max} working days: no more fit in {period} every year",
                    max=room, period=item["within"])
    return errors


def _occurrence_errors(index, item, calendar, errors):
    """Into ``errors``: :func:`fit_errors`' rules for ``on`` applied to the dates of the
    recurring ``item`` (at ``index``), each an occurrence due on it."""
    room = _first_room(item["repeat"], calendar)
    if room is None:
        return
    if room[0] == 0:
        errors[f"items.{index}.repeat"] = _(
            "a day off with no working day of its year before it in some year "
            "2020-2040: the task would be due in the previous year")
    elif item.get("kind") == "task" and item.get("duration", 1) > room[0]:
        errors[f"items.{index}.duration"] = _(
            "at most {max} working days: no more fit between 1 January and {day} "
            "every year", max=room[0], day=room[1])


def pin_of(item, year, calendar):
    """The :class:`~services.projects.domain.schedule.Pin` of a (concrete, see
    :func:`expand`) item in ``year`` on ``calendar`` (kelisim.workdays), or None.

    ``on``: due on that day, or the last working day before it if it is off (see the
    module docstring for why before). ``not_before``: the first working day on or after it.
    ``within``: from the period's first working day to its last.
    """
    if item.get("on"):
        return Pin("on", None, calendar.on_or_before(day_in(item["on"], year)))
    earliest = latest = None
    if item.get("within"):
        first, last = period_bounds(item["within"], year)
        earliest, latest = calendar.on_or_after(first), calendar.on_or_before(last)
    if item.get("not_before"):
        earliest = max(earliest or date.min, calendar.on_or_after(
            day_in(item["not_before"], year)))
    if earliest is None and latest is None:
        return None
    return Pin("within" if item.get("within") else "not_before", earliest, latest)


def expand(items, year):
    """The concrete items of a plan for ``year``: each recurring item becomes one item per
    date its rule gives (key ``<key>.<n>``, titles ``<title> (n/N)``, ``on`` that date,
    ``occurrence_of`` its key); dependencies on it become dependencies on every occurrence.
    Other items are unchanged (their ``after`` is copied)."""
    series = {}
    for item in items:
        if item.get("repeat"):
            series[item["key"]] = occurrences(item["repeat"], year)
    concrete = []
    for item in items:
        after = [{**dep, "key": key} for dep in item.get("after", ())
                 for key in ([f"{dep['key']}.{n}" for n in
                              range(1, len(series[dep["key"]]) + 1)]
                             if dep["key"] in series else [dep["key"]])]
        base = {**item, "after": after}
        days = series.get(item["key"])
        if days is None:
            concrete.append(base)
            continue
        total = len(days)
        for n, day in enumerate(days, start=1):
            concrete.append({
                **base, "key": f"{item['key']}.{n}", "repeat": None,
                "on": day.strftime("%m-%d"), "occurrence_of": item["key"],
                **{f"title_{lang}": f"{item[f'title_{lang}']} ({n}/{total})"
                   for lang in ("ru", "kk", "en") if item.get(f"title_{lang}")}})
    return concrete


def _dating_errors(item, by_key, parents):
    """``{field: text}`` for the date rules of one item (see the module docstring); a later
    rule's text for a field replaces an earlier one's."""
    errors = {}
    dated = [f for f in ("on", "not_before", "within", "repeat") if item.get(f)]
    if not dated:
        return errors
    _exclusion_errors(item, dated, errors)
    for field in ("on", "not_before"):
        if item.get(field) and day_error(item[field]):
            errors[field] = day_error(item[field])
    _period_errors(item, errors)
    if item.get("repeat"):
        _recurrence_errors(item, by_key, parents, errors)
    return errors


def _exclusion_errors(item, dated, errors):
    """Into ``errors``: a phase is never dated; ``on`` and ``repeat`` take no other date
    rule (``dated``: the item's date rules, in the module docstring's order)."""
    if item["kind"] == "phase":
        errors[dated[0]] = _("a phase spans its children: date its tasks")
    elif item.get("on") and len(dated) > 1:
        errors[dated[1]] = _("«on» fixes the date: no other date rule")
    elif item.get("repeat") and len(dated) > 1:
        errors[dated[0]] = _("«repeat» dates each occurrence: no other date rule")


def _period_errors(item, errors):
    """Into ``errors``: ``within`` names a period, and a ``not_before`` with it (if it is
    a day, and no other rule refused it) falls in the period."""
    if item.get("within") and item["within"] not in PERIODS:
        errors["within"] = _("Q1 to Q4, H1 or H2")
    elif item.get("within") and item.get("not_before") and "not_before" not in errors:
        first, last = period_bounds(item["within"], 2027)
        if not first <= day_in(item["not_before"], 2027) <= last:
            errors["not_before"] = _("must fall in the period {period}",
                                     period=item["within"])


def _recurrence_errors(item, by_key, parents, errors):
    """Into ``errors``: a recurring item's rule is usable (:func:`rule_error`), it is a
    leaf, its key and titles leave room for the occurrences' and no other key is one of
    its occurrences'."""
    problem = rule_error(item["repeat"])
    if problem:
        errors["repeat"] = problem
    if item["key"] in parents:
        errors["repeat"] = _("a recurring item has no children")
    if len(item["key"]) > MAX_RECURRING_KEY:
        errors["key"] = _("at most {max} characters for a recurring item",
                          max=MAX_RECURRING_KEY)
    for lang in ("ru", "kk", "en"):  # " (n/N)" is added to each occurrence's title
        if len(item.get(f"title_{lang}") or "") > MAX_RECURRING_TITLE:
            errors[f"title_{lang}"] = _("at most {max} characters for a recurring item",
                                        max=MAX_RECURRING_TITLE)
    taken = sorted(k for k in by_key if k.startswith(item["key"] + "."))
    if taken:
        errors["key"] = _("{key} would be the key of an occurrence", key=taken[0])


def is_organisation(source):
    """True for ``org:CODE`` and ``org:akimat`` (an organisation outside the Assembly)."""
    return source.startswith(ORG_PREFIX)


def responsibility(item):
    """The item's RACI defaults as ``[(role, source)]``: exactly one A."""
    default_a = "rgu" if item.get("level") == "rgu" else "kgu"
    spec = item.get("responsible") or {}
    pairs = [("A", spec.get("A") or default_a)]
    for role in ("R", "C", "I"):
        pairs.extend((role, source) for source in spec.get(role, ()))
    return pairs


def validate(items, calendar=None):
    """Raise :class:`Invalid` naming every broken rule of the template document (``items``:
    WorkItemSchema dicts), as ``{"items.<i>.<field>": text}``, or the first dependency
    cycle; with ``calendar`` (kelisim.workdays), also a ``within`` task too long for its
    period or an ``on`` task too long for its year (:func:`fit_errors`)."""
    errors = fit_errors(items, calendar) if calendar is not None else {}
    by_key = {}
    for index, item in enumerate(items):
        if item["key"] in by_key:
            errors[f"items.{index}.key"] = _("duplicate key {key}", key=item['key'])
        by_key[item["key"]] = item
    parents = {item.get("parent") for item in items}
    for index, item in enumerate(items):
        for field, text in item_errors(item, by_key, parents).items():
            errors[f"items.{index}.{field}"] = text
    if errors:
        raise Invalid(_("the template is not consistent"), errors)
    _check_cycles(items)


def item_errors(item, by_key, parents):
    """``{field: text}`` of the rules one item breaks: its dates (:func:`_dating_errors`),
    its parent, its duration, its predecessors and its RACI sources. ``by_key``: every
    item by key; ``parents``: the keys items name as parent."""
    errors = _dating_errors(item, by_key, parents)
    errors.update(_parent_errors(item, by_key))
    if item["kind"] == "milestone" and item.get("duration", 0) != 0:
        errors["duration"] = _("a milestone lasts 0 days")
    if item["kind"] == "task" and item.get("duration", 1) < 1:
        errors["duration"] = _("a task lasts at least 1 working day")
    errors.update(_after_errors(item, by_key))
    errors.update(_responsibility_errors(item))
    return errors


def _parent_errors(item, by_key):
    """A parent exists, is no milestone and is at the item's level (region or rgu)."""
    parent = item.get("parent")
    if parent is None:
        return {}
    if parent not in by_key:
        return {"parent": _("no item {parent}", parent=parent)}
    if by_key[parent]["kind"] == "milestone":
        return {"parent": _("a milestone has no children")}
    if by_key[parent].get("level", "region") != item.get("level", "region"):
        return {"parent": _("parent and child are at different levels")}
    return {}


def _after_errors(item, by_key):
    """Each predecessor exists, an RGU item waits only for RGU items, and a lag is 0 to
    :data:`MAX_LAG` working days (the last broken one is named)."""
    errors = {}
    for dep in item.get("after", ()):
        if dep["key"] not in by_key:
            errors["after"] = _("no item {key}", key=dep['key'])
        elif item.get("level") == "rgu" and by_key[dep["key"]].get("level") != "rgu":
            errors["after"] = _("an RGU item cannot wait for a regional one")
        elif not 0 <= dep.get("lag", 0) <= MAX_LAG:
            errors["after"] = _("lag from 0 to {max_lag} working days", max_lag=MAX_LAG)
    return errors


def _responsibility_errors(item):
    """Regional work is not the RGU's (as A or R); an organisation is never A; the
    region's akimat only on regional items (the last broken one is named)."""
    errors = {}
    for role, source in responsibility(item):
        if source == "rgu" and item.get("level") != "rgu" and role in ("A", "R"):
            errors["responsible"] = _("regional work is done by the region")
        elif is_organisation(source) and role == "A":
            errors["responsible"] = _(
                "an organisation outside the Assembly is never Accountable")
        elif source == REGION_AKIMAT and item.get("level") == "rgu":
            errors["responsible"] = _("org:akimat names a region's akimat: "
                                      "regional items only")
    return errors


def _check_cycles(items):
    """Raise :class:`Invalid` at the first dependency that closes a cycle (through parents
    too: see :meth:`Graph.check_new_dependency`)."""
    graph = Graph([Node(item["key"], None, None, parent_id=item.get("parent"))
                   for item in items])
    for item in items:
        for dep in item.get("after", ()):
            try:
                graph.check_new_dependency(dep["key"], item["key"])
            except Invalid as exc:
                raise Invalid(_("the template: {detail} ({key})",
                                detail=exc.message, key=item["key"]),
                              {"items": next(iter(exc.texts["errors"].values()), exc.message)}
                              ) from None
            graph.add_dependency(dep["key"], item["key"], dep.get("lag", 0))


def check_indicators(items, known):
    """Raise :class:`Invalid` if an item names an indicator not in ``known`` (codes)."""
    errors = {f"items.{index}.indicator": _("no indicator {code}", code=item["indicator"])
              for index, item in enumerate(items)
              if item.get("indicator") and item["indicator"] not in known}
    if errors:
        raise Invalid(_("the template is not consistent"), errors)


def check_structure_types(items, known):
    """Raise :class:`Invalid` if the template names a structure type not in ``known``
    (the registry's types)."""
    unknown = [t for t in structure_types(items) if t not in known]
    if unknown:
        raise Invalid(_("unknown structure types in the template"),
                      {"items": _("no structure type {unknown}", unknown=', '.join(unknown))})


def check_organisations(items, found):
    """Raise :class:`Invalid` if the template names an organisation (``org:CODE``) whose
    code is not in ``found`` (what the registry found of :func:`organisation_codes`)."""
    missing = [code for code in organisation_codes(items) if code not in found]
    if missing:
        raise Invalid(_("unknown organisations in the template"),
                      {"items": _("no organisation {unknown}", unknown=", ".join(missing))})


def structure_types(items):
    """Structure types the template names as responsible."""
    return sorted({source for item in items for _, source in responsibility(item)
                   if source not in SOURCES and not is_organisation(source)})


def organisation_codes(items):
    """Registry codes of the organisations the template names (``org:CODE``)."""
    return sorted({source[len(ORG_PREFIX):] for item in items
                   for _, source in responsibility(item)
                   if is_organisation(source) and source != REGION_AKIMAT})


def names_akimats(items):
    """True when some item names the region's akimat (``org:akimat``)."""
    return any(source == REGION_AKIMAT for item in items
               for _, source in responsibility(item))


def parents_first(items):
    """Items ordered so that every parent comes before its children."""
    by_key = {item["key"]: item for item in items}

    def depth(item):
        level, parent = 0, item.get("parent")
        while parent is not None:
            level, parent = level + 1, by_key[parent].get("parent")
        return level

    return sorted(items, key=depth)
