"""Whose notifications a caller means: the org unit behind an inbox, webhook or preference.

A KGU coordinator's is its region's KGU (or another org unit of its region, named);
the RGU admin and observers read the RGU's, or any org unit's they name.
"""
from kelisim.access import ensure_readable
from kelisim.errors import Invalid, NotFound


def mailbox_of(actor, directory, org_unit_id=None):
    """The org unit (a registry dict) whose inbox ``actor`` asks for."""
    if org_unit_id is not None:
        unit = directory.org_unit(org_unit_id)
        if unit is None:
            raise NotFound(f"org unit {org_unit_id} not found")
        ensure_readable(actor, unit.get("region_code"), f"org unit {org_unit_id}")
        return unit
    role = actor.get("role")
    if role == "kgu_coordinator":
        unit, _ = directory.kgu_of(actor.get("region"))
        if unit is None:
            raise NotFound(f"region {actor.get('region')} has no KGU")
        return unit
    if role in ("rgu_admin", "observer"):
        unit, _ = directory.rgu()
        if unit is None:
            raise NotFound("the registry has no RGU")
        return unit
    raise Invalid("name the org unit", {"org_unit_id": "required for this caller"})
