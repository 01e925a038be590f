"""Errors of signing in, sessions and one-time links; each carries the HTTP status it becomes.

Their details never say whether a login name exists or which part of a credential was wrong.
"""
from kelisim.errors import KelisimError

SIGN_IN_FAILED = "the login name or the password is wrong, or the account cannot sign in"


class SignInFailed(KelisimError):
    status = 401
    title = "Unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="kelisim"'}

    def __init__(self, detail=SIGN_IN_FAILED):
        super().__init__(detail)


class SessionInvalid(SignInFailed):
    """The cookie names no live session (signed out, expired, the account disabled)."""

    def __init__(self, detail="the session has ended: sign in again"):
        super().__init__(detail)


class CsrfFailed(KelisimError):
    status = 403
    title = "Forbidden"


class LinkInvalid(KelisimError):
    """An invitation or reset link that is unknown, used already or expired."""

    status = 403
    title = "Forbidden"

    def __init__(self, detail="the link is unknown, used already or expired: ask for a new one"):
        super().__init__(detail)


class TooManyAttempts(KelisimError):
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after):
        seconds = max(1, int(retry_after + 0.999))
        super().__init__(f"too many failed sign-ins: try again in {seconds} s")
        self.headers = {"Retry-After": str(seconds)}
