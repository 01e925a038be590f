"""Loading the registry's reference data: regions, structure types, 2020 baseline, RGU, KGUs,
and the organisations outside the Assembly named by the 2022–2026 action plan (its
ministries, agencies, the research institute, «Атамекен», and the 20 akimats).

Idempotent: rows already present are left alone, so it runs on every start.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.db.races import retry_on_unique
from kelisim.reference import add_missing, shipped
from services.registry.domain.model import BaselineFigure, Organisation, OrgUnit, Region, StructureType

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

RGU_CODE = "RGU"


def _reference(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = shipped("services.registry", name)
    return rows


def kgu_code(region_code: str) -> str:
    return f"KGU-{region_code}"


@retry_on_unique(what="the reference data")
def load_reference_data(uow: UnitOfWork) -> int:
    """Insert what is missing; return how many rows were added. Replicas loading at once:
    the one that loses runs again and adds nothing."""
    added = 0
    with uow:
        repo = uow.repo
        added += add_missing(repo, _reference("regions.json"), repo.region, Region)
        added += add_missing(repo, _reference("structure_types.json"), repo.structure_type,
                             StructureType)
        known = {(f.subject, f.indicator, f.year) for f in repo.baseline()}
        for row in _reference("baseline_2020.json"):
            figure = BaselineFigure(**row)
            if (figure.subject, figure.indicator, figure.year) not in known:
                repo.add(figure)
                added += 1
        uow.flush()
        rgu = repo.org_unit_by_code(RGU_CODE)
        if rgu is None:
            rgu = OrgUnit(code=RGU_CODE, kind="rgu", level="republican",
                          name_kk="«Қоғамдық келісім» РММ",
                          name_ru="РГУ «Қоғамдық келісім»",
                          name_en="RGU «Qogamdyq kelisim»")
            repo.add(rgu)
            uow.flush()
            added += 1
        for region in _reference("regions.json"):
            if repo.org_unit_by_code(kgu_code(region["code"])) is None:
                repo.add(OrgUnit(
                    code=kgu_code(region["code"]), kind="kgu", level="regional",
                    region_code=region["code"], parent_id=rgu.id,
                    name_kk=f"{region['name_kk']} «Қоғамдық келісім» КММ",
                    name_ru=f"КГУ «Қоғамдық келісім» ({region['name_ru']})",
                    name_en=f"KGU «Qogamdyq kelisim», {region['name_en']}",
                ))
                added += 1
        added += add_missing(repo, _reference("organisations.json"), repo.organisation_by_code,
                             Organisation)
        uow.commit()
    return added
