"""Errors raised by the gateway itself; each carries the HTTP status it becomes.

Client errors extend :class:`kelisim.errors.KelisimError` like the services' own, so one
mapping turns all of them into problems; upstream failures are not the client's fault.
"""
from kelisim.errors import KelisimError
from kelisim.i18n import N_


class MalformedRequest(KelisimError):
    status = 400
    title = N_("Malformed request")


class Unauthorized(KelisimError):
    status = 401
    title = N_("Unauthorized")

    def __init__(self, detail, invalid_token=False):
        super().__init__(detail)
        challenge = 'Bearer realm="kelisim"'
        if invalid_token:
            challenge += ', error="invalid_token"'
        self.headers = {"WWW-Authenticate": challenge}


class PayloadTooLarge(KelisimError):
    status = 413
    title = N_("Payload too large")
    headers = {"Connection": "close"}


class UriTooLong(KelisimError):
    status = 414
    title = N_("URI too long")


class UnsupportedMediaType(KelisimError):
    status = 415
    title = N_("Unsupported media type")


class HeaderFieldsTooLarge(KelisimError):
    status = 431
    title = N_("Request header fields too large")


class UpstreamError(Exception):
    """A service behind the gateway could not answer."""

    status = 502
    title = N_("Bad gateway")

    def __init__(self, detail, extra=None):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


class ServiceUnavailable(UpstreamError):
    status = 503
    title = N_("Service unavailable")


class UpstreamTimeout(UpstreamError):
    status = 504
    title = N_("Gateway timeout")
