"""Who may see and change what: the same rules in every service.

``rgu_admin`` and internal callers (``system``) do everything; a ``kgu_coordinator``
reads and writes its own region only; an ``observer`` reads everything, writes nothing.
Data of another region is reported as not found, so its existence does not leak.
"""
from typing import Any, Protocol, TypeVar

from kelisim.errors import Forbidden, NotFound
from kelisim.i18n import Msg, _

Actor = dict[str, Any]
T = TypeVar("T")


class InRegion(Protocol):
    @property
    def region_code(self) -> str | None: ...


R = TypeVar("R", bound=InRegion)

ROLES = ("rgu_admin", "kgu_coordinator", "observer")


def _is_coordinator(actor: Actor) -> bool:
    return actor.get("role") == "kgu_coordinator"


def scope_region(actor: Actor, requested: str | None = None) -> str | None:
    """The region a listing is limited to: a coordinator's own, others as asked."""
    if not _is_coordinator(actor):
        return requested
    if requested and requested != actor.get("region"):
        raise Forbidden(_("a KGU coordinator of {region} sees only that region",
                          region=actor.get("region")))
    region: str | None = actor.get("region")
    return region


def may_read(actor: Actor, region: str | None) -> bool:
    """Whether ``actor`` may read a record of ``region`` (None: the RGU's, no region's)."""
    return not _is_coordinator(actor) or region == actor.get("region")


def ensure_readable(actor: Actor, region: str | None,
                    missing: str | Msg = "record not found") -> None:
    """NotFound (404) saying ``missing`` when ``actor`` may not read a record of ``region``.
    Pass what a missing record of the kind is told (``_("person {person_id} not found",
    ...)``): another region's record then reads as none at all in every language, where a
    text of its own ("{what} not found") told the two apart in Russian and Kazakh."""
    if not may_read(actor, region):
        raise NotFound(missing)


def found_or_404(found: T | None, missing: Msg) -> T:
    """``found`` (what a repository returned), or NotFound (404) saying ``missing`` when it
    is None."""
    if found is None:
        raise NotFound(missing)
    return found


def readable_or_404(actor: Actor, found: R | None, missing: Msg) -> R:
    """:func:`found_or_404`, then :func:`ensure_readable` on its ``region_code``: a record of
    another region is not found either (404 saying ``missing``, as for none), so its
    existence does not leak."""
    record = found_or_404(found, missing)
    ensure_readable(actor, record.region_code, missing)
    return record


def ensure_writable(actor: Actor, region: str | None) -> None:
    """Forbidden (403) when ``actor`` may not change a record of ``region``."""
    role = actor.get("role")
    if role == "observer":
        raise Forbidden(_("observers cannot change anything"))
    if role not in ("rgu_admin", "kgu_coordinator", "system"):
        raise Forbidden(_("role {role} cannot change anything", role=repr(role)))
    if role == "kgu_coordinator" and region != actor.get("region"):
        raise Forbidden(_("a KGU coordinator of {region} writes only in that region",
                          region=actor.get("region")))
