"""Single sign-on attempts: the state, nonce and PKCE verifier of one authorisation request.

An attempt is found by the SHA-256 of its ``state`` (which also rides in the browser's
``kelisim_sso`` cookie, binding the answer to the browser that asked), is used once, and
lapses after :data:`ATTEMPT_LIFETIME`.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway.domain.opaque import digest, new_secret

ATTEMPT_LIFETIME = timedelta(minutes=10)


@dataclass
class SsoAttempt:
    state_hash: str
    code_verifier: str
    nonce: str
    created_at: datetime
    used_at: datetime | None = None
    id: int | None = None

    @classmethod
    def begin(cls, now: datetime) -> tuple[SsoAttempt, str]:
        """A new attempt and its ``state`` (for the provider and the cookie)."""
        state = new_secret()
        return cls(state_hash=digest(state), code_verifier=secrets.token_urlsafe(64),
                   nonce=new_secret(), created_at=now), state

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.created_at + ATTEMPT_LIFETIME

    def use(self, now: datetime) -> None:
        self.used_at = now
