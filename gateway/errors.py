"""The gateway's own errors, in the core's hierarchy (:mod:`kelisim.errors`).

A client error extends :class:`kelisim.errors.KelisimError` (or one of the core's classes
when it means the same: a refused CSRF token or link is a ``Forbidden``) and carries the
HTTP status it becomes; an upstream failure is not the client's fault and extends
:class:`UpstreamError` instead. One mapping, :func:`gateway.http.problems.problem_for`,
turns every one into an RFC 7807 problem: its ``type`` is named after the class
(``CsrfFailed`` -> ``urn:kelisim:problem:csrf-failed``), its ``title`` is the class's,
``headers`` go onto the answer.

Errors of signing in, sessions and one-time links never say whether a login name exists
or which part of a credential was wrong.
"""
from typing import Any

from kombu.exceptions import OperationalError as BrokerUnreachable
from nameko.exceptions import UnknownService

from kelisim.errors import Forbidden, KelisimError
from kelisim.i18n import N_, Msg, _

BEARER_CHALLENGE = 'Bearer realm="kelisim"'


# the request itself (gateway/http/protocol.py, request.py; attachment uploads)
class MalformedRequest(KelisimError):
    status = 400
    title = N_("Malformed request")


class PayloadTooLarge(KelisimError):
    """A body (or an attachment) over its limit; the connection is closed after it."""

    status = 413
    title = N_("Payload too large")
    headers = {"Connection": "close"}


class UriTooLong(KelisimError):
    status = 414
    title = N_("URI too long")


class UnsupportedMediaType(KelisimError):
    """A body not JSON where JSON is read, or an attachment off the allow-list."""

    status = 415
    title = N_("Unsupported media type")


class HeaderFieldsTooLarge(KelisimError):
    status = 431
    title = N_("Request header fields too large")


# who is asking (bearer tokens, sign-in, sessions, CSRF, one-time links)
class Unauthorized(KelisimError):
    """No, an unknown or an expired credential: 401 with a Bearer challenge
    (``error="invalid_token"`` when one was sent and is not valid)."""

    status = 401
    title = N_("Unauthorized")

    def __init__(self, detail: Any, invalid_token: bool = False) -> None:
        super().__init__(detail)
        challenge = BEARER_CHALLENGE + (', error="invalid_token"' if invalid_token else "")
        self.headers = {"WWW-Authenticate": challenge}


class SignInFailed(Unauthorized):
    def __init__(self, detail: Msg | None = None) -> None:
        super().__init__(detail or _(
            "the login name or the password is wrong, or the account cannot sign in"))


class SessionInvalid(SignInFailed):
    """The cookie names no live session (signed out, expired, the account disabled)."""

    def __init__(self, detail: Msg | None = None) -> None:
        super().__init__(detail or _("the session has ended: sign in again"))


class CsrfFailed(Forbidden):
    """A form posted without the session's CSRF token."""


class LinkInvalid(Forbidden):
    """An invitation or reset link that is unknown, used already or expired."""

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


# the services behind the gateway
class UpstreamError(Exception):
    """A service behind the gateway could not answer."""

    status = 502
    title = N_("Bad gateway")

    def __init__(self, detail: Any, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


class ServiceUnavailable(UpstreamError):
    status = 503
    title = N_("Service unavailable")


class UpstreamTimeout(UpstreamError):
    status = 504
    title = N_("Gateway timeout")


# what a call through the gateway's proxies raises when its service gives no answer: not
# running (503), the broker unreachable (503), late (504); a part of a page or a merged
# view that one service feeds is left out on these, the rest still shown
UNANSWERED = (UnknownService, BrokerUnreachable, UpstreamTimeout)
