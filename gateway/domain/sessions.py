"""Browser sessions and one-time links, kept server-side so both can be ended at once.

A session is found by the SHA-256 of the secret in its cookie; a link (an invitation or a
password reset) by the SHA-256 of the token in its URL. Neither secret is stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway.domain.opaque import digest, new_secret

INVITATION, RESET = "invitation", "reset"
LINK_LIFETIMES = {INVITATION: timedelta(days=3), RESET: timedelta(hours=1)}


@dataclass
class Session:
    account_id: int
    secret_hash: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    id: int | None = None

    @classmethod
    def open(cls, account_id: int, *, now: datetime, lifetime: timedelta) -> tuple[Session, str]:
        """A new session and its secret (for the cookie, never stored)."""
        secret = new_secret()
        return cls(account_id=account_id, secret_hash=digest(secret), created_at=now,
                   expires_at=now + lifetime), secret

    def live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def end(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now


@dataclass
class AccountLink:
    account_id: int
    purpose: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: int | None = None

    @classmethod
    def issue(cls, account_id: int, purpose: str, *, now: datetime,
              lifetime: timedelta | None = None) -> tuple[AccountLink, str]:
        """A new single-use link and its token (for the e-mail, never stored)."""
        token = new_secret()
        lifetime = lifetime or LINK_LIFETIMES[purpose]
        return cls(account_id=account_id, purpose=purpose, token_hash=digest(token),
                   created_at=now, expires_at=now + lifetime), token

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def use(self, now: datetime) -> None:
        self.used_at = now
