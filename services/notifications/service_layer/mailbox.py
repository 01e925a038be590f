"""Whose notifications a caller means: the org unit behind an inbox, webhook or preference.

A KGU coordinator's is its region's KGU (or another org unit of its region, named);
the RGU admin and observers read the RGU's, or any org unit's they name.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import ensure_readable
from kelisim.errors import Invalid, NotFound
from kelisim.i18n import _

if TYPE_CHECKING:
    from services.notifications.adapters.directory import RegistryDirectory


def mailbox_of(actor: dict[str, Any], directory: RegistryDirectory, org_unit_id: int | None = None) -> dict[str, Any]:
    """The org unit (a registry dict) whose inbox ``actor`` asks for."""
    if org_unit_id is not None:
        unit = directory.org_unit(org_unit_id)
        if unit is None:
            raise NotFound(_("org unit {org_unit_id} not found", org_unit_id=org_unit_id))
        ensure_readable(actor, unit.get("region_code"),
                        _("org unit {org_unit_id} not found", org_unit_id=org_unit_id))
        return unit
    role = actor.get("role")
    if role == "kgu_coordinator":
        unit, _contacts = directory.kgu_of(actor.get("region"))
        if unit is None:
            raise NotFound(_("region {region} has no KGU", region=actor.get("region")))
        return unit
    if role in ("rgu_admin", "observer"):
        unit, _contacts = directory.rgu()
        if unit is None:
            raise NotFound(_("the registry has no RGU"))
        return unit
    raise Invalid(_("name the org unit"), {"org_unit_id": _("required for this caller")})
