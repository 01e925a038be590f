"""Use cases of the events register: record, list, read, change, cancel, history, counts.

Region rules as everywhere (kelisim/access.py): a KGU coordinator records and reads its own
region's events only (another region's event is 404, a listing of another region 403); the
RGU and observers read all; observers write nothing. The organising org unit, the
structures and the plan task are checked with their owners over RPC, as the caller
(``lookups``, adapters/lookups.py): each must exist, be readable by the caller and be of
the event's region (a task of the RGU's own plan too); the task gives the project.

Each write is audited (entity ``event``) and publishes ``event_recorded``,
``event_updated`` or ``event_cancelled`` through the outbox in the same transaction, to the
event's region's stream as well.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_writable, readable_or_404, scope_region
from kelisim.db.types import utcnow
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.errors import Invalid
from kelisim.i18n import _
from kelisim.schemas import load, schema_of
from services.reports.contract import register_schemas as schemas
from services.reports.domain.events import Event, EventKind, Initiative, tally
from services.reports.domain.periods import parse_period

if TYPE_CHECKING:
    from datetime import date

    from kelisim.db.uow import UnitOfWork
    from kelisim.i18n import Msg
    from services.reports.adapters.lookups import Lookups

REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "event_kinds.json"
_OUT = schemas.EventSchema()
# what a change may set (beside the time, which moves local_date with it)
CHANGEABLE = ("kind", "title_kk", "title_ru", "description", "place", "participants",
              "languages", "media_links", "media_count", "initiative")


def dump(event: Event) -> dict[str, Any]:
    return _OUT.dump(event)


def reference_kinds() -> Any:
    """The shipped event kinds and initiatives: ``{"kinds": [...], "initiatives": [...]}``."""
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def load_reference_kinds(uow: UnitOfWork) -> Any:
    """Add the shipped event kinds and initiatives missing from the database (idempotent);
    a shipped name that changed is updated. Returns how many rows were added."""
    data = reference_kinds()
    added = 0
    with uow:
        for position, raw in enumerate(data["kinds"]):
            kind = uow.repo.event_kind(raw["code"])
            if kind is None:
                uow.repo.add(EventKind(position=position, **raw))
                added += 1
            else:
                for name in ("name_kk", "name_ru", "name_en", "media"):
                    setattr(kind, name, raw[name])
                kind.position = position
        for raw in data["initiatives"]:
            initiative = uow.repo.initiative(raw["code"])
            if initiative is None:
                uow.repo.add(Initiative(**raw))
                added += 1
            else:
                for name in ("name_kk", "name_ru", "name_en"):
                    setattr(initiative, name, raw[name])
        uow.commit()
    return added


def list_kinds(uow: UnitOfWork) -> dict[str, Any]:
    """``{"kinds": [...], "initiatives": [...]}`` as stored (names in kk/ru/en)."""
    with uow:
        return {"kinds": schema_of(schemas.EventKindSchema).dump(uow.repo.event_kinds(),
                                                                 many=True),
                "initiatives": schema_of(schemas.InitiativeSchema).dump(uow.repo.initiatives(),
                                                                        many=True)}


def get_or_404(uow: UnitOfWork, event_id: int) -> Any:
    return readable_or_404(uow.context.actor, uow.repo.event(event_id),
                           _("event {id} not found", id=event_id))


def _organiser(lookups: Lookups, actor: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The org unit organising the event: the one named, else the KGU of ``region`` (or of
    the coordinator's own region). Invalid when none is named or found."""
    if data.get("org_unit_id") is not None:
        unit = lookups.org_unit(data["org_unit_id"])
        if unit is None:
            raise Invalid(_("the event is not valid"), {"org_unit_id": _(
                "org unit {id} not found", id=data["org_unit_id"])})
        return unit
    region = data.get("region") or actor.get("region")
    if not region:
        raise Invalid(_("the event is not valid"), {"org_unit_id": _(
            "required: the organising org unit (or region, for its KGU)")})
    unit = lookups.kgu_of(region)
    if unit is None:
        raise Invalid(_("the event is not valid"), {"region": _(
            "region {region_code} has no KGU", region_code=region)})
    return unit


def _check_references(uow: UnitOfWork, lookups: Lookups, region: str | None, data: dict[str, Any],
                      errors: dict[str, Msg]) -> None:
    """Check kind, initiative, structures, task and project named in ``data`` (a loaded
    create or update); set ``structure_types``, ``plan_id`` and ``project_code`` from them.
    Problems go into ``errors`` (field -> message)."""
    if "kind" in data and uow.repo.event_kind(data["kind"]) is None:
        errors["kind"] = _("unknown event kind {code}", code=data["kind"])
    if data.get("initiative") and uow.repo.initiative(data["initiative"]) is None:
        errors["initiative"] = _("unknown initiative {code}", code=data["initiative"])
    if "structure_ids" in data:
        types = []
        for structure_id in data["structure_ids"]:
            found = lookups.structure(structure_id)
            if found is None:
                errors["structure_ids"] = _("structure {id} not found", id=structure_id)
                break
            if found.get("region_code") != region:
                errors["structure_ids"] = _("structure {id} is not of region {region_code}",
                                            id=structure_id, region_code=region)
                break
            types.append(found["type"])
        data["structure_types"] = types
    if data.get("task_id") is not None:
        task = lookups.task(data["task_id"])
        if task is None:
            errors["task_id"] = _("task {id} not found", id=data["task_id"])
        elif task.get("region_code") not in (None, region):
            errors["task_id"] = _("task {id} is not of region {region_code}",
                                  id=data["task_id"], region_code=region)
        else:
            data["plan_id"] = task.get("plan_id")
            if data.get("project_code") and data["project_code"] != task.get("project_code"):
                errors["project_code"] = _("task {id} serves project {project}",
                                           id=data["task_id"], project=task.get("project_code"))
            data["project_code"] = task.get("project_code")
    elif "task_id" in data:
        data["plan_id"] = None
    if data.get("project_code") and "project_code" not in errors and \
            data.get("task_id") is None and lookups.project(data["project_code"]) is None:
        errors["project_code"] = _("project {code} not found", code=data["project_code"])


def _event_data(event: Event, **extra: Any) -> dict[str, Any]:
    """The payload of every register event (``EventRef`` in the catalogue)."""
    return {
        "event_id": event.id, "region_code": event.region_code,
        "org_unit_id": event.org_unit_id, "org_unit_kind": event.org_unit_kind,
        "kind": event.kind, "title_kk": event.title_kk, "title_ru": event.title_ru,
        "starts_at": event.starts_at.isoformat(),
        "local_date": event.local_date.isoformat() if event.local_date else None,
        "participants": event.participants, "structure_ids": list(event.structure_ids),
        "structure_types": list(event.structure_types), "project_code": event.project_code,
        "plan_id": event.plan_id, "task_id": event.task_id, "initiative": event.initiative,
        "status": event.status, **extra}


def _regions(event: Event) -> list[str]:
    return [event.region_code] if event.region_code else []


def record_event(uow: UnitOfWork, lookups: Lookups, data: dict[str, Any]) -> Any:
    """Record an event; returns it (see EventSchema). Invalid (422) naming each bad field,
    Forbidden (403) for an observer or another region's coordinator."""
    data = load(schemas.EventCreateSchema, data)
    actor = uow.context.actor
    ensure_writable(actor, data.get("region") or actor.get("region"))
    unit = _organiser(lookups, actor, data)
    region = unit.get("region_code")
    ensure_writable(actor, region)
    with uow:
        errors: dict[str, Msg] = {}  # field -> why
        _check_references(uow, lookups, region, data, errors)
        if errors:
            raise Invalid(_("the event is not valid"), errors)
        now = utcnow()
        links = data.get("media_links") or []
        event = Event(
            region_code=region, org_unit_id=unit["id"], org_unit_kind=unit["kind"],
            starts_at=data["starts_at"], kind=data["kind"], title_kk=data.get("title_kk"),
            title_ru=data.get("title_ru"), description=data.get("description"),
            structure_ids=data.get("structure_ids") or [],
            structure_types=data.get("structure_types") or [],
            place=data.get("place") or {}, participants=data.get("participants") or 0,
            languages=data.get("languages") or [], media_links=links,
            media_count=data.get("media_count", len(links)),
            project_code=data.get("project_code"), plan_id=data.get("plan_id"),
            task_id=data.get("task_id"), initiative=data.get("initiative"),
            recorded_by=uow.context.actor_id, created_at=now, updated_at=now)
        event.set_time(data["starts_at"], data.get("ends_at"))
        event.check()
        uow.repo.add(event)
        uow.flush()
        uow.repo.set_event_structures(event)
        after = dump(event)
        uow.audit("record", "event", event.id, after=after, region=region)
        uow.emit("event_recorded", _event_data(event), regions=_regions(event))
        uow.commit()
        return after


def _writable(uow: UnitOfWork, event_id: int, version: int) -> Event:
    event = get_or_404(uow, event_id)
    ensure_writable(uow.context.actor, event.region_code)
    check_version(event, version, _("event {id}", id=event_id))
    return event


def update_event(uow: UnitOfWork, lookups: Lookups, event_id: int, data: dict[str, Any]) -> Any:
    """Change a recorded event (send the version read; a ``reason`` is kept in the audit
    entry's ``after.change_reason`` and in ``event_updated``); the org unit and region
    stay. Conflict (409) for a cancelled event or a stale version."""
    data = load(schemas.EventUpdateSchema, data)
    with uow:
        event = _writable(uow, event_id, data.pop("version"))
        reason = data.pop("reason", None)
        event.ensure_changeable()
        errors = {}
        if "project_code" in data and "task_id" not in data and event.task_id is not None \
                and data["project_code"] != event.project_code:
            errors["project_code"] = _("task {id} serves project {project}",
                                       id=event.task_id, project=event.project_code)
        _check_references(uow, lookups, event.region_code, data, errors)
        if errors:
            raise Invalid(_("the event is not valid"), errors)
        before = dump(event)
        for name in CHANGEABLE:  # only titles, description and initiative may be null
            if name in data:
                setattr(event, name, data[name])
        if "place" in data:
            event.place = data["place"] or {}
        if "media_links" in data and "media_count" not in data:
            event.media_count = len(data["media_links"] or [])
        if "structure_ids" in data:
            event.structure_ids = data["structure_ids"] or []
            event.structure_types = data.get("structure_types") or []
        if "task_id" in data or "project_code" in data:
            event.task_id = data.get("task_id", event.task_id)
            event.plan_id = data.get("plan_id", event.plan_id)
            event.project_code = data.get("project_code", event.project_code)
        if "starts_at" in data or "ends_at" in data:
            event.set_time(data.get("starts_at") or event.starts_at,
                           data.get("ends_at", event.ends_at))
        event.check()
        changed = sorted(name for name, value in dump(event).items()
                         if before.get(name) != value)
        if not changed:
            return before
        event.updated_at = utcnow()
        with concurrent_update_guard(_("event {id}", id=event_id)):
            uow.flush()
        if "structure_ids" in changed:
            uow.repo.set_event_structures(event)
        after = dump(event)
        uow.audit("update", "event", event.id, before=before,
                  after={**after, "change_reason": reason} if reason else after,
                  region=event.region_code)
        uow.emit("event_updated", _event_data(event, changed=changed, reason=reason),
                 regions=_regions(event))
        uow.commit()
        return after


def cancel_event(uow: UnitOfWork, event_id: int, data: dict[str, Any]) -> Any:
    """Cancel an event with a reason: it stays in the register and counts nowhere."""
    data = load(schemas.EventCancelSchema, data)
    with uow:
        event = _writable(uow, event_id, data["version"])
        before = dump(event)
        event.cancel(data["reason"], utcnow())
        with concurrent_update_guard(_("event {id}", id=event_id)):
            uow.flush()
        after = dump(event)
        uow.audit("cancel", "event", event.id, before=before, after=after,
                  region=event.region_code)
        uow.emit("event_cancelled", _event_data(event, reason=data["reason"]),
                 regions=_regions(event))
        uow.commit()
        return after


def get_event(uow: UnitOfWork, event_id: int) -> dict[str, Any]:
    with uow:
        return dump(get_or_404(uow, event_id))


def event_history(uow: UnitOfWork, event_id: int) -> Any:
    """The audit trail of one event, newest first."""
    with uow:
        get_or_404(uow, event_id)
        return uow.audit_entries(entity="event", entity_id=event_id, limit=200)


def _date_filters(query: dict[str, Any]) -> dict[str, date | None]:
    """``{date_from, date_to}`` of a query's period, year and date bounds (narrowest wins)."""
    first, last = query.get("date_from"), query.get("date_to")
    bounds = []
    if query.get("period"):
        period = parse_period(query["period"])
        bounds.append((period.start, period.end))
    if query.get("year"):
        period = parse_period(str(query["year"]))
        bounds.append((period.start, period.end))
    for start, end in bounds:
        first = start if first is None else max(first, start)
        last = end if last is None else min(last, end)
    return {"date_from": first, "date_to": last}


def _filters(query: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: query.get(name) for name in names}


def list_events(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    """A page of events, newest first: ``{"items", "total", "limit", "offset"}``."""
    query = load(schemas.EventQuery, query)
    with uow:
        region = scope_region(uow.context.actor, query.get("region"))
        items, total = uow.repo.events(
            region=region, limit=query["limit"], offset=query["offset"], sort=query.get("sort"),
            **_filters(query, ("kind", "project", "structure_type", "structure_id",
                               "org_unit_id", "initiative", "status", "task_id", "plan_id")),
            **_date_filters(query))
        return {"items": [dump(e) for e in items], "total": total, "limit": query["limit"],
                "offset": query["offset"]}


def event_stats(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    """Counts of recorded (not cancelled) events, their participants and media items,
    grouped by ``by`` (region, structure_type, kind, project, initiative, org_unit_kind,
    period); a coordinator's counts are of its own region. See EventStatsSchema."""
    query = load(schemas.EventStatsQuery, query)
    with uow:
        region = scope_region(uow.context.actor, query.get("region"))
        dates = _date_filters(query)
        rows = uow.repo.event_rows(
            region=region, status="recorded", **dates,
            **_filters(query, ("kind", "project", "structure_type", "initiative",
                               "org_unit_id")))
    groups = tally(rows, query["by"], query["period_type"])
    total = {"events": len(rows), "participants": sum(r["participants"] or 0 for r in rows),
             "media_items": sum(r["media_count"] or 0 for r in rows)}
    return {"by": query["by"], "period_type": query["period_type"],
            "date_from": dates["date_from"].isoformat() if dates["date_from"] else None,
            "date_to": dates["date_to"].isoformat() if dates["date_to"] else None,
            "total": total, "rows": groups}
