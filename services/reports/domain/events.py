"""The events register: what the structures actually held, one row per event.

A KGU (or a structure's responsible person, through its account) records each event it or
its structures held: when (an aware time, stored in UTC, read in Asia/Almaty), what kind
(a reference list, ``EventKind``), titles in Kazakh and/or Russian, the organising org
unit and public structures, the place, participants, languages, media coverage, and the
base project and plan task it serves. An event is ``recorded`` or ``cancelled`` (with a
reason); a cancelled event is kept, and counts nowhere.

Counts (:func:`tally`) are by region, structure type, kind, project, initiative and period
(``2026``, ``2026-Q2``, ``2026-05``), each period taken in the Kazakhstan calendar. An event
of two structures of one type counts once for that type; of two types, once for each type
(so the per-type counts add up to more than the total).
"""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from kelisim.errors import Conflict, Invalid
from kelisim.i18n import _
from services.reports.contract import EVENT_STATUSES as STATUSES  # noqa: F401  (the contract's words)
from services.reports.contract import GROUPINGS, LANGUAGE_PATTERN, STATS_PERIODS  # noqa: F401
from services.reports.domain.periods import KZ_TIME, Period, period_containing

NO_VALUE = "none"  # the group of events without a project, initiative or structure type


@dataclass
class EventKind:
    """One kind of event (reference data): names in kk/ru/en; ``media``: a media item
    (radio material, video, live stream, publication) rather than a gathering."""

    code: str
    name_kk: str
    name_ru: str
    name_en: str
    media: bool = False
    position: int = 0


@dataclass
class Initiative:
    """A named programme an event can belong to (reference data), e.g. «Ел бірлігі»."""

    code: str
    name_kk: str
    name_ru: str
    name_en: str


@dataclass
class Event:
    region_code: str | None  # None: organised by the RGU itself
    org_unit_id: int
    org_unit_kind: str
    starts_at: datetime  # aware datetime (UTC in the database)
    kind: str
    title_kk: str | None = None
    title_ru: str | None = None
    ends_at: datetime | None = None
    structure_ids: list = field(default_factory=list)
    structure_types: list = field(default_factory=list)
    place: dict = field(default_factory=dict)   # {"district", "settlement", "address"}
    participants: int = 0
    languages: list = field(default_factory=list)
    media_links: list = field(default_factory=list)
    media_count: int = 0
    project_code: str | None = None
    plan_id: int | None = None
    task_id: int | None = None
    initiative: str | None = None
    description: str | None = None
    status: str = "recorded"
    cancel_reason: str | None = None
    recorded_by: str | None = None
    local_date: date | None = None  # the Kazakhstan calendar date it starts on (from starts_at)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None
    version: int = 1

    def set_time(self, starts_at, ends_at=None):
        """Set when it happens (aware datetimes, kept in UTC) and the Kazakhstan date it starts on."""
        self.starts_at = starts_at.astimezone(UTC)
        self.ends_at = ends_at.astimezone(UTC) if ends_at is not None else None
        self.local_date = starts_at.astimezone(KZ_TIME).date()

    @property
    def active(self):
        return self.status == "recorded"

    def check(self):
        """The rules a recorded event keeps; Invalid naming each field that breaks one."""
        errors = {}
        if not (self.title_kk or "").strip() and not (self.title_ru or "").strip():
            errors["title_kk"] = _("a title in Kazakh or in Russian is required")
        if self.ends_at is not None and self.ends_at < self.starts_at:
            errors["ends_at"] = _("must not precede starts_at")
        if errors:
            raise Invalid(_("the event is not valid"), errors)

    def ensure_changeable(self):
        if not self.active:
            raise Conflict(_("a cancelled event cannot be changed"),
                           {"status": _("is cancelled")})

    def cancel(self, reason, now):
        self.ensure_changeable()
        if not (reason or "").strip():
            raise Invalid(_("say why the event is cancelled"),
                          {"reason": _("required: why it is cancelled")})
        self.status = "cancelled"
        self.cancel_reason = reason
        self.updated_at = now


def period_of(day, period_type):
    """The period code (``2026``, ``2026-Q2``, ``2026-05``) of a date."""
    return period_containing(day, period_type).code


def tally(rows, by, period_type="quarterly"):
    """Counts of events grouped by ``by`` (names from GROUPINGS).

    ``rows``: dicts with ``region_code``, ``structure_types`` (list), ``kind``,
    ``project_code``, ``initiative``, ``org_unit_kind``, ``local_date`` (a date) and
    ``participants``. Returns ``[{"key": {name: value}, "events": n, "participants": m,
    "media_items": k}]`` sorted by key; a grouping by ``structure_type`` counts an event once
    per distinct type of its structures (``none`` when it has none). ``period`` groups by
    ``period_type`` (yearly, quarterly, monthly) in the Kazakhstan calendar.
    """
    groups = {}
    for row in rows:
        keys = [{}]
        for name in by:
            if name == "structure_type":
                values = sorted(set(row.get("structure_types") or [])) or [NO_VALUE]
            elif name == "period":
                values = [period_of(row["local_date"], period_type)]
            elif name == "region":
                values = [row.get("region_code") or NO_VALUE]
            elif name == "project":
                values = [row.get("project_code") or NO_VALUE]
            else:
                values = [row.get(name) or NO_VALUE]
            keys = [{**key, name: value} for key in keys for value in values]
        for key in keys:
            marker = tuple(key[name] for name in by)
            group = groups.setdefault(marker, {"key": key, "events": 0, "participants": 0,
                                               "media_items": 0})
            group["events"] += 1
            group["participants"] += row.get("participants") or 0
            group["media_items"] += row.get("media_count") or 0
    return [groups[marker] for marker in sorted(groups)]


def year_bounds(year):
    return date(year, 1, 1), date(year, 12, 31)


def quarter_of(day):
    return Period(day.year, "quarterly", (day.month - 1) // 3 + 1)
