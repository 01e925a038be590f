"""Opaque secrets handed to a person once (session ids, link tokens): only hashes are stored."""
import hashlib
import hmac
import secrets


def new_secret():
    """32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def digest(secret):
    """Hex SHA-256 of a secret, as stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def csrf_token_for(session_secret):
    """The synchronizer token of a session: derived from its secret (HMAC-SHA-256), so it
    needs no storage and a page that cannot read the HttpOnly cookie cannot compute it."""
    return hmac.new(session_secret.encode("utf-8"), b"kelisim-csrf", hashlib.sha256).hexdigest()


def same(a, b):
    return bool(a) and bool(b) and hmac.compare_digest(a, b)
