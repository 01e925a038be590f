"""The gateway's migrations build exactly the tables its code maps, on both backends."""
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gateway.adapters.orm import metadata
from kelisim.db import migrate
from kelisim.db.engine import make_engine


def test_migrations_match_the_mapped_tables_and_downgrade(database_url):
    migrate.upgrade("gateway", database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        command.downgrade(migrate.alembic_config("gateway", database_url), "base")
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
