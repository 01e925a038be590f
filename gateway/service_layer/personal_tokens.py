"""Personal API tokens: a signed-in person's own, made, listed and revoked through the API.

A personal token acts as its account (role, region, names), stops with the account, and is
shown once; only its SHA-256 is stored (as every token, see gateway/domain/tokens.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.domain.tokens import ApiToken
from gateway.service_layer.sessions import account_id_of
from gateway.service_layer.tokens import store_issued
from kelisim.db.types import utcnow
from kelisim.errors import Forbidden, NotFound
from kelisim.i18n import _

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

ENTITY = "api_token"


def _own_account_id(actor: dict[str, Any]) -> int:
    account_id = account_id_of(actor)
    if account_id is None:
        raise Forbidden(_("personal tokens belong to a person: sign in with an account"))
    return account_id


def create_token(uow: UnitOfWork, actor: dict[str, Any], name: str, expires_at: Any = None) -> Any:
    """A token for the actor's account; ``(token dict, plaintext)``. Raises Forbidden for a
    caller that is not a person, Invalid (422) for a bad name or a past ``expires_at``."""
    account_id = _own_account_id(actor)
    with uow:
        account = uow.repo.account(account_id)
        if account is None or not account.active:
            raise Forbidden(_("the account cannot sign in"))
        token, plaintext = ApiToken.issue(account.role, account.region_code, name, now=utcnow(),
                                          account_id=account.id, expires_at=expires_at)
        return store_issued(uow, token), plaintext


def list_tokens(uow: UnitOfWork, actor: dict[str, Any], account_id: int | None = None) -> list[Any]:
    """The actor's own tokens; the RGU administrator may name another ``account_id``."""
    own = account_id_of(actor)
    if account_id is not None and account_id != own and actor.get("role") != "rgu_admin":
        raise Forbidden(_("only the RGU administrator lists another person's tokens"))
    target = account_id if account_id is not None else _own_account_id(actor)
    with uow:
        return [token.to_dict() for token in uow.repo.tokens_of(target)]


def revoke_token(uow: UnitOfWork, actor: dict[str, Any], token_id: int) -> Any:
    """Revoke one of the actor's tokens at once; the RGU administrator may revoke any.
    Another person's token is not found to anyone else."""
    with uow:
        token = uow.repo.get(token_id)
        if token is None or (actor.get("role") != "rgu_admin"
                             and (token.account_id is None
                                  or token.account_id != account_id_of(actor))):
            raise NotFound(_("token {token_id} not found", token_id=token_id))
        if token.active:
            before = token.to_dict()
            token.revoke(utcnow())
            uow.flush()
            uow.audit("revoke", ENTITY, token.id, before=before, after=token.to_dict(),
                      region=token.region_code)
            uow.commit()
        return token.to_dict()
