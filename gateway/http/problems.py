"""RFC 7807 problem details: the one shape of every error the gateway returns."""
import re
from dataclasses import dataclass, field

from nameko.exceptions import UnknownService
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from gateway.http.errors import UpstreamError
from kelisim.errors import KelisimError

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:kelisim:problem:"
INTERNAL_DETAIL = "an unexpected error occurred; quote the correlation id when reporting it"


@dataclass
class Problem:
    status: int
    title: str
    detail: str
    type: str = "about:blank"
    errors: dict = None
    headers: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def body(self, instance=None, correlation_id=None):
        body = {"type": self.type, "title": self.title, "status": self.status,
                "detail": self.detail, "instance": instance, "correlation_id": correlation_id}
        if self.errors is not None:
            body["errors"] = self.errors
        for name, value in self.extra.items():
            body.setdefault(name, value)
        return body


def type_uri(name):
    """``StaleVersion`` -> ``urn:kelisim:problem:stale-version``."""
    return TYPE_PREFIX + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _title(status):
    return HTTP_STATUS_CODES.get(status, "Error")


def problem_for(exc):
    """The problem a client sees for ``exc``; unexpected errors reveal nothing internal."""
    if isinstance(exc, KelisimError):
        errors = exc.errors if exc.errors or exc.status == 422 else None
        return Problem(exc.status, exc.title, exc.detail, type_uri(type(exc).__name__),
                       errors=errors, headers=dict(getattr(exc, "headers", None) or {}))
    if isinstance(exc, UnknownService):
        return Problem(503, "Service unavailable", f"the {exc.args[0]} service is not running",
                       type_uri("ServiceUnavailable"))
    if isinstance(exc, UpstreamError):
        return Problem(exc.status, exc.title, exc.detail, type_uri(type(exc).__name__),
                       extra=exc.extra)
    if isinstance(exc, HTTPException) and exc.code and exc.code >= 400:
        headers = {}
        if getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        return Problem(exc.code, _title(exc.code), _plain(exc.description),
                       type_uri(_title(exc.code).title().replace(" ", "")), headers=headers)
    return Problem(500, _title(500), INTERNAL_DETAIL, type_uri("InternalServerError"))


def _plain(text):
    """werkzeug's descriptions are one paragraph of prose; keep it on one line."""
    return " ".join((text or "").split())
