"""Reference data: regions, structure types, the 2020 baseline, the RGU and its KGUs."""
import re

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer import queries, reference

REGION_CODES = {
    "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
    "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
}


def test_twenty_regions_with_iso_codes_and_three_names(uow):
    regions = queries.list_regions(uow())

    assert {r["code"] for r in regions} == REGION_CODES
    assert len(regions) == 20
    for region in regions:
        assert re.fullmatch(r"KZ-\d{2}", region["code"])
        assert region["name_kk"] and region["name_ru"] and region["name_en"]
    by_code = {r["code"]: r for r in regions}
    assert by_code["KZ-61"]["name_kk"] == "Түркістан облысы"
    assert by_code["KZ-61"]["name_ru"] == "Туркестанская область"
    assert by_code["KZ-71"]["kind"] == "city"


def test_ten_structure_types_only_ethnocultural_associations_accreditable(uow):
    types = queries.list_structure_types(uow())

    assert len(types) == 10
    assert [t["code"] for t in types if t["accreditable"]] == ["ethnocultural_association"]


def test_baseline_2020_figures(uow):
    baseline = queries.statistics(uow())["baseline"]

    assert len(baseline) == 23
    assert {f["year"] for f in baseline} == {2020}
    figures = {(f["subject"], f["indicator"]): f for f in baseline}
    assert figures[("council_of_public_accord", "structures")]["value"] == 2739
    assert figures[("council_of_mothers", "members")]["qualifier"] == "at_least"


def test_rgu_and_one_kgu_per_region_under_it(uow):
    with uow() as work:
        rgu = work.repo.org_unit_by_code(reference.RGU_CODE)
        kgus = work.repo.org_units(kind="kgu")

        assert rgu.kind == "rgu" and rgu.region_code is None and rgu.parent_id is None
        assert len(kgus) == 20
        assert {k.region_code for k in kgus} == REGION_CODES
        assert all(k.parent_id == rgu.id and k.level == "regional" for k in kgus)
        assert {k.code for k in kgus} == {f"KGU-{code}" for code in REGION_CODES}


def test_loading_again_adds_nothing_and_fills_gaps(uow):
    assert reference.load_reference_data(uow()) == 0

    with uow() as work:
        work.session.delete(work.repo.org_unit_by_code("KGU-KZ-79"))
        work.commit()

    assert reference.load_reference_data(uow()) == 1
    assert reference.load_reference_data(uow()) == 0
    with uow() as work:
        assert len(work.repo.org_units(kind="kgu")) == 20


def test_first_load_into_an_empty_database_adds_everything(tmp_path, migrated, session_factory):
    url = migrated("registry", f"sqlite:///{tmp_path / 'empty.db'}")
    sessions = session_factory(url)

    def fresh():
        return UnitOfWork(sessions, Context(), RegistryRepository)

    # 20 regions + 10 types + 23 baseline figures + the RGU + 20 KGUs + the action plan's
    # 10 republican co-executors and 20 akimats
    assert reference.load_reference_data(fresh()) == 104
    assert reference.load_reference_data(fresh()) == 0
