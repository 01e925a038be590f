"""Use cases on report templates: list, read, create a template or its next version."""
from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from kelisim.access import found_or_404
from kelisim.db.races import retry_on_unique
from kelisim.db.types import utcnow
from kelisim.errors import Forbidden
from kelisim.i18n import _
from kelisim.schemas import load
from services.reports.contract import schemas
from services.reports.domain.templates import Template

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork
    from kelisim.i18n import Msg
    from services.reports.adapters.repository import ReportsRepository

_OUT = schemas.TemplateSchema()
MANAGERS = ("rgu_admin", "system")


def dump(template: Template) -> dict[str, Any]:
    return _OUT.dump(template)


def ensure_manager(actor: dict[str, Any], detail: Msg) -> None:
    """Forbidden (with ``detail``, a Msg saying what only the RGU may do) unless the RGU."""
    if actor.get("role") not in MANAGERS:
        raise Forbidden(detail)


def get_or_404(repo: ReportsRepository, template_id: int) -> Template:
    return found_or_404(repo.template(template_id),
                        _("report template {template_id} not found", template_id=template_id))


def list_templates(uow: UnitOfWork, query: dict[str, Any]) -> list[Any]:
    """The newest version of each template."""
    query = load(schemas.TemplateQuery, query)
    with uow:
        return [dump(t) for t in uow.repo.latest_templates(**query)]


def get_template(uow: UnitOfWork, template_id: int) -> dict[str, Any]:
    with uow:
        return dump(get_or_404(uow.repo, template_id))


def _stored(data: dict[str, Any]) -> dict[str, Any]:
    """Loaded template data as stored: bounds of fields as decimal strings."""
    data = dict(data)
    data["fields"] = [dict(spec, min=schemas.decimal_text(spec["min"]),
                           max=schemas.decimal_text(spec["max"])) for spec in data["fields"]]
    return data


def add_template(uow: UnitOfWork, data: dict[str, Any]) -> Template:
    """Add ``data`` (already loaded) as the next version of its code; return the template."""
    versions = uow.repo.template_versions(data["code"])
    template = Template(version=versions[-1].version + 1 if versions else 1,
                        created_at=utcnow(), **_stored(data))
    template.check()
    uow.repo.add(template)
    uow.flush()  # a concurrent create took this version number: IntegrityError, retried
    after = dump(template)
    uow.audit("create", "report_template", template.id, after=after)
    return template


@retry_on_unique(what="the template")
def create_template(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    """A new template, or the next version of an existing code (reports keep theirs). Two
    creates of one code at once both succeed, as consecutive versions."""
    data = load(schemas.TemplateCreateSchema, data)
    with uow:
        ensure_manager(uow.context.actor, _("only the RGU may define report templates"))
        template = add_template(uow, data)
        uow.commit()
        return dump(template)


def reference_templates() -> list[dict[str, Any]]:
    """The templates shipped with the service (services/reports/reference/templates.json)."""
    text = resources.files("services.reports").joinpath("reference", "templates.json") \
        .read_text("utf-8")
    return json.loads(text)


@retry_on_unique(what="the reference templates")
def load_reference_templates(uow: UnitOfWork) -> int:
    """Add each shipped template whose code is not there yet; return how many were added.
    Replicas loading at once: the one that loses runs again and adds nothing."""
    added = 0
    with uow:
        for raw in reference_templates():
            if not uow.repo.template_versions(raw["code"]):
                add_template(uow, load(schemas.TemplateCreateSchema, raw))
                added += 1
        uow.commit()
    return added
