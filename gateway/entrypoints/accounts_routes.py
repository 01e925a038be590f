"""Routes of people signing in: accounts, sessions, one-time links and personal tokens.

Served by the gateway itself, on its own database; e-mail goes through the notifications
service (``send_account_link``), the person and org unit are the registry's.
"""
from dataclasses import replace
from datetime import timedelta

from prometheus_client import Counter
from werkzeug.wrappers import Response

from gateway import accounts_schemas as schemas
from gateway.domain.opaque import csrf_token_for
from gateway.domain.throttle import ThrottlePolicy
from gateway.http import route
from gateway.http.responses import json_response, to_json
from gateway.http.sessions import SESSION_COOKIE, clear_session_cookie, client_address, over_tls, set_session_cookie
from gateway.service_layer import accounts, personal_tokens, sessions
from kelisim.context import SYSTEM_ACTOR
from kelisim.schemas import load

API = "/api/v1"
MANAGERS = ("rgu_admin", "kgu_coordinator")
SIGN_INS = Counter("kelisim_gateway_sign_ins_total",
                   "Password sign-ins at the gateway, by outcome (success, failure, throttled: "
                   "refused while slowed or locked, locked: this failure locked a login or "
                   "an address).", ["outcome"])


def acting(uow, req):
    """``uow`` acting as the request's caller. The worker's unit of work may have been made
    before the caller was authenticated (nameko injects dependencies in no fixed order)."""
    uow.context = replace(uow.context, actor=dict(req.actor or SYSTEM_ACTOR))
    return uow


class AccountsRoutes:
    """Mixed into GatewayService, which provides ``uow`` (AccountRepository), ``auth``,
    ``config``, ``registry`` and ``notifications``."""

    # sessions
    @route("POST", f"{API}/session", summary="Sign in with a login name and a password",
           tag="sessions", body=schemas.SignInSchema, response=schemas.SessionSchema,
           auth=False, problems=(401, 429))
    def sign_in(self, req):
        body = load(schemas.SignInSchema, req.body)
        account, secret, expires_at = sessions.sign_in(
            acting(self.uow, req), body["login"], body["password"],
            client_address(req.http, self.config),
            policy=ThrottlePolicy(**self.config.get("SIGN_IN_THROTTLE", {})),
            lifetime=timedelta(seconds=float(self.config.get("SESSION_SECONDS", 12 * 3600))),
            observe=lambda outcome: SIGN_INS.labels(outcome).inc())
        answer = {"account": account, "csrf_token": csrf_token_for(secret),
                  "expires_at": expires_at, "actor": None}
        response = json_response(to_json(answer), 200)
        return set_session_cookie(response, secret, expires_at, over_tls(req.http, self.config))

    @route("GET", f"{API}/session", summary="Who is signed in (and the session's CSRF token)",
           tag="sessions", response=schemas.SessionSchema)
    def get_session(self, req):
        secret = None if req.http.headers.get("Authorization") else \
            req.http.cookies.get(SESSION_COOKIE)
        account = sessions.current_account(acting(self.uow, req), req.actor)
        return {"account": account, "actor": req.actor,
                "csrf_token": csrf_token_for(secret) if secret else None, "expires_at": None}

    @route("DELETE", f"{API}/session", summary="Sign out: the session ends at once",
           tag="sessions", status=204, personal=True)
    def sign_out(self, req):
        secret = req.http.cookies.get(SESSION_COOKIE)
        if secret and not req.http.headers.get("Authorization"):
            sessions.sign_out(acting(self.uow, req), secret)
        return clear_session_cookie(Response(status=204), over_tls(req.http, self.config))

    # one-time links and passwords
    @route("POST", f"{API}/password-reset",
           summary="E-mail a password reset link (the answer is the same for any login)",
           tag="sessions", body=schemas.ResetRequestSchema, response=schemas.AcceptedSchema,
           status=202, auth=False)
    def request_password_reset(self, req):
        issued = accounts.request_reset(acting(self.uow, req), req.body["login"])
        if issued is not None:
            self._send_link(*issued)
        return {"status": "accepted"}

    @route("POST", f"{API}/password",
           summary="Set a password with the token of an invitation or reset link (single use)",
           tag="sessions", body=schemas.PasswordSetSchema, status=204, auth=False,
           problems=(403,))
    def set_password(self, req):
        accounts.set_password(acting(self.uow, req), req.body["token"], req.body["password"])
        return Response(status=204)

    # accounts
    @route("GET", f"{API}/accounts", summary="List accounts (a KGU coordinator: its region's)",
           tag="accounts", query=schemas.AccountQuery, response=schemas.AccountPageSchema,
           roles=MANAGERS)
    def list_accounts(self, req):
        return accounts.list_accounts(acting(self.uow, req), req.query)

    @route("POST", f"{API}/accounts", summary="Create an account (and e-mail its invitation)",
           tag="accounts", body=schemas.AccountCreateSchema,
           response=schemas.AccountCreatedSchema, status=201, roles=MANAGERS)
    def create_account(self, req):
        data = load(schemas.AccountCreateSchema, req.body)
        person = unit = None
        if data["person_id"] is not None:
            person = self.registry.get_person(data["person_id"])  # 404 beyond the region
            if person.get("org_unit_id") is not None:
                unit = self.registry.get_org_unit(person["org_unit_id"])
        created = accounts.create_account(acting(self.uow, req), data, person, unit)
        created["invitation"] = None
        if data["send_invitation"]:
            created["invitation"] = self._send_link(
                *accounts.issue_link(acting(self.uow, req), created["id"]))
        return created

    @route("GET", f"{API}/accounts/<int:account_id>", summary="Get an account", tag="accounts",
           response=schemas.AccountSchema, roles=MANAGERS)
    def get_account(self, req, account_id):
        return accounts.get_account(acting(self.uow, req), account_id)

    @route("PATCH", f"{API}/accounts/<int:account_id>",
           summary="Change an account's names, role or region, or disable it (send its version)",
           tag="accounts", body=schemas.AccountPatchSchema, response=schemas.AccountSchema,
           roles=MANAGERS)
    def update_account(self, req, account_id):
        return accounts.update_account(acting(self.uow, req), account_id, req.body)

    @route("POST", f"{API}/accounts/<int:account_id>/link",
           summary="E-mail the account a new single-use link to set its password",
           tag="accounts", response=schemas.LinkSentSchema, status=202, roles=MANAGERS)
    def send_account_link(self, req, account_id):
        return self._send_link(*accounts.issue_link(acting(self.uow, req), account_id))

    def _send_link(self, account, link, token):
        base = self.config.get("PUBLIC_URL") or f"http://{self.config['WEB_SERVER_ADDRESS']}"
        # the token rides in the fragment: browsers never send it to a server or a log
        url = f"{base.rstrip('/')}/set-password#token={token}"
        answer = self.notifications.send_account_link({
            "to": account["login"], "purpose": link["purpose"], "link": url,
            "name": account["display_name_kk"], "expires_at":
                link["expires_at"].strftime("%Y-%m-%d %H:%M")})
        return {"purpose": link["purpose"], "expires_at": link["expires_at"],
                "sent": answer["sent"]}

    # personal API tokens
    @route("GET", f"{API}/tokens", summary="List your personal API tokens (never their secrets)",
           tag="tokens", query=schemas.TokenQuery, response=schemas.TokenSchema, many=True)
    def list_tokens(self, req):
        return personal_tokens.list_tokens(acting(self.uow, req), req.actor,
                                           req.query.get("account_id"))

    @route("POST", f"{API}/tokens",
           summary="Create a personal API token (its secret is shown only in this answer)",
           tag="tokens", body=schemas.TokenCreateSchema, response=schemas.TokenIssuedSchema,
           status=201, personal=True)
    def create_token(self, req):
        data = load(schemas.TokenCreateSchema, req.body)
        token, plaintext = personal_tokens.create_token(
            acting(self.uow, req), req.actor, data["name"], data["expires_at"])
        return dict(token, token=plaintext)

    @route("DELETE", f"{API}/tokens/<int:token_id>",
           summary="Revoke a token at once (yours; the RGU administrator: anyone's)",
           tag="tokens", response=schemas.TokenSchema, personal=True)
    def revoke_token(self, req, token_id):
        return personal_tokens.revoke_token(acting(self.uow, req), req.actor, token_id)
