"""Use cases on organisations outside the Assembly that plans name as co-executors.

Ministries, akimats, the research institute, «Атамекен», the prosecutor's office: the
action plan of the Assembly's 2022–2026 development concept names them beside the RGU and
the KGUs. Only the RGU (``rgu_admin``, or the system loading reference data) adds or
changes them; everyone reads them, except that a KGU coordinator sees the republican ones
and its own region's (an akimat of another region is "not found", as every other record
of another region is). Writes are audited and published (``organisation_created``,
``organisation_updated``) with the organisation's region, if it has one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import scope_region
from kelisim.errors import Conflict, Forbidden, NotFound
from kelisim.i18n import _
from kelisim.schemas import listing, load
from services.registry.contract import schemas
from services.registry.contract.client import readable
from services.registry.domain.model import Organisation
from services.registry.service_layer.changes import save_changes, save_new
from services.registry.service_layer.org_units import require_region

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

_OUT = schemas.OrganisationSchema()
WRITERS = ("rgu_admin", "system")


def dump(organisation: Any) -> dict[str, Any]:
    """``OrganisationSchema`` of one organisation (a dict)."""
    return _OUT.dump(organisation)


def require_rgu(actor: dict[str, Any]) -> None:
    """Forbidden unless the caller is the RGU (or the system)."""
    if actor.get("role") not in WRITERS:
        raise Forbidden(_("only the RGU may change the organisations outside the Assembly"))


def _visible_regions(actor: dict[str, Any]) -> list[str | None] | None:
    """None (every organisation), or the regions a coordinator may see: its own and None."""
    if actor.get("role") == "kgu_coordinator":
        return [None, actor.get("region")]
    return None


def list_organisations(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    """A page ``{items, total, limit, offset}`` of organisations, by code.

    ``query``: ``OrganisationQuery`` (``kind``, ``region``, ``code``, ``q``, ``limit``,
    ``offset``). A coordinator asking for another region is refused (403), as in every
    listing; unknown region: 422.
    """
    query = load(schemas.OrganisationQuery, query)
    with uow:
        actor = uow.context.actor
        region = query.pop("region", None)
        if region is not None:
            region = scope_region(actor, region)
        require_region(uow.repo, region, "region")
        items, total = uow.repo.organisations(regions=_visible_regions(actor), region=region,
                                              **query)
        return listing([dump(o) for o in items], total, query)


def _readable(uow: UnitOfWork, organisation_id: int) -> Organisation:
    organisation = uow.repo.organisation(organisation_id)
    if organisation is None:
        raise NotFound(_("organisation {id} not found", id=organisation_id))
    if not readable(uow.context.actor, "organisation", organisation.region_code):
        raise NotFound(_("organisation {id} not found", id=organisation_id))
    return organisation


def get_organisation(uow: UnitOfWork, organisation_id: int) -> dict[str, Any]:
    """One organisation; 404 if unknown or (for a coordinator) of another region."""
    with uow:
        return dump(_readable(uow, organisation_id))


def create_organisation(uow: UnitOfWork, data: dict[str, Any]) -> Any:
    """Add an organisation (RGU only): 422 bad input or an akimat without a region, 409
    a code taken. Emits ``organisation_created``."""
    data = load(schemas.OrganisationCreateSchema, data)
    with uow:
        repo = uow.repo
        require_rgu(uow.context.actor)
        require_region(repo, data["region_code"])
        taken = Conflict(_("organisation code {code} is taken", code=data["code"]),
                         {"code": _("already exists")})
        if repo.organisation_by_code(data["code"]) is not None:
            raise taken
        organisation = Organisation(**data)
        organisation.check()
        return save_new(uow, organisation, kind="organisation", dump=dump, taken=taken)


def update_organisation(uow: UnitOfWork, organisation_id: int, data: dict[str, Any]) -> Any:
    """Change names, contacts or ``closed_on`` (RGU only; send the version you read).
    Code, kind and region stay. Emits ``organisation_updated`` with the changed fields."""
    data = load(schemas.OrganisationPatchSchema, data)
    with uow:
        organisation = _readable(uow, organisation_id)
        require_rgu(uow.context.actor)
        return save_changes(uow, organisation, data, kind="organisation",
                            label=_("organisation {id}", id=organisation_id), dump=dump,
                            check=organisation.check)
