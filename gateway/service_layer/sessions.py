"""Signing in with a password, browser sessions and signing out.

Failed attempts are counted per login name and per client address (see
:mod:`gateway.domain.throttle`); the answer is the same whether or not the login exists.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from gateway.domain.accounts import actor_of, normalise_login
from gateway.domain.opaque import digest
from gateway.domain.sessions import Session
from gateway.domain.throttle import SignInFailures, ThrottlePolicy
from gateway.errors import SessionInvalid, SignInFailed, TooManyAttempts
from gateway.service_layer import hashing
from kelisim.db.races import retry_on_unique
from kelisim.db.types import utcnow

if TYPE_CHECKING:
    from datetime import datetime

    from kelisim.db.uow import UnitOfWork

ENTITY = "account"
PASSWORD_CHANGES = 5  # a password set this often during one sign-in ends it
DEFAULT_LIFETIME = timedelta(hours=12)


class Outcome:
    """What :func:`sign_in` reports to the caller for metrics: one of these strings."""

    SUCCESS, FAILURE, THROTTLED, LOCKED = "success", "failure", "throttled", "locked"


def throttle_keys(login: str, address: str | None) -> list[str]:
    keys = [f"login:{normalise_login(login)[:250]}"]
    if address:
        keys.append(f"address:{address[:250]}")
    return keys


def sign_in(uow: UnitOfWork, login: str, password: str, address: str | None = None, *,
            policy: ThrottlePolicy = ThrottlePolicy(), lifetime: timedelta = DEFAULT_LIFETIME,
            observe: Callable[..., Any] | None = None) -> tuple[dict[str, Any], str, datetime]:
    """Open a session for a right login and password; return ``(account dict, secret,
    expires_at)``. Raises TooManyAttempts (429) while slowed or locked, SignInFailed (401)
    for anything else that is wrong (unknown login, wrong password, no password yet,
    a disabled account). ``observe(outcome)`` is told the outcome (a metric)."""
    observe = observe or (lambda outcome: None)
    keys = throttle_keys(login, address)
    # The throttle is read, the password verified and a failure counted in one turn of the
    # hashing (two at a time): guesses sent at once meet the failures counted before them.
    with hashing.turn():
        with uow:
            now = utcnow()
            wait = max((r.wait(now, policy) for r in uow.repo.failures(keys)), default=0.0)
            if wait > 0:
                observe(Outcome.THROTTLED)
                raise TooManyAttempts(wait)
            account = uow.repo.account_by_login(normalise_login(login))
            stored = account.password_hash if account is not None and account.active else None
        matches, rehash = hashing.verify(stored, password, in_turn=True)
        if not matches:
            _record_failure(uow, keys, policy, observe)
            raise SignInFailed()
    for _ in range(PASSWORD_CHANGES):
        remade = hashing.hash_password(password) if rehash else None
        try:
            return _open_session(uow, login, keys, stored, remade, lifetime, observe)
        except _PasswordChanged as changed:  # set meanwhile: this password against it
            stored = changed.password_hash
            matches, rehash = hashing.verify(stored, password)
            if not matches:
                raise SignInFailed() from None
    raise SignInFailed()  # the password kept changing under this sign-in


class _PasswordChanged(Exception):
    def __init__(self, password_hash: str | None) -> None:
        self.password_hash = password_hash


@retry_on_unique(what="the failed sign-ins")
def _record_failure(uow: UnitOfWork, keys: list[str], policy: ThrottlePolicy,
                    observe: Callable) -> None:
    """One more failure on each of ``keys``, read and written in one short transaction
    (locked for update on PostgreSQL; a key first written by a sign-in at the same time
    runs it again, and it finds that row)."""
    with uow:
        now = utcnow()
        records = {r.key: r for r in uow.repo.failures(keys)}
        _count_failure(uow, keys, records, now, policy, observe)
        uow.commit()


def _open_session(uow: UnitOfWork, login: str, keys: list[str], verified: str | None,
                  remade: str | None, lifetime: timedelta,
                  observe: Callable) -> tuple[dict[str, Any], str, datetime]:
    """The session of an account whose password (hash ``verified``) matched. The account is
    read again, locked (sign-ins at once stamp it in turn, each under the version it
    read): SignInFailed if it is gone or disabled, _PasswordChanged if its password is no
    longer the one verified."""
    with uow:
        now = utcnow()
        account = uow.repo.account_by_login(normalise_login(login), for_update=True)
        if account is None or not account.active:
            raise SignInFailed()
        if account.password_hash != verified:
            raise _PasswordChanged(account.password_hash)
        if remade:
            account.password_hash = remade
        account.last_sign_in_at = now
        for record in uow.repo.failures(keys[:1]):  # the login's failures are forgiven
            uow.session.delete(record)
        session, secret = Session.open(account.id, now=now, lifetime=lifetime)
        uow.repo.add_any(session)
        uow.flush()
        uow.audit("sign_in", ENTITY, account.id, after={"session": session.id},
                  region=account.region_code)
        uow.commit()
        observe(Outcome.SUCCESS)
        return account.to_dict(), secret, session.expires_at


def _count_failure(uow: UnitOfWork, keys: list[str], records: dict[str, Any], now: datetime,
                   policy: ThrottlePolicy, observe: Callable) -> None:
    locked: list[tuple[SignInFailures, datetime]] = []  # the keys this failure locked, until when
    for key in keys:
        record = records.get(key)
        if record is None:
            record = SignInFailures(key=key, failures=0, last_failed_at=now)
            uow.repo.add_any(record)
        if record.fail(now, policy) and record.locked_until is not None:
            locked.append((record, record.locked_until))
    uow.flush()
    for record, until in locked:
        uow.audit("lock", "sign_in", record.key[:64], after={"key": record.key,
            "failures": record.failures, "locked_until": until.isoformat()})
    observe(Outcome.LOCKED if locked else Outcome.FAILURE)


def session_actor(row: Any, now: datetime | None = None) -> Any:
    """The actor of a session row (see AccountRepository.session_row); raises SessionInvalid
    for a missing, ended or expired session or a disabled account."""
    now = now or utcnow()
    if row is None or row.revoked_at is not None or not row.active or now >= row.expires_at:
        raise SessionInvalid()
    actor = actor_of(row.account_id, row.role, row.region_code, row.display_name_kk,
                     row.display_name_ru, row.org_unit_name_kk, row.org_unit_name_ru)
    actor["session"] = row.id
    return actor


def authenticate_session(uow: UnitOfWork, secret: str) -> Any:
    """The actor of the session whose cookie holds ``secret``; raises SessionInvalid."""
    if not secret or len(secret) > 256:
        raise SessionInvalid()
    with uow:
        return session_actor(uow.repo.session_row(digest(secret)))


def sign_out(uow: UnitOfWork, secret: str) -> None:
    """End the session of ``secret`` at once (idempotent)."""
    if not secret or len(secret) > 256:
        return
    with uow:
        session = uow.repo.session_by_hash(digest(secret))
        if session is None or session.revoked_at is not None:
            return
        session.end(utcnow())
        uow.audit("sign_out", ENTITY, session.account_id, after={"session": session.id})
        uow.commit()


def current_account(uow: UnitOfWork, actor: dict[str, Any]) -> Any:
    """The account dict of an ``account:N`` actor, or None for a bare API token."""
    account_id = account_id_of(actor)
    if account_id is None:
        return None
    with uow:
        account = uow.repo.account(account_id)
        return account.to_dict() if account else None


def account_id_of(actor: dict[str, Any]) -> Any:
    ident = str(actor.get("id", ""))
    return int(ident.split(":", 1)[1]) if ident.startswith("account:") else None
