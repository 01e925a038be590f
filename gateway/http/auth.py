"""Bearer-token and session-cookie authentication, checked against the gateway database on
every request. A request with ``Authorization`` is judged by its token alone; one without
it, by its session cookie, and then a state-changing method also needs the session's CSRF
token in ``X-CSRF-Token`` (see gateway/http/sessions.py).

The actor of a valid token goes into the worker's context data, so every RPC call the
route makes carries it (``nameko.actor``) and the services apply their region rules.
Failures are kept and raised inside the route, where they become problems: raising
from a dependency provider would leave the HTTP request without an answer.
"""
import logging

from nameko.extensions import DependencyProvider

from gateway.adapters.repository import CredentialsLookup
from gateway.errors import Unauthorized
from gateway.http.sessions import SESSION_COOKIE, check_csrf
from gateway.service_layer import sessions, tokens
from kelisim.context import ACTOR_KEY
from kelisim.errors import Forbidden, KelisimError
from kelisim.i18n import _
from kelisim.labels import label

log = logging.getLogger(__name__)


class Principal:
    """Who is calling, or why they could not be authenticated."""

    def __init__(self, actor=None, failure=None):
        self.actor = actor
        self.failure = failure

    def require(self, spec):
        """The actor, if it may use the route described by ``spec``; else 401 or 403."""
        if not spec.auth:
            return self.actor
        if self.failure is not None:
            raise self.failure
        role = self.actor["role"]
        if spec.writes and role == "observer" and not spec.personal:
            raise Forbidden(_("observers cannot change anything"))
        if spec.roles and role not in spec.roles:
            # the role's word in the reader's language; the route by its method and path,
            # which read the same in every language (its summary is English only)
            raise Forbidden(_("the role «{role}» may not use this route ({route})",
                              role=label("account_role", role),
                              route=f"{spec.method} {spec.openapi_path}"))
        return self.actor


def bearer_token(header):
    scheme, _, credentials = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


class BearerAuth(DependencyProvider):
    """Injects a :class:`Principal`; ``database`` names the service's Database dependency."""

    def __init__(self, database="uow"):
        self.database_attr = database
        self.database = None

    def setup(self):
        self.database = next(dep for dep in self.container.dependencies
                             if dep.attr_name == self.database_attr)
        self.credentials = None  # made on first use: the database's engine is set up by then

    def get_dependency(self, worker_ctx):
        spec = getattr(worker_ctx.entrypoint, "spec", None)
        if spec is None or not spec.auth:
            return Principal()
        request = worker_ctx.args[0]
        try:
            header = request.headers.get("Authorization")
            # a token wins over a cookie: the cookies are parsed only without one
            cookie = request.cookies.get(SESSION_COOKIE) if header is None else None
            if cookie:
                actor = self.authenticate_session(cookie)
                check_csrf(request, cookie)
            else:
                actor = self.authenticate(header)
        except KelisimError as exc:
            return Principal(failure=exc)
        except Exception as exc:  # the database is down: a 500 inside the route, not a hang
            log.exception("token lookup failed")
            return Principal(failure=exc)
        # context_data is a copy made on each access; the worker's own dict is ``data``
        worker_ctx.data[ACTOR_KEY] = actor
        return Principal(actor)

    def authenticate(self, header):
        token = bearer_token(header)
        if token is None:
            raise Unauthorized(_("send an API token as 'Authorization: Bearer <token>'"))
        if self.credentials is None:
            self.credentials = CredentialsLookup(self.database.engine)
        actor = tokens.authenticate_with(self.credentials, token)
        if actor is None:
            raise Unauthorized(_("the API token is unknown, revoked or expired"),
                               invalid_token=True)
        return actor

    def authenticate_session(self, secret):
        """The actor of a live session; SessionInvalid (401) otherwise."""
        return sessions.authenticate_session(self.database.unit_of_work(), secret)
