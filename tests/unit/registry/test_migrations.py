"""The registry's Alembic scripts build exactly the tables its ORM maps, and undo them."""
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kelisim.db import migrate
from kelisim.db.engine import make_engine
from services.registry.adapters.orm import metadata


def test_migrations_match_the_orm_and_downgrade_cleanly(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrations.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade("registry", url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            assert {"outbox", "audit_log", "processed_events", "org_units"} <= set(
                sa.inspect(conn).get_table_names())

        command.downgrade(migrate.alembic_config("registry", url), "base")
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == ["alembic_version"]

        migrate.upgrade("registry", url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()
