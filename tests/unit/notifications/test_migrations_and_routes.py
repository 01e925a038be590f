"""The notifications migrations match the ORM; the gateway publishes exactly its routes."""
import inspect

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gateway.entrypoints.service import GatewayService
from gateway.http import routes_of
from kelisim.db import migrate
from kelisim.db.engine import make_engine
from services.notifications.adapters.orm import metadata

API = "/api/v1"
NOTIFICATION_ROUTES = {
    ("GET", f"{API}/inbox"), ("POST", f"{API}/inbox/<int:item_id>/read"),
    ("POST", f"{API}/inbox/<int:item_id>/archive"), ("POST", f"{API}/inbox/read-all"),
    ("GET", f"{API}/webhooks"), ("POST", f"{API}/webhooks"),
    ("DELETE", f"{API}/webhooks/<int:webhook_id>"),
    ("POST", f"{API}/webhooks/<int:webhook_id>/enable"), ("GET", f"{API}/deliveries"),
    ("GET", f"{API}/preferences"), ("PUT", f"{API}/preferences/<event_type>"),
    ("DELETE", f"{API}/preferences/<event_type>"), ("GET", f"{API}/preferences/language"),
    ("PUT", f"{API}/preferences/language"),
}


def test_migrations_match_the_orm_and_downgrade_cleanly(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrations.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade("notifications", url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        command.downgrade(migrate.alembic_config("notifications", url), "0001")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == {
                "alembic_version", "outbox", "audit_log", "processed_events"}
        migrate.upgrade("notifications", url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()


def test_the_gateway_publishes_exactly_the_notifications_routes():
    mine = [r for r in routes_of(GatewayService)
            if inspect.unwrap(getattr(GatewayService, r.name)).__module__
            == "gateway.entrypoints.notifications_routes"]
    assert {(r.method, r.path) for r in mine} == NOTIFICATION_ROUTES
    assert all(r.auth and not r.roles for r in mine)
    created = [r.path for r in mine if r.status == 201]
    assert created == [f"{API}/webhooks"]
