"""Races the service layer must turn into the same answers as the sequential case (PostgreSQL)."""
import eventlet
import pytest

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from kelisim.errors import Conflict, StaleVersion
from services.registry.adapters.repository import RegistryRepository
from services.registry.domain.model import OrgUnit
from services.registry.service_layer import org_units, structures
from services.registry.service_layer.reference import load_reference_data
from tests.support import wait_until_blocking


@pytest.fixture
def pg_uow(postgres_url, migrated, session_factory):
    sessions = session_factory(migrated("registry", postgres_url))
    load_reference_data(UnitOfWork(sessions, Context(), RegistryRepository))
    return lambda: UnitOfWork(sessions, Context(source="registry"), RegistryRepository)


def test_duplicate_code_created_concurrently_is_a_conflict(pg_uow):
    with pg_uow() as work:
        kgu = work.repo.kgu_of("KZ-61")
        data = {"code": "BR-RACE", "name_kk": "Ж", "name_ru": "Ф", "kind": "kgu_branch",
                "level": "rural", "region_code": "KZ-61", "parent_id": kgu.id}
        work.repo.add(OrgUnit(**data))
        work.flush()  # holds the code, not yet committed: the other check cannot see it
        racer = eventlet.spawn(org_units.create_org_unit, pg_uow(), data)
        wait_until_blocking(work.session)  # the racer checked the code, and waits on the index
        work.commit()

    with pytest.raises(Conflict) as caught:
        racer.wait()
    assert caught.value.errors == {"code": "already exists"}


def test_update_racing_another_on_the_same_version_is_stale(pg_uow):
    with pg_uow() as work:
        kgu_id = work.repo.kgu_of("KZ-61").id
        work.repo.org_unit(kgu_id).name_ru = "Первый"
        work.flush()  # row locked at version 2, not yet committed
        racer = eventlet.spawn(org_units.update_org_unit, pg_uow(), kgu_id,
                               {"version": 1, "name_ru": "Второй"})
        wait_until_blocking(work.session)  # the racer read version 1, waits on the row lock
        work.commit()

    with pytest.raises(StaleVersion):
        racer.wait()
    assert org_units.get_org_unit(pg_uow(), kgu_id)["name_ru"] == "Первый"


def test_structure_update_racing_another_on_the_same_version_is_stale(pg_uow):
    with pg_uow() as work:
        kgu_id = work.repo.kgu_of("KZ-61").id
    created = structures.create_structure(pg_uow(), {
        "type": "council_of_mothers", "name": "Кеңес", "org_unit_id": kgu_id})
    with pg_uow() as work:
        work.repo.structure(created["id"]).member_count = 5
        work.flush()
        racer = eventlet.spawn(structures.update_structure, pg_uow(), created["id"],
                               {"version": 1, "member_count": 6})
        wait_until_blocking(work.session)  # the racer read version 1, waits on the row lock
        work.commit()

    with pytest.raises(StaleVersion):
        racer.wait()
    assert structures.get_structure(pg_uow(), created["id"])["member_count"] == 5
