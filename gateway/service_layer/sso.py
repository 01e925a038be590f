"""Single sign-on: OpenID Connect's authorisation code flow with PKCE.

``begin`` records an attempt and answers where to send the browser; ``finish`` takes the
provider's answer back, checks it belongs to that attempt (the state, also in the browser's
cookie), exchanges the code, checks the ID token and opens a session for the account whose
login is the configured claim (``email`` by default). Accounts are not made here: a person
without one, or with a disabled one, is refused.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from gateway.adapters.oidc import ProviderError
from gateway.domain.accounts import normalise_login
from gateway.domain.opaque import digest
from gateway.domain.sessions import Session
from gateway.domain.sso import SsoAttempt
from gateway.errors import ServiceUnavailable, SignInFailed
from kelisim.db.types import utcnow
from kelisim.i18n import _
from kelisim.logging import get_logger

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

ENTITY = "account"
log = get_logger(__name__)


def begin(uow: UnitOfWork, client: Any) -> Any:
    """``(authorisation URL, state)``; the state goes into the browser's cookie too.
    Raises ServiceUnavailable (503) when the provider's discovery document cannot be had
    (the provider's own words stay in the log, as the error's cause)."""
    with uow:
        attempt, state = SsoAttempt.begin(utcnow())
        uow.repo.add_any(attempt)
        uow.commit()
    try:
        url = client.authorization_url(state, attempt.nonce, attempt.code_verifier)
    except ProviderError as exc:
        raise ServiceUnavailable(_(
            "the identity provider cannot be reached; try again shortly")) from exc
    return url, state


def finish(uow: UnitOfWork, client: Any, state: str, cookie_state: str | None, code: str,
           lifetime: Any = timedelta(hours=12)) -> Any:
    """Open a session for the provider's answer; ``(account dict, secret, expires_at)``.
    Raises SignInFailed (401) for an unknown, used, expired or foreign attempt, a refused
    code or ID token, or a claim that names no active account."""
    if not state or not code or not cookie_state or state != cookie_state or len(state) > 256:
        raise SignInFailed(_("the single sign-on answer does not belong to this browser"))
    with uow:
        now = utcnow()
        attempt = uow.repo.sso_attempt(digest(state))
        if attempt is None or not attempt.usable(now):
            raise SignInFailed(_("the single sign-on attempt is unknown, used or expired"))
        attempt.use(now)
        uow.commit()  # used up even if what follows fails: a code is tried once
        verifier, nonce = attempt.code_verifier, attempt.nonce
    try:
        claims = client.claims(code, verifier, nonce)
    except ProviderError as exc:  # its words (addresses, the library's) only in the log
        log.warning("single sign-on failed at the identity provider", reason=str(exc))
        raise SignInFailed(_("the identity provider did not confirm the sign-in")) from None
    login = normalise_login(str(claims.get(client.settings.claim) or ""))
    with uow:
        now = utcnow()
        account = uow.repo.account_by_login(login) if login else None
        if account is None or not account.active:
            raise SignInFailed()
        account.last_sign_in_at = now
        session, secret = Session.open(account.id, now=now, lifetime=lifetime)
        uow.repo.add_any(session)
        uow.flush()
        uow.audit("sign_in", ENTITY, account.id, after={"session": session.id, "via": "oidc"},
                  region=account.region_code)
        uow.commit()
        return account.to_dict(), secret, session.expires_at
