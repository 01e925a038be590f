"""Use cases of the count targets: the shipped ones, list, add and change (the RGU), and
their progress against the events register per region and period.

Progress (``GET /api/v1/targets/progress``) counts recorded events only; a KGU coordinator
sees its own region's rows (and its plans' targets), the RGU and observers every row and
the national totals. See domain/targets.py for what each target counts and whose minimum
it is.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kelisim.access import scope_region
from kelisim.clock import today as kz_today
from kelisim.db.types import utcnow
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.errors import Conflict, Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import load
from services.reports.contract import register_schemas as schemas
from services.reports.domain.events import period_of
from services.reports.domain.periods import Period
from services.reports.domain.targets import NATIONAL, Target, measured, progress_row
from services.reports.service_layer.templates import ensure_manager

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from kelisim.i18n import Msg
    from services.reports.adapters.lookups import Lookups

REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "targets.json"
_OUT = schemas.TargetSchema()
_FIELDS = {name for name in schemas.TargetCreateSchema().fields}


def dump(target: Any) -> dict[str, Any]:
    return _OUT.dump(target)


def load_reference_targets(uow: UnitOfWork) -> Any:
    """Add the shipped targets (the 2022-2026 action plan's) whose code is not there yet;
    returns how many were added. A target the RGU changed is left as it is."""
    added = 0
    with uow:
        for raw in json.loads(REFERENCE.read_text(encoding="utf-8"))["targets"]:
            if uow.repo.target_by_code(raw["code"]) is None:
                now = utcnow()
                uow.repo.add(Target(**{k: v for k, v in raw.items() if k in _FIELDS},
                                    created_at=now, updated_at=now))
                added += 1
        uow.commit()
    return added


def list_targets(uow: UnitOfWork, query: dict[str, Any]) -> list[Any]:
    query = load(schemas.TargetQuery, query)
    with uow:
        return [dump(t) for t in uow.repo.targets(active=query.get("active"))]


def _check_references(uow: UnitOfWork, lookups: Lookups, target: Target) -> None:
    """Invalid (422) unless the target's event kind, initiative, plan or project exist; a
    plan's target takes the plan's region and project."""
    errors: dict[str, Msg] = {}  # field -> why
    if target.kind and uow.repo.event_kind(target.kind) is None:
        errors["kind"] = _("unknown event kind {code}", code=target.kind)
    if target.structure_type and target.structure_type not in lookups.structure_types():
        errors["structure_type"] = _("unknown structure type {code}",
                                     code=target.structure_type)
    if target.initiative and uow.repo.initiative(target.initiative) is None:
        errors["initiative"] = _("unknown initiative {code}", code=target.initiative)
    if target.plan_id is not None:
        plan = lookups.plan(target.plan_id)
        if plan is None:
            errors["plan_id"] = _("plan {id} not found", id=target.plan_id)
        else:
            target.region_code = plan.get("region_code")
            target.project_code = target.project_code or plan.get("project_code")
            if plan.get("project_code") != target.project_code:
                errors["project_code"] = _("plan {id} is of project {project}",
                                           id=target.plan_id, project=plan.get("project_code"))
    elif target.project_code and lookups.project(target.project_code) is None:
        errors["project_code"] = _("project {code} not found", code=target.project_code)
    if errors:
        raise Invalid(_("the target is not valid"), errors)


def create_target(uow: UnitOfWork, lookups: Lookups, data: dict[str, Any]) -> Any:
    """Add a count target (the RGU only); Conflict when its code is taken."""
    data = load(schemas.TargetCreateSchema, data)
    ensure_manager(uow.context.actor, _("only the RGU sets count targets"))
    now = utcnow()
    target = Target(**data, created_at=now, updated_at=now)
    target.check()
    with uow:
        _check_references(uow, lookups, target)
        if uow.repo.target_by_code(target.code) is not None:
            raise Conflict(_("target {code} exists", code=target.code),
                           {"code": _("already used")})
        uow.repo.add(target)
        uow.flush()
        after = dump(target)
        uow.audit("create", "target", target.id, after=after, region=target.region_code)
        uow.commit()
        return after


def update_target(uow: UnitOfWork, target_id: int, data: dict[str, Any]) -> Any:
    """Change a target's minimum, titles, years or active flag (the RGU only)."""
    data = load(schemas.TargetPatchSchema, data)
    ensure_manager(uow.context.actor, _("only the RGU sets count targets"))
    with uow:
        target = uow.repo.target(target_id)
        if target is None:
            raise NotFound(_("target {id} not found", id=target_id))
        check_version(target, data.pop("version"), _("target {id}", id=target_id))
        before = dump(target)
        for name, value in data.items():
            setattr(target, name, value)
        target.check()
        target.updated_at = utcnow()
        with concurrent_update_guard(_("target {id}", id=target_id)):
            uow.flush()
        after = dump(target)
        uow.audit("update", "target", target.id, before=before, after=after,
                  region=target.region_code)
        uow.commit()
        return after


def _periods(target: Target, year: int) -> list[Period]:
    if target.period_type == "quarterly":
        return [Period(year, "quarterly", q) for q in range(1, 5)]
    return [Period(year, "yearly", 1)]


def target_rows(repo: Any, target: Any, year: int, regions: Any, houses: Any, only_region: Any = None,
                periods: Any = None, readable: Any = ()) -> Any:
    """The progress rows of one target over ``year`` (or only ``periods``): a row per
    period for the nation (unless ``only_region``) and for each region with a target, an
    actual or in ``readable`` (the regions the caller may read: their row shows actual 0
    rather than missing). ``regions``: every region code; ``houses``: {region: [house ids]}.

    A house-of-friendship target with no house open (nationally, or in a region) is not
    applicable there: ``target_value``, ``gap`` and ``met`` are None, not 0 and true."""
    rows = repo.event_rows(status="recorded", date_from=date(year, 1, 1),
                           date_to=date(year, 12, 31), **target.filters())
    found = []
    for period in periods or _periods(target, year):
        inside = [r for r in rows if period.start <= r["local_date"] <= period.end]
        by_region: dict[str | None, list[dict[str, Any]]] = {}  # the region's event rows
        for row in inside:
            by_region.setdefault(row["region_code"], []).append(row)
        if target.plan_id is not None:
            goals = {target.region_code: target.minimum}
            national = None
        elif target.per == "region":
            goals = {region: target.minimum for region in regions}
            national = target.minimum * len(regions)
        elif target.per == "house_of_friendship":
            goals = {region: target.minimum * len(ids) for region, ids in houses.items()
                     if ids}
            national = target.minimum * sum(len(ids) for ids in houses.values()) or None
        else:
            goals, national = {}, target.minimum
        code = period.code if target.period_type == "quarterly" else str(year)
        if only_region is None and target.plan_id is None:
            found.append(progress_row(target, code, NATIONAL, measured(inside, target.measure),
                                      national))
        if target.plan_id is not None:
            shown = set(goals)  # a plan's target is its own region's only
        else:
            shown = set(goals) | set(readable)
        for region in sorted(shown | {r for r in by_region if r}):
            if only_region is not None and region != only_region:
                continue
            found.append(progress_row(target, code, region,
                                      measured(by_region.get(region, []), target.measure),
                                      goals.get(region)))
    return found


def regions_known(repo: Any) -> Any:
    """Every region with a KGU in the local copy of the registry's org units."""
    return sorted({u.region_code for u in repo.org_units() if u.kind == "kgu" and u.region_code})


def _check_region(known: list[str], lookups: Any, code: str | None) -> None:
    """Invalid (422, naming ``region``) unless ``code`` is None, in ``known`` (the local
    copy's regions) or a region the registry gives a KGU (``lookups.kgu_of``: the copy
    may not be synced yet just after a start); without ``lookups``, refused only when
    the copy knows some regions but not this one."""
    if code is None or code in known:
        return
    if lookups is None:
        unknown = bool(known)
    else:
        try:
            unknown = lookups.kgu_of(code) is None
        except Invalid:  # the registry's «unknown region» names its own field
            unknown = True
    if unknown:
        raise Invalid(_("unknown region {code}", code=code),
                      {"region": _("no region with code {code}", code=code)})


def region_progress(uow: UnitOfWork, lookups: Any, query: dict[str, Any]) -> dict[str, Any]:
    """:func:`progress`, an unknown region checked with the registry too (``lookups``:
    adapters/lookups.py, asked as the caller)."""
    return progress(uow, query, lookups=lookups)


def progress(uow: UnitOfWork, query: dict[str, Any], today: date | None = None,
             lookups: Any = None) -> dict[str, Any]:
    """``{"year", "targets": [target + rows]}`` for every active target applying that year
    (or one target, or one project's). A coordinator gets its region's rows only; every
    region the caller may read has a row per target and period, with actual 0 when it has
    no event yet.

    Invalid (422, naming ``region``) for a region that has no KGU (see
    :func:`_check_region`), as the registry's listings refuse an unknown region."""
    query = load(schemas.ProgressQuery, query)
    year = query.get("year") or (today or kz_today()).year
    with uow:
        region = scope_region(uow.context.actor, query.get("region"))
        known = regions_known(uow.repo)
        _check_region(known, lookups, query.get("region"))
        regions = sorted(set(known) | ({region} if region else set()))
        houses = uow.repo.houses_of_friendship(date(year, 1, 1), date(year, 12, 31))
        answer = []
        for target in uow.repo.targets(active=True, code=query.get("target")):
            if not target.applies_in(year):
                continue
            if query.get("project") and target.project_code != query["project"]:
                continue
            if region and target.region_code not in (None, region):
                continue
            answer.append({**dump(target), "rows": target_rows(
                uow.repo, target, year, regions, houses, only_region=region,
                readable=[region] if region else regions)})
        return {"year": year, "targets": answer}


def current_progress(repo: Any, today: date) -> Any:
    """The rows of the current period of every active target (for the metrics)."""
    regions = regions_known(repo)
    houses = repo.houses_of_friendship(date(today.year, 1, 1), date(today.year, 12, 31))
    rows = []
    for target in repo.targets(active=True):
        if target.applies_in(today.year):
            current = Period(today.year, target.period_type, 1) \
                if target.period_type == "yearly" else None
            if current is None:
                code = period_of(today, "quarterly")
                current = Period(today.year, "quarterly", int(code[-1]))
            rows.extend(target_rows(repo, target, today.year, regions, houses,
                                    periods=[current]))
    return rows
