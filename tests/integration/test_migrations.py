"""Every component's Alembic scripts build exactly the tables its ORM maps, undo them all,
and build them again, on the embedded SQLite and on PostgreSQL."""
import importlib

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kelisim.config import COMPONENTS
from kelisim.db import migrate
from kelisim.db.engine import make_engine

# where each component's ORM metadata lives, and tables it must have at head
ORM = {
    "registry": ("services.registry.adapters.orm", {"org_units"}),
    "projects": ("services.projects.adapters.orm", {"tasks", "dependencies", "overdue_stamps"}),
    "reports": ("services.reports.adapters.orm", {"report_templates", "reports",
                                                  "reminder_stamps", "org_units"}),
    "notifications": ("services.notifications.adapters.orm", {"inbox_items"}),
    "gateway": ("gateway.adapters.orm", set()),
}
PLATFORM_TABLES = {"outbox", "audit_log", "processed_events"}


def test_every_component_is_covered():
    assert set(ORM) == set(COMPONENTS)


@pytest.mark.parametrize("component", sorted(ORM))
def test_migrations_match_the_orm_downgrade_to_nothing_and_upgrade_again(component,
                                                                          database_url):
    module, expected = ORM[component]
    metadata = importlib.import_module(module).metadata
    engine = make_engine(database_url)

    def differences():
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), metadata)

    try:
        migrate.upgrade(component, database_url)
        assert differences() == []
        tables = set(sa.inspect(engine).get_table_names())
        assert expected <= tables
        if component != "gateway":  # the gateway keeps no events
            assert PLATFORM_TABLES <= tables

        command.downgrade(migrate.alembic_config(component, database_url), "base")
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}

        migrate.upgrade(component, database_url)
        assert differences() == []
    finally:
        engine.dispose()
