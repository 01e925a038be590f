"""Errors of signing in, sessions and one-time links; each carries the HTTP status it becomes.

Their details never say whether a login name exists or which part of a credential was wrong.
"""
from kelisim.errors import KelisimError
from kelisim.i18n import N_, Msg, _


class SignInFailed(KelisimError):
    status = 401
    title = N_("Unauthorized")
    headers = {"WWW-Authenticate": 'Bearer realm="kelisim"'}

    def __init__(self, detail: Msg | None = None) -> None:
        super().__init__(detail or _(
            "the login name or the password is wrong, or the account cannot sign in"))


class SessionInvalid(SignInFailed):
    """The cookie names no live session (signed out, expired, the account disabled)."""

    def __init__(self, detail: Msg | None = None) -> None:
        super().__init__(detail or _("the session has ended: sign in again"))


class CsrfFailed(KelisimError):
    status = 403
    title = N_("Forbidden")


class LinkInvalid(KelisimError):
    """An invitation or reset link that is unknown, used already or expired."""

    status = 403
    title = N_("Forbidden")

    def __init__(self, detail: Msg | None = None) -> None:
        super().__init__(detail or _(
            "the link is unknown, used already or expired: ask for a new one"))


class TooManyAttempts(KelisimError):
    status = 429
    title = N_("Too many requests")

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, int(retry_after + 0.999))
        super().__init__(_("too many failed sign-ins: try again in {seconds} s",
                           seconds=seconds))
        self.headers = {"Retry-After": str(seconds)}
