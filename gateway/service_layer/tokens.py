"""Use cases on API tokens: issue, revoke, list, authenticate, bootstrap the first admin."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gateway.domain.accounts import actor_of
from gateway.domain.tokens import (
    BOOTSTRAP_NAME,
    MAX_TOKEN_LENGTH,
    MIN_CONFIGURED_LENGTH,
    ApiToken,
    hash_token,
    token_actor,
    token_matches,
)
from kelisim.db.races import retry_on_unique
from kelisim.db.types import utcnow
from kelisim.errors import Invalid, NotFound
from kelisim.i18n import _

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

ENTITY = "api_token"


def create_token(uow: UnitOfWork, role: str, region: str | None = None,
                 name: str | None = None) -> tuple[dict[str, Any], str]:
    """Issue a token; return ``(token as dict, plaintext)``. The plaintext is not stored."""
    with uow:
        token, plaintext = ApiToken.issue(role, region, name, now=utcnow())
        return store_issued(uow, token), plaintext


def store_issued(uow: UnitOfWork, token: ApiToken) -> dict[str, Any]:
    """Inside ``uow``'s transaction: add a just-issued ``token``, audit its creation in its
    region and commit; returns the token as a dict (its hash, never a plaintext)."""
    uow.repo.add(token)
    uow.flush()
    after: dict[str, Any] = token.to_dict()
    uow.audit("create", ENTITY, token.id, after=after, region=token.region_code)
    uow.commit()
    return after


def revoke_token(uow: UnitOfWork, token_id: int) -> dict[str, Any]:
    """Revoke a token at once (idempotent); return it as a dict."""
    with uow:
        token = uow.repo.get(token_id)
        if token is None:
            raise NotFound(_("token {token_id} not found", token_id=token_id))
        if not token.active:
            return token.to_dict()
        before = token.to_dict()
        token.revoke(utcnow())
        uow.flush()
        after = token.to_dict()
        uow.audit("revoke", ENTITY, token.id, before=before, after=after, region=token.region_code)
        uow.commit()
        return after


def list_tokens(uow: UnitOfWork) -> list[dict[str, Any]]:
    with uow:
        return [token.to_dict() for token in uow.repo.all()]


def authenticate(uow: UnitOfWork, plaintext: str | None) -> dict[str, Any] | None:
    """The actor of an active token, or None for an unknown or revoked one."""
    with uow:
        return authenticate_with(uow.repo.credentials, plaintext)


def authenticate_with(credentials: Callable, plaintext: str | None) -> dict[str, Any] | None:
    """:func:`authenticate` given ``credentials(token_hash)``, a lookup of the token's row
    (or None): the gateway passes one that skips the unit of work, as every request asks.
    An expired token, or a personal one whose account is disabled, is None too."""
    if not plaintext or len(plaintext) > MAX_TOKEN_LENGTH:
        return None
    row = credentials(hash_token(plaintext))
    if row is None or row.revoked_at is not None or not token_matches(plaintext, row.token_hash):
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    if row.account_id is not None:  # a personal token acts as its account, while it is active
        if not row.account_active:
            return None
        actor = actor_of(row.account_id, row.account_role, row.account_region,
                         row.display_name_kk, row.display_name_ru, row.org_unit_name_kk,
                         row.org_unit_name_ru)
        actor["token"] = row.id
        return actor
    return token_actor(row.id, row.role, row.region_code)


@retry_on_unique(what="the bootstrap admin token")
def ensure_bootstrap_admin(uow: UnitOfWork, token: str | None = None) -> str | None:
    """Make sure an administrator can log in; return a plaintext only if one was generated.

    With ``token`` (configured by the operator), an active ``rgu_admin`` token with that
    hash is created or re-activated and None is returned. Without it, a
    ``bootstrap-admin`` token is generated only when no active one exists, and its
    plaintext is returned so the launcher can print it once. Two replicas preparing at
    once with one configured token: the one that loses runs again and finds it.
    """
    with uow:
        repo = uow.repo
        if token:
            if len(token) < MIN_CONFIGURED_LENGTH or len(token) > MAX_TOKEN_LENGTH:
                raise Invalid(_("the configured admin token has the wrong length"), {
                    "token": _("{min_configured_length} to {max_token_length} characters",
                               min_configured_length=MIN_CONFIGURED_LENGTH,
                               max_token_length=MAX_TOKEN_LENGTH)})
            existing = repo.by_hash(hash_token(token))
            if existing is not None:
                was_active = existing.active
                existing.reactivate_as_admin()  # Conflict if it was issued for another role
                if not was_active:
                    uow.audit("reactivate", ENTITY, existing.id, after=existing.to_dict())
                    uow.commit()
                return None
            issued, _plaintext = ApiToken.issue("rgu_admin", name=BOOTSTRAP_NAME, now=utcnow(),
                                                plaintext=token)
            plaintext = None
        else:
            if repo.active_named(BOOTSTRAP_NAME) is not None:
                return None
            issued, plaintext = ApiToken.issue("rgu_admin", name=BOOTSTRAP_NAME, now=utcnow())
        repo.add(issued)
        uow.flush()
        uow.audit("create", ENTITY, issued.id, after=issued.to_dict())
        uow.commit()
        return plaintext
