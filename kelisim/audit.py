"""One audit view over every service's writes: each service answers ``audit_entries``
over RPC from its own audit trail (who, when, what, before, after), newest first, and
the gateway merges the answers by time (gateway/service_layer/audit.py).

Only the RGU administrator and observers read it (and internal callers)."""
from typing import Any

from marshmallow import fields, validate

from kelisim.errors import Forbidden, KelisimError
from kelisim.i18n import _
from kelisim.rpc import rpc
from kelisim.schemas import REGION_CODE, PageQuery, load

AUDITORS = ("rgu_admin", "observer", "system")
# a merged page needs every service's newest offset + limit rows: the window is bounded
MAX_WINDOW = 10_000


class AuditQuery(PageQuery):
    entity = fields.Str(validate=validate.Length(min=1, max=60), metadata={
        "description": "org_unit, structure, person, plan, task, budget_line, risk, "
                       "indicator, template, report, report_template, webhook, preference, "
                       "inbox_item, ..."})
    entity_id = fields.Str(validate=validate.Length(min=1, max=64))
    region = fields.Str(validate=REGION_CODE)
    actor = fields.Str(validate=validate.Length(min=1, max=120), metadata={
        "description": "the actor id, e.g. token:7"})
    offset = fields.Int(load_default=0, validate=validate.Range(0, MAX_WINDOW - 200), metadata={
        "description": f"at most {MAX_WINDOW - 200}: narrow the filters to reach older entries"})


class AuditWindowQuery(AuditQuery):
    """What a service answers the gateway: up to the whole window in one page."""

    limit = fields.Int(load_default=50, validate=validate.Range(1, MAX_WINDOW))


def require_auditor(actor: dict[str, Any]) -> None:
    """Forbidden (403) unless ``actor`` may read the audit log."""
    if actor.get("role", "system") not in AUDITORS:
        raise Forbidden(_("only the RGU administrator and observers read the audit log"))


def entries_page(uow: Any, query: dict[str, Any] | None, service: str) -> dict[str, Any]:
    """A page of ``uow``'s audit log for ``query`` (see :class:`AuditQuery`):
    ``{"items": [entry], "total": n}``, newest first, each entry naming ``service``."""
    query = load(AuditWindowQuery, query or {})
    with uow:
        require_auditor(uow.context.actor)
        rows, total = uow.audit_page(entity=query.get("entity"),
                                     entity_id=query.get("entity_id"),
                                     region=query.get("region"), actor=query.get("actor"),
                                     limit=query["limit"], offset=query["offset"])
    for row in rows:
        row["service"] = service
        row["reason"] = None
    return {"items": rows, "total": total, "limit": query["limit"], "offset": query["offset"]}


class AuditEntries:
    """Mixed into a service whose writes go to the platform ``audit_log`` table."""

    uow: Any
    name: str

    @rpc(expected_exceptions=KelisimError)
    def audit_entries(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return entries_page(self.uow, query, self.name)
