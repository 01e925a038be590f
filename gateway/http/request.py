"""What a route method receives: the caller, the validated query, the JSON body.

The body is read once, bounded by ``MAX_REQUEST_BYTES`` whatever ``Content-Length``
says (chunked bodies have none); it is checked against the route's schema at the edge
and passed on as sent, because the service validates its own contract again.
"""
import json
from dataclasses import dataclass

from werkzeug.wrappers import Request

from gateway.http.errors import MalformedRequest, PayloadTooLarge, UnsupportedMediaType
from kelisim.errors import Invalid
from kelisim.i18n import _
from kelisim.schemas import UNKNOWN_PARAMETER, load

DEFAULT_MAX_BYTES = 1_048_576
BODY_ATTR = "body_bytes"


def read_body(request, max_bytes):
    """Read the raw body (at most ``max_bytes``) onto the request; 413 beyond that."""
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        raise PayloadTooLarge(_("the body has {declared} bytes; the limit is {max_bytes}",
                                declared=declared, max_bytes=max_bytes))
    data = request.environ["wsgi.input"].read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PayloadTooLarge(_("the body is larger than the limit of {max_bytes} bytes",
                                max_bytes=max_bytes))
    setattr(request, BODY_ATTR, data)
    return data


def is_json(mimetype):
    return mimetype == "application/json" or (mimetype or "").endswith("+json")


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_json(data):
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedRequest(_("the body is not valid UTF-8 JSON: {exc}", exc=exc)) from None


@dataclass
class ApiRequest:
    """``query`` is the validated query (typed values, attribute names) for the gateway's
    own use; ``params`` is the same query as the client sent it, parameter names and
    strings, which is what a service's contract loads: pass ``params`` on to services."""

    http: Request
    actor: dict = None
    query: dict = None
    body: object = None
    params: dict = None

    @classmethod
    def parse(cls, request, spec, actor=None):
        """Check content type (415), JSON (400), then query and body schemas (422)."""
        body = None
        if spec.body is not None:
            if not is_json(request.mimetype):
                raise UnsupportedMediaType(
                    _("send the body as application/json, not {value}",
                      value=request.mimetype or 'nothing'))
            body = parse_json(getattr(request, BODY_ATTR, b""))
        params = request.args.to_dict()
        if spec.query is not None:
            query = load(spec.query(), params)
        elif params:
            raise Invalid(_("this route takes no query parameters"),
                          {name: UNKNOWN_PARAMETER for name in sorted(params)})
        else:
            query = {}
        if spec.body is not None:
            load(spec.body(), body)
        return cls(http=request, actor=actor, query=query, body=body, params=params)
