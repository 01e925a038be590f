"""Count targets: "at least N events of a kind per year (or quarter)", with actuals from the
events register.

A target belongs to the national programme (``project_code`` and ``plan_id`` empty), to a
base project (``project_code``: only events serving it count) or to one regional plan
(``plan_id``, with its ``region_code``: only that plan's events count). It counts events
(``measure``: ``events``; or the sum of their ``participants`` or ``media_items``) of a
``kind``, a ``structure_type`` and/or an ``initiative`` (each optional), per ``yearly`` or
``quarterly`` period, from ``year_from`` to ``year_until`` (both optional).

``per`` says whose minimum it is:

- ``national``: the country as a whole must reach ``minimum``; the regions' rows show what
  each contributed (no target of their own);
- ``region``: every region must reach ``minimum`` (the national target is the sum);
- ``house_of_friendship``: every house of friendship must reach ``minimum``, counting the
  events its own org unit organised; a region's target is ``minimum`` times its houses of
  friendship open in the period.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kelisim.errors import Invalid
from kelisim.i18n import Msg, _
from services.reports.contract import MEASURES, PERS, TARGET_PERIODS  # noqa: F401  (the contract's words)

NATIONAL = "national"


@dataclass
class Target:
    code: str
    title_kk: str
    title_ru: str
    minimum: int
    period_type: str = "yearly"
    per: str = "national"
    measure: str = "events"
    kind: str | None = None
    structure_type: str | None = None
    initiative: str | None = None
    project_code: str | None = None
    plan_id: int | None = None
    region_code: str | None = None  # the plan's region (plan targets only)
    title_en: str | None = None
    year_from: int | None = None
    year_until: int | None = None
    source: str | None = None
    active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None
    version: int = 1

    def check(self) -> None:
        """Raise :class:`Invalid` unless per and the years agree."""
        errors: dict[str, Msg] = {}
        if self.plan_id is not None and self.per == "house_of_friendship":
            errors["per"] = _("a plan's target is the plan's own: per must be national or "
                              "region")
        if self.year_from and self.year_until and self.year_from > self.year_until:
            errors["year_until"] = _("must not precede year_from")
        if errors:
            raise Invalid(_("the target is not valid"), errors)

    def applies_in(self, year: int) -> bool:
        return (self.year_from is None or self.year_from <= year) and \
            (self.year_until is None or year <= self.year_until)

    def filters(self) -> dict[str, Any]:
        """What narrows the register's events for this target (ReportsRepository.event_rows)."""
        found: dict[str, Any] = {"kind": self.kind, "structure_type": self.structure_type,
                 "initiative": self.initiative, "project": self.project_code,
                 "plan_id": self.plan_id}
        if self.region_code:
            found["region"] = self.region_code
        if self.per == "house_of_friendship":
            found["org_unit_kind"] = "house_of_friendship"
        return {name: value for name, value in found.items() if value is not None}


def measured(rows: Sequence[Mapping[str, Any]], measure: str) -> int:
    """The figure of ``rows`` (event rows) for ``measure``."""
    if measure == "participants":
        return sum(row["participants"] or 0 for row in rows)
    if measure == "media_items":
        return sum(row["media_count"] or 0 for row in rows)
    return len(rows)


def progress_row(target: Target, period: str, region: str | None, actual: int,
                 goal: int | None) -> dict[str, Any]:
    """One row of the progress table: ``goal`` None when the region has no target of its
    own (a national target's regional contribution)."""
    row = {"target": target.code, "period": period, "region": region, "actual": actual,
           "target_value": goal, "gap": None, "met": None}
    if goal is not None:
        row["gap"] = max(goal - actual, 0)
        row["met"] = actual >= goal
    return row
