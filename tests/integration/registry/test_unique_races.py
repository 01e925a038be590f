"""Replicas loading the registry's reference data at once (PostgreSQL) add it once."""
import sqlalchemy as sa

from kelisim.context import Context
from services.registry.adapters import orm
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer.reference import load_reference_data
from tests.support import race_with_slow_commit


def test_replicas_loading_the_reference_data_at_once_add_it_once(postgres_url, migrated,
                                                                 session_factory):
    orm.start_mappers()
    sessions = session_factory(migrated("registry", postgres_url))
    first, second = race_with_slow_commit(
        lambda cls: cls(sessions, Context(source="registry"), RegistryRepository),
        load_reference_data)
    assert [repr(a) for a in (first, second) if isinstance(a, Exception)] == []
    assert min(first, second) == 0 and max(first, second) > 20
    with sessions() as session:
        codes = session.execute(sa.select(orm.org_units.c.code)).scalars().all()
    assert len(codes) == len(set(codes)) == 21  # the RGU and 20 KGUs
