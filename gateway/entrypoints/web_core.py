"""The pages every reader meets: the start, signing in and out, my account and my API
tokens, and the static files the pages load (gateway/web/assets.py)."""
import mimetypes
import re
from datetime import timedelta

from werkzeug.utils import send_file
from werkzeug.wrappers import Response

from gateway import accounts_schemas as schemas
from gateway.domain.throttle import ThrottlePolicy
from gateway.entrypoints.accounts_routes import SIGN_INS, acting
from gateway.http.sessions import SESSION_COOKIE, clear_session_cookie, client_address, over_tls, set_session_cookie
from gateway.service_layer import accounts, personal_tokens, sessions
from gateway.web import assets
from gateway.web.pages import Page, page, redirect
from kelisim.errors import KelisimError, NotFound
from kelisim.i18n import _
from kelisim.labels import label
from kelisim.schemas import load

_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x1f\x7f]")


def home_of(actor):
    """Where a reader starts: the programme for the RGU, the region for a KGU."""
    return "/kgu" if actor.get("role") == "kgu_coordinator" else "/rgu"


def safe_next(value):
    """A local path to return to after signing in (never another site's): ``value`` when it
    starts with one ``/`` and holds no backslash or control character (a browser
    drops tabs and newlines from a URL, so ``/<tab>/evil.example`` would read as
    ``//evil.example``), else ``/``."""
    if (value and value.startswith("/") and not value.startswith("//") and "\\" not in value
            and not _UNSAFE_IN_NEXT.search(value)):
        return value
    return "/"


class WebCorePages:
    """Mixed into GatewayService (``uow``, ``auth``, ``config``, ``notifications``)."""

    @page("GET", "/")
    def web_start(self, req):
        return redirect(home_of(req.actor))

    @page("GET", "/static/<path:name>", auth=False)
    def web_static(self, req, name):
        path = assets.path_of(name)
        if path is None:
            raise NotFound(_("no such file"))
        max_age = assets.YEAR_SECONDS if req.args.get("v") else 0
        packed = assets.gzipped(name) if req.http.accept_encodings["gzip"] else None
        if packed is None:
            response = send_file(path, req.http.environ, max_age=max_age)
        else:  # compressed once per process (gateway/web/assets.py)
            response = Response(packed, mimetype=mimetypes.guess_type(name)[0],
                                headers={"Content-Encoding": "gzip"})
            response.cache_control.max_age = max_age
            response.set_etag(f"{assets.digest(name)}-gzip")
            response.make_conditional(req.http)
        response.vary.add("Accept-Encoding")
        if req.args.get("v"):
            response.cache_control.immutable = True
            response.cache_control.public = True
        return response

    @page("GET", "/docs", auth=False)
    def web_api_docs(self, req):
        return Page("docs.html")

    @page("GET", "/sign-in", auth=False)
    def web_sign_in_form(self, req):
        return Page("sign_in.html", {"next": safe_next(req.args.get("next")), "login": "",
                                     "password_set": req.args.get("done") == "password",
                                     "error": None, "sso": bool(self.config.get("OIDC_ISSUER"))})

    @page("POST", "/sign-in", auth=False, writes=False)
    def web_sign_in(self, req):
        login, target = req.form.get("login", ""), safe_next(req.form.get("next"))
        try:
            _account, secret, expires_at = sessions.sign_in(
                acting(self.uow, req), login, req.form.get("password", ""),
                client_address(req.http, self.config),
                policy=ThrottlePolicy(**self.config.get("SIGN_IN_THROTTLE", {})),
                lifetime=timedelta(seconds=float(self.config.get("SESSION_SECONDS",
                                                                  12 * 3600))),
                observe=lambda outcome: SIGN_INS.labels(outcome).inc())
        except KelisimError as exc:
            return Page("sign_in.html", {"next": target, "login": login, "sso": bool(
                self.config.get("OIDC_ISSUER")), "error": exc.detail_in(req.lang)},
                status=exc.status)
        return set_session_cookie(redirect(target), secret, expires_at,
                                  over_tls(req.http, self.config))

    @page("GET", "/set-password", auth=False)
    def web_set_password_form(self, req):
        return Page("set_password.html", {"token": "", "error": None})

    @page("POST", "/set-password", auth=False, writes=False)
    def web_set_password(self, req):
        token = req.form.get("token", "")
        try:
            accounts.set_password(acting(self.uow, req), token, req.form.get("password", ""))
        except KelisimError as exc:
            return Page("set_password.html", {"token": token, "error": exc.detail_in(req.lang)},
                        exc.status)
        return redirect("/sign-in?done=password")

    @page("POST", "/sign-out", personal=True)
    def web_sign_out(self, req):
        sessions.sign_out(acting(self.uow, req), req.http.cookies.get(SESSION_COOKIE))
        return clear_session_cookie(redirect("/sign-in"), over_tls(req.http, self.config))

    @page("GET", "/account")
    def web_account(self, req):
        return self._account_page(req)

    def _account_page(self, req, issued=None, error=None, status=200):
        uow = acting(self.uow, req)
        account = sessions.current_account(uow, req.actor)
        tokens = personal_tokens.list_tokens(acting(self.uow, req), req.actor, None) \
            if account else []
        return Page("account.html", {
            "account": account, "tokens": tokens, "issued": issued, "error": error,
            "role_label": label("account_role", req.actor["role"]).render(req.lang)}, status)

    @page("POST", "/account/tokens", personal=True)
    def web_create_token(self, req):
        try:  # the API's own contract checks the form, then the API's use case
            data = load(schemas.TokenCreateSchema, {"name": req.form.get("name", "").strip()})
            token, plaintext = personal_tokens.create_token(
                acting(self.uow, req), req.actor, data["name"], data.get("expires_at"))
        except KelisimError as exc:
            return self._account_page(req, error=exc.detail_in(req.lang), status=exc.status)
        return self._account_page(req, issued=dict(token, token=plaintext), status=201)

    @page("POST", "/account/tokens/<int:token_id>/revoke", personal=True)
    def web_revoke_token(self, req, token_id):
        personal_tokens.revoke_token(acting(self.uow, req), req.actor, token_id)
        return redirect("/account")
