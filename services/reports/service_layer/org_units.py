"""The local copy of the registry's org units: who must report, where, since and until when.

Kept current by the registry's ``org_unit_created`` / ``org_unit_updated`` events and
by a periodic sync over RPC, so collection jobs run even while the registry is down.
A row only moves forward: an older version (a late event) never overwrites a newer one.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from kelisim.db.races import retry_on_unique
from services.reports.domain.reports import OrgUnit

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from kelisim.events.envelope import Envelope
    from services.reports.adapters.repository import ReportsRepository

CONSUMER = "reports.org_units"
_COLUMNS = ("code", "kind", "level", "name_kk", "name_ru", "region_code", "opened_on",
            "closed_on", "version")


def _as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def upsert(repo: ReportsRepository, data: dict[str, Any]) -> bool:
    """Insert or update one org unit from registry data; return True if anything changed."""
    # the registry's record as JSON (code, kind, level and names are never null there)
    fields: dict[str, Any] = {name: data.get(name) for name in _COLUMNS}
    fields["opened_on"] = _as_date(fields["opened_on"])
    fields["closed_on"] = _as_date(fields["closed_on"])
    fields["version"] = fields["version"] or 1
    unit = repo.org_unit(data["id"])
    if unit is None:
        repo.add(OrgUnit(id=data["id"], **fields))
        return True
    if fields["version"] < unit.version:
        return False
    changed = False
    for name, value in fields.items():
        if getattr(unit, name) != value:
            setattr(unit, name, value)
            changed = True
    return changed


@retry_on_unique(what="the org unit")
def apply_event(uow: UnitOfWork, event: Envelope) -> bool:
    """Handle a registry org unit event once (by event id). A unit inserted meanwhile by the
    sync or another event: handled again at once, as an update."""
    data = event.data.get("current", event.data)
    with uow:
        if not uow.first_time(event.id, CONSUMER):
            return False
        upsert(uow.repo, data)
        uow.commit()
        return True


@retry_on_unique(what="the org units")
def sync(uow: UnitOfWork, units: list[dict[str, Any]]) -> int:
    """Bring the local copy in line with ``units`` (the registry's list); return changes.
    Replicas' collection jobs syncing at once: the one that loses runs again as updates."""
    with uow:
        changed = sum(1 for data in units if upsert(uow.repo, data))
        uow.commit()
        return changed
