"""The reports service's Alembic scripts build exactly the tables its ORM maps, and undo them."""
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kelisim.db import migrate
from kelisim.db.engine import make_engine
from services.reports.adapters.orm import metadata


def test_migrations_match_the_orm_and_downgrade_cleanly(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrations.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade("reports", url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            assert {"outbox", "report_templates", "reports", "reminder_stamps", "org_units"} <= \
                set(sa.inspect(conn).get_table_names())

        command.downgrade(migrate.alembic_config("reports", url), "0001")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == {
                "alembic_version", "outbox", "audit_log", "processed_events"}

        migrate.upgrade("reports", url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()
