"""The projects service's part of the one audit view: its change history (who, when,
what and why, kept for every write) read as audit entries with before and after."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.audit import AuditWindowQuery, require_auditor
from kelisim.schemas import listing, load

if TYPE_CHECKING:

    from kelisim.db.uow import UnitOfWork


def as_entry(row: dict[str, Any]) -> dict[str, Any]:
    """A history row as an audit entry: ``changes`` ``{field: [old, new]}`` split into
    ``before`` and ``after`` (None when nothing was there: a creation)."""
    changes = row["changes"] or {}
    before = {name: pair[0] for name, pair in changes.items() if pair[0] is not None}
    after = {name: pair[1] for name, pair in changes.items() if pair[1] is not None}
    return {"id": row["id"], "service": "projects", "occurred_at": row["occurred_at"].isoformat(),
            "actor_id": row["actor_id"], "actor_role": row["actor_role"],
            "correlation_id": row["correlation_id"], "action": row["action"],
            "entity": row["entity"], "entity_id": str(row["entity_id"]),
            "region_code": row["region_code"], "before": before or None,
            "after": after or None, "reason": row["reason"]}


def audit_entries(uow: UnitOfWork, query: dict[str, Any] | None = None) -> dict[str, Any]:
    """A page of the projects' audit trail, as ``kelisim.audit.entries_page`` answers."""
    query = load(AuditWindowQuery, query or {})
    with uow:
        require_auditor(uow.context.actor)
        rows, total = uow.repo.audit_page(
            entity=query.get("entity"), entity_id=query.get("entity_id"),
            region=query.get("region"), actor=query.get("actor"), limit=query["limit"],
            offset=query["offset"])
        return listing([as_entry(row) for row in rows], total, query)
