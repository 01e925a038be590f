"""API tokens: who may call the gateway, in which role and region (no framework imports).

Only the SHA-256 hash of a token is stored; the plaintext is shown once, when issued.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kelisim.access import ROLES
from kelisim.errors import Conflict, Invalid
from kelisim.i18n import Msg, _

BOOTSTRAP_NAME = "bootstrap-admin"
COORDINATOR = "kgu_coordinator"
MAX_NAME = 120
MAX_TOKEN_LENGTH = 256
MIN_CONFIGURED_LENGTH = 16
_REGION = re.compile(r"^KZ-\d{2}$")


def generate_token() -> str:
    """A new plaintext token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_token(plaintext: str) -> str:
    """Hex SHA-256 of a token, as stored and looked up."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def token_matches(plaintext: str, token_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(hash_token(plaintext), token_hash)


def token_actor(token_id: int | None, role: str, region_code: str | None) -> dict[str, Any]:
    """The principal of a service token: ``{"id": "token:N", "role", "region"}`` (region None
    for a platform-wide role)."""
    return {"id": f"token:{token_id}", "role": role, "region": region_code}


def default_name(role: str, region: str | None = None) -> str:
    return f"{role} {region}" if region else role


@dataclass
class ApiToken:
    name: str
    role: str
    token_hash: str
    created_at: datetime
    region_code: str | None = None
    revoked_at: datetime | None = None
    account_id: int | None = None
    expires_at: datetime | None = None
    id: int | None = None

    @classmethod
    def issue(cls, role: str, region_code: str | None = None, name: str | None = None, *,
              now: datetime, plaintext: str | None = None, account_id: int | None = None,
              expires_at: datetime | None = None) -> tuple[ApiToken, str]:
        """A new token and its plaintext (generated unless given). A personal token names
        its ``account_id`` and acts as that account; ``expires_at`` (UTC) ends it."""
        plaintext = plaintext or generate_token()
        token = cls(name=name or default_name(role, region_code), role=role,
                    token_hash=hash_token(plaintext), created_at=now, region_code=region_code,
                    account_id=account_id, expires_at=expires_at)
        token.check()
        if expires_at is not None and expires_at <= now:
            raise Invalid(_("the token would be expired already"),
                          {"expires_at": _("must be in the future")})
        return token, plaintext

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def check(self) -> None:
        """Raise :class:`Invalid` unless role, region and name agree."""
        errors: dict[str, Msg] = {}
        if self.role not in ROLES:
            errors["role"] = _("must be one of {roles}", roles=', '.join(ROLES))
        if self.role == COORDINATOR and not self.region_code:
            errors["region"] = _("a KGU coordinator is bound to one region")
        elif self.role != COORDINATOR and self.region_code:
            errors["region"] = _("only a KGU coordinator is bound to a region")
        elif self.region_code and not _REGION.match(self.region_code):
            errors["region"] = _("not a region code like KZ-61")
        if not self.name or not self.name.strip() or len(self.name) > MAX_NAME:
            errors["name"] = _("1 to {max_name} characters", max_name=MAX_NAME)
        if errors:
            raise Invalid(_("the token is not consistent"), errors)

    def matches(self, plaintext: str) -> bool:
        return self.active and token_matches(plaintext, self.token_hash)

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now

    def reactivate_as_admin(self) -> None:
        """Make a configured bootstrap token usable again (its plaintext is the operator's)."""
        if self.role != "rgu_admin":
            raise Conflict(_("the configured admin token belongs to another role"),
                          {"token": _("already issued as {role}", role=self.role)})
        self.revoked_at = None

    def actor(self) -> dict[str, Any]:
        """The principal that travels with every RPC call made for this token."""
        return token_actor(self.id, self.role, self.region_code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "role": self.role, "region": self.region_code,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "account_id": self.account_id,
            "active": self.active,
        }
