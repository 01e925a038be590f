"""Passwords: Argon2id through argon2-cffi with its recommended (RFC 9106 low-memory) parameters.

Only the encoded hash is ever stored; a hash made with older parameters is re-made on the
next successful sign-in (:func:`verify` tells when).
"""
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kelisim.errors import Invalid
from kelisim.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 256  # hashing is deliberately slow; a bound keeps one request bounded too
_HASHER = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile
MEMORY_MIB = _HASHER.memory_cost // 1024  # what one hash or verification holds: 64 MiB


@functools.cache  # made at the first need, not on import (64 MiB in every process)
def _dummy() -> str:
    """The hash a sign-in naming no account is verified against, so both take as long."""
    return _HASHER.hash("kelisim: no such account")


def check_strength(password: object) -> None:
    """Raise :class:`Invalid` (field ``password``) unless 12 to 256 characters, not all one."""
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise Invalid(_("the password is not acceptable"), {"password": _(
            "{min_length} to {max_length} characters", min_length=MIN_LENGTH,
            max_length=MAX_LENGTH)})
    if len(set(password)) < 4:
        raise Invalid(_("the password is not acceptable"),
                      {"password": _("use at least four different characters")})


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """The Argon2id hash (PHC string) of ``password``, after :func:`check_strength`."""
    check_strength(password)
    return (hasher or _HASHER).hash(password)


def verify(password_hash: str | None, password: object,
           hasher: PasswordHasher | None = None) -> tuple[bool, bool]:
    """``(matches, needs_rehash)``. No hash (no password set yet, or no account) never
    matches, but still costs one Argon2 verification."""
    hasher = hasher or _HASHER
    if not isinstance(password, str) or len(password) > MAX_LENGTH:
        return False, False
    try:
        hasher.verify(password_hash or _dummy(), password)
    except (VerificationError, InvalidHashError):
        return False, False
    if password_hash is None:
        return False, False
    return True, hasher.check_needs_rehash(password_hash)
