"""The gateway publishes exactly the notifications routes (tests/integration/test_migrations.py
checks the migrations)."""
import inspect

from gateway.entrypoints.service import GatewayService
from gateway.http import routes_of

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


def test_the_gateway_publishes_exactly_the_notifications_routes():
    mine = [r for r in routes_of(GatewayService)
            if inspect.unwrap(getattr(GatewayService, r.name)).__module__
            == "gateway.entrypoints.notifications_routes"]
    assert {(r.method, r.path) for r in mine} == NOTIFICATION_ROUTES
    assert all(r.auth and not r.roles for r in mine)
    created = [r.path for r in mine if r.status == 201]
    assert created == [f"{API}/webhooks"]
