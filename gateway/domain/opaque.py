"""Opaque secrets handed to a person once (session ids, link tokens): only hashes are stored."""
import hashlib
import hmac
import secrets


def new_secret() -> str:
    """32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """Hex SHA-256 of a secret, as stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def csrf_token_for(session_secret: str) -> str:
    """The synchronizer token of a session: derived from its secret (HMAC-SHA-256), so it
    needs no storage and a page that cannot read the HttpOnly cookie cannot compute it."""
    return hmac.new(session_secret.encode("utf-8"), b"kelisim-csrf", hashlib.sha256).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Whether two secrets are present and equal (compared in constant time)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a, b)
