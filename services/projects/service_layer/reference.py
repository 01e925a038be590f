"""Loading the projects' reference data: the four base projects and the action plan of the
2022–2026 concept (a fifth programme, held the same way), the concept's target indicators
and a template per project. Idempotent: what exists is left alone (a template
the RGU has edited is kept), so it runs on every start."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.db.races import retry_on_unique
from kelisim.reference import add_missing
from services.projects.contract.schemas import WorkItemSchema
from services.projects.domain import template as templates
from services.projects.domain.model import BaseProject, Indicator, Template
from services.projects.service_layer.common import reference

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork


def template_items(code: str) -> list[dict[str, Any]]:
    items = WorkItemSchema(many=True).load(reference(f"templates/{code}.json"))
    templates.validate(items)
    templates.check_indicators(items, {row["code"] for row in reference("indicators.json")})
    return items


@retry_on_unique(what="the reference data")
def load_reference_data(uow: UnitOfWork) -> int:
    """Insert what is missing (and add new projects to an indicator's list); return how
    many rows were added or completed. Replicas loading at once:
    the one that loses runs again and adds nothing."""
    added = 0
    with uow:
        repo = uow.repo
        added += add_missing(repo, reference("projects.json"), repo.project, BaseProject)
        uow.flush()
        for row in reference("indicators.json"):
            indicator = repo.indicator(row["code"])
            if indicator is None:
                repo.add(Indicator(actuals={}, **row))
                added += 1
                continue
            # a project added to the reference since (the action plan) is added to the
            # list of projects the indicator serves; targets and actuals are left alone
            missing = [code for code in row["projects"] if code not in indicator.projects]
            if missing:
                indicator.projects = list(indicator.projects) + missing
                added += 1
        for row in reference("projects.json"):
            if repo.template(row["code"]) is None:
                repo.add(Template(project_code=row["code"], items=template_items(row["code"])))
                added += 1
        uow.commit()
    return added
