"""Routes of single sign-on (OpenID Connect, code flow with PKCE), when a provider is
configured (``KELISIM_OIDC_*``); without one both answer 404."""
from datetime import timedelta

from marshmallow import fields
from nameko.extensions import DependencyProvider
from werkzeug.utils import redirect

from gateway import accounts_schemas as schemas
from gateway.adapters.oidc import OidcSettings
from gateway.domain.opaque import csrf_token_for
from gateway.entrypoints.accounts_routes import SIGN_INS, acting
from gateway.http import route
from gateway.http.responses import json_response, to_json
from gateway.http.sessions import over_tls, set_session_cookie
from gateway.service_layer import sso
from kelisim.errors import NotFound
from kelisim.i18n import _
from kelisim.schemas import QuerySchema

API = "/api/v1"
SSO_COOKIE = "kelisim_sso"


class Oidc(DependencyProvider):
    """The configured provider's client (one per gateway process), or None."""

    def setup(self):
        config = self.container.config
        settings = OidcSettings.from_config(config, default_redirect=(
            (config.get("PUBLIC_URL") or f"http://{config.get('WEB_SERVER_ADDRESS')}")
            .rstrip("/") + f"{API}/sso/callback"))
        self.client = None
        if settings:  # the client's libraries are loaded only then
            from gateway.adapters.oidc_client import OidcClient

            self.client = OidcClient(settings)

    def get_dependency(self, worker_ctx):
        return self.client


class CallbackQuery(QuerySchema):
    code = fields.Str()
    state = fields.Str()
    error = fields.Str()
    error_description = fields.Str()
    iss = fields.Str()
    session_state = fields.Str()


class SsoRoutes:
    """Mixed into GatewayService, which provides ``oidc``, ``uow`` and ``config``."""

    def _client(self):
        if self.oidc is None:
            raise NotFound(_("single sign-on is not configured"))
        return self.oidc

    @route("GET", f"{API}/sso/login",
           summary="Sign in through the organisation's identity provider (redirects there)",
           tag="sessions", auth=False, status=302, produces="text/html", problems=(404, 503))
    def sso_login(self, req):
        url, state = sso.begin(acting(self.uow, req), self._client())
        response = redirect(url, code=302)
        response.set_cookie(SSO_COOKIE, state, max_age=600, path=f"{API}/sso", httponly=True,
                            samesite="Lax", secure=over_tls(req.http, self.config))
        return response

    @route("GET", f"{API}/sso/callback",
           summary="Where the identity provider sends the browser back: opens a session",
           tag="sessions", auth=False, query=CallbackQuery, response=schemas.SessionSchema,
           problems=(401,))
    def sso_callback(self, req):
        client = self._client()
        try:
            account, secret, expires_at = sso.finish(
                acting(self.uow, req), client, req.query.get("state"),
                req.http.cookies.get(SSO_COOKIE), req.query.get("code"),
                lifetime=timedelta(seconds=float(self.config.get("SESSION_SECONDS",
                                                                 12 * 3600))))
        except Exception:
            SIGN_INS.labels("failure").inc()
            raise
        SIGN_INS.labels("success").inc()
        secure = over_tls(req.http, self.config)
        response = json_response(to_json({"account": account, "csrf_token":
                                          csrf_token_for(secret), "expires_at": expires_at,
                                          "actor": None}), 200)
        response.delete_cookie(SSO_COOKIE, path=f"{API}/sso", httponly=True, samesite="Lax",
                               secure=secure)
        return set_session_cookie(response, secret, expires_at, secure)
