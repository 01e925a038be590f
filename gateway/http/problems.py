"""RFC 7807 problem details: the one shape of every error the gateway returns."""
import re
from dataclasses import dataclass, field

from kombu.exceptions import OperationalError as BrokerUnreachable
from nameko.exceptions import UnknownService
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from gateway.errors import UpstreamError, UpstreamTimeout
from kelisim.errors import KelisimError
from kelisim.i18n import DEFAULT_LANGUAGE, N_, Msg, _, translate
from kelisim.rpc import RpcTimeout

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:kelisim:problem:"
INTERNAL_DETAIL = _("an unexpected error occurred; quote the correlation id when reporting it")
# werkzeug's titles of the statuses the gateway answers itself, for the catalogue
HTTP_TITLES = (N_("Not Found"), N_("Method Not Allowed"), N_("Internal Server Error"),
               N_("Bad Request"), N_("Request Entity Too Large"), N_("Service Unavailable"))
# werkzeug's own descriptions are long English prose: these say the same, in every language
HTTP_DETAILS = {
    404: _("nothing is found at this address"),
    405: _("this address does not take this method"),
}


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


def problem_for(exc, lang=DEFAULT_LANGUAGE):
    """The problem a client reading ``lang`` (kk, ru, en; see kelisim.i18n.negotiate) sees
    for ``exc``: title, detail and field messages in that language; unexpected errors
    reveal nothing internal. A call the broker could not take (kombu's OperationalError:
    RabbitMQ down or restarting, e.g. ECONNREFUSED on publish) is a 503, not a 500."""
    if isinstance(exc, KelisimError):
        errors = exc.errors_in(lang) if exc.errors or exc.status == 422 else None
        return Problem(exc.status, translate(exc.title, lang), exc.detail_in(lang),
                       type_uri(type(exc).__name__), errors=errors,
                       headers=dict(getattr(exc, "headers", None) or {}))
    if isinstance(exc, UnknownService):
        return Problem(503, translate("Service unavailable", lang),
                       _("the {service} service is not running",
                         service=exc.args[0]).render(lang),
                       type_uri("ServiceUnavailable"))
    if isinstance(exc, BrokerUnreachable):  # the broker is down or restarting: not a bug
        return Problem(503, translate("Service unavailable", lang),
                       _("the message broker cannot be reached; try again shortly").render(lang),
                       type_uri("ServiceUnavailable"))
    if isinstance(exc, RpcTimeout):  # a service behind the gateway met a late one: a 504
        exc = UpstreamTimeout(exc.message or str(exc))
    if isinstance(exc, UpstreamError):
        return Problem(exc.status, translate(exc.title, lang), translate(exc.detail, lang),
                       type_uri(type(exc).__name__), extra=exc.extra)
    if isinstance(exc, HTTPException) and exc.code and exc.code >= 400:
        headers = {}
        if getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        detail = exc.description if isinstance(exc.description, Msg) else HTTP_DETAILS.get(exc.code)
        return Problem(exc.code, translate(_title(exc.code), lang),
                       detail.render(lang) if detail else translate(_plain(exc.description), lang),
                       type_uri(_title(exc.code).title().replace(" ", "")), headers=headers)
    return Problem(500, translate(_title(500), lang), INTERNAL_DETAIL.render(lang),
                   type_uri("InternalServerError"))


def _plain(text):
    """werkzeug's descriptions are one paragraph of prose; keep it on one line."""
    return " ".join((text or "").split())
