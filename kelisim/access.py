"""Who may see and change what: the same rules in every service.

``rgu_admin`` and internal callers (``system``) do everything; a ``kgu_coordinator``
reads and writes its own region only; an ``observer`` reads everything, writes nothing.
Data of another region is reported as not found, so its existence does not leak.
"""
from kelisim.errors import Forbidden, NotFound
from kelisim.i18n import _

ROLES = ("rgu_admin", "kgu_coordinator", "observer")


def _is_coordinator(actor):
    return actor.get("role") == "kgu_coordinator"


def scope_region(actor, requested=None):
    """The region a listing is limited to: a coordinator's own, others as asked."""
    if not _is_coordinator(actor):
        return requested
    if requested and requested != actor.get("region"):
        raise Forbidden(_("a KGU coordinator of {region} sees only that region",
                          region=actor.get("region")))
    return actor.get("region")


def ensure_readable(actor, region, what: str="record"):
    if _is_coordinator(actor) and region != actor.get("region"):
        raise NotFound(_("{what} not found", what=what))


def ensure_writable(actor, region):
    role = actor.get("role")
    if role == "observer":
        raise Forbidden(_("observers cannot change anything"))
    if role not in ("rgu_admin", "kgu_coordinator", "system"):
        raise Forbidden(_("role {role} cannot change anything", role=repr(role)))
    if role == "kgu_coordinator" and region != actor.get("region"):
        raise Forbidden(_("a KGU coordinator of {region} writes only in that region",
                          region=actor.get("region")))
