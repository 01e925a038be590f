"""Every gateway route x every kind of caller, over the running platform.

The route list is the gateway's own route table, so a new route fails here until it is
given a target in targets.py. Callers, each a person's account: the RGU administrator,
Turkistan's coordinator on Turkistan's data, Almaty's coordinator on Turkistan's data, an
observer, each with a personal API token and (``~session``) with a browser session and its
CSRF token; no credentials, a revoked token, a signed-out session, and Turkistan's
coordinator's session without the CSRF token (``~nocsrf``). A refused request must change
nothing in any database (each database's ``PRAGMA data_version``); an allowed write must
leave an audit row naming the caller.
"""
import pytest

from gateway.entrypoints.accounts_routes import AccountsRoutes
from gateway.entrypoints.events_routes import EventsRoutes
from gateway.entrypoints.notifications_routes import NotificationsRoutes
from gateway.entrypoints.projects_routes import ProjectsRoutes
from gateway.entrypoints.registry_routes import RegistryRoutes
from gateway.entrypoints.reports_routes import ReportsRoutes
from gateway.entrypoints.service import GatewayService
from gateway.http import routes_of
from gateway.http.routing import WRITE_METHODS
from tests.security.deployment import OTHER, OWN
from tests.security.targets import TARGETS, Targets

pytestmark = [pytest.mark.broker, pytest.mark.security]
ROUTES = routes_of(GatewayService)
OWNERS = {RegistryRoutes: "registry", ProjectsRoutes: "projects", ReportsRoutes: "reports",
          EventsRoutes: "reports", NotificationsRoutes: "notifications",
          AccountsRoutes: "gateway"}
REFUSED_CALLERS = ("anonymous", "revoked", "ended~session", "coordinator~nocsrf", "observer",
                   "observer~session", "stranger", "stranger~session")
ALLOWED_CALLERS = ("admin", "coordinator", "admin~session", "coordinator~session")
UNAUTHENTICATED = ("anonymous", "revoked", "ended~session")
# Scopes whose allowed calls change the caller's own credentials (a session opened or ended,
# a token made, a link issued or used): no "nothing changed" check for those. Signing out
# with a token ends nothing, so it leaves no audit row either.
OWN_CHANGES = ("public", "personal")
NOT_AUDITED = ("sign_out",)
# Turkistan's coordinator may not do these on its own data either (a service rule).
COORDINATOR_REFUSED = {}


# attachment routes: the service owning the record keeps the audit row
ATTACHMENT_OWNERS = {"add_task_attachment": "projects", "delete_attachment": "projects",
                     "add_report_attachment": "reports", "add_event_attachment": "reports"}


def payload(body):
    """An upload's body is the file's bytes; every other body is JSON."""
    return {"data": body} if isinstance(body, bytes) else {"json": body}


def owner(spec):
    if spec.name in ATTACHMENT_OWNERS:
        return ATTACHMENT_OWNERS[spec.name]
    return next((service for mixin, service in OWNERS.items() if spec.name in vars(mixin)),
                None)


def expected(spec, scope, caller):
    """An HTTP status, or "ok" for the route's own success status."""
    if scope == "unconfigured":
        return 404
    if not spec.auth:
        return "ok"
    if caller in UNAUTHENTICATED:
        return 401
    name, _, kind = caller.partition("~")
    if kind == "nocsrf" and spec.method in WRITE_METHODS:
        return 403
    role = {"admin": "rgu_admin", "observer": "observer"}.get(name, "kgu_coordinator")
    if spec.roles and role not in spec.roles:
        return 403
    if role == "observer" and spec.writes and not spec.personal:
        return 403
    if scope == "admins" and name != "admin":
        return 404  # another person's token is not found
    if name == "stranger" and scope == "regional":
        return "refused"  # 403 (a write, a listing of another region) or 404 (a record)
    if name == "coordinator" and spec.name in COORDINATOR_REFUSED:
        return COORDINATOR_REFUSED[spec.name]
    return "ok"


def call(deployment, spec, caller):
    path, params, body = TARGETS[spec.name][1](Targets(deployment))
    who = None if caller == "anonymous" else caller
    return deployment.request(spec.method, path, who, params=params, **payload(body))


def regions_in(value):
    """Every region code a response mentions in a ``region_code`` or ``region`` field."""
    if isinstance(value, dict):
        found = {v for k, v in value.items() if k in ("region_code", "region")
                 and isinstance(v, str)}
        for item in value.values():
            found |= regions_in(item)
        return found
    if isinstance(value, list):
        return set().union(*(regions_in(item) for item in value)) if value else set()
    return set()


def check(spec, caller, response, want):
    where = f"{spec.method} {spec.path} as {caller}: {response.status_code} {response.text[:300]}"
    if want == "ok":
        assert response.status_code == spec.status, where
    elif want == "refused" and response.status_code == 200 and spec.method == "GET":
        # a listing filtered by another region's org unit may answer, with nothing in it
        body = response.json()
        items = body.get("items") if isinstance(body, dict) else body
        assert items == [] and OWN not in regions_in(body), where
    elif want == "refused":
        assert response.status_code in (403, 404), where
    else:
        assert response.status_code == want, where
    if response.status_code >= 400:
        assert response.headers["Content-Type"].startswith("application/problem+json"), where


def test_every_route_has_a_target():
    assert sorted(TARGETS) == sorted(spec.name for spec in ROUTES)


@pytest.mark.timeout(900)  # a wait for the platform to go quiet per route: minutes under load
def test_refused_callers_change_nothing_anywhere(deployment, changes):
    """No token, a revoked token, an observer writing, another region's coordinator: refused
    (or, for national reads, answered) and not one committed change in any database."""
    changes.quiet()
    for spec in ROUTES:
        scope = TARGETS[spec.name][0]
        # a fresh target per caller, all made first: their events (a structure's, a task's)
        # consumed and the platform quiet before any refused request (a refusal changes
        # nothing, so each target is still as made when its caller tries it)
        made = changes.versions()
        attempts = [(caller, TARGETS[spec.name][1](Targets(deployment)))
                    for caller in REFUSED_CALLERS]
        if changes.versions() != made:
            changes.quiet()
        for caller, (path, params, body) in attempts:
            want = expected(spec, scope, caller)
            before = changes.versions()
            who = None if caller == "anonymous" else caller
            response = deployment.request(spec.method, path, who, params=params,
                                          **payload(body))
            check(spec, caller, response, want)
            if not (scope in OWN_CHANGES and response.status_code < 300):
                assert changes.versions() == before, \
                    f"{spec.method} {spec.path} as {caller} changed {_diff(before, changes)}"
            elif changes.versions() != before:
                changes.quiet()  # its own credentials changed: that work done before the next
            if caller.startswith("stranger") and response.status_code < 300 \
                    and response.content and scope != "public":  # sign-in answers its account
                assert regions_in(response.json() if spec.produces == "application/json"
                                  else {}) <= {OTHER}, f"{spec.path} leaks to {caller}"


def _diff(before, changes):
    after = changes.versions()
    return [name for name in before if before[name] != after[name]]


def test_allowed_callers_succeed_and_every_write_is_audited(deployment, changes):
    """The RGU administrator and Turkistan's own coordinator: each route answers with its
    success status (a coordinator sees Turkistan's data only), and each write adds an audit
    row naming the caller's token in the service that owns the data."""
    for spec in ROUTES:
        scope = TARGETS[spec.name][0]
        for caller in ALLOWED_CALLERS:
            want = expected(spec, scope, caller)
            service = owner(spec)
            path, params, body = TARGETS[spec.name][1](Targets(deployment))
            audited = deployment.audit_count(service, deployment.actors[caller]) \
                if service and spec.writes and scope != "public" \
                and spec.name not in NOT_AUDITED else None
            response = deployment.request(spec.method, path, caller, params=params,
                                          **payload(body))
            check(spec, caller, response, want)
            if want == "ok" and audited is not None:
                assert deployment.audit_count(service, deployment.actors[caller]) > audited, \
                    f"{spec.method} {spec.path} by {caller} left no audit row in {service}"
            if caller.startswith("coordinator") and response.status_code < 300 \
                    and response.content and scope != "public" \
                    and spec.produces == "application/json" and spec.auth:
                assert regions_in(response.json()) <= {OWN}, \
                    f"{spec.path} shows Turkistan's coordinator another region"

