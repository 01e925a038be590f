"""What a route method receives: the caller, the validated query, the JSON body.

The body is read once, bounded by ``MAX_REQUEST_BYTES`` whatever ``Content-Length``
says (chunked bodies have none), and only a whole body is used: one that ends before its
``Content-Length`` (the client gave up) or a broken chunked body is a 400, never executed.
JSON nested deeper than ``MAX_DEPTH`` and numbers no double holds (``1e999``) are a 400 too.
The body is checked against the route's schema at the edge and passed on as sent, because
the service validates its own contract again.
"""
import json
import math
from dataclasses import dataclass

from werkzeug.wrappers import Request

from gateway.errors import MalformedRequest, PayloadTooLarge, UnsupportedMediaType
from kelisim.errors import Invalid
from kelisim.i18n import _
from kelisim.schemas import UNKNOWN_PARAMETER, load, load_query, schema_of

DEFAULT_MAX_BYTES = 1_048_576
BODY_ATTR = "body_bytes"
MAX_DEPTH = 32  # objects and arrays inside one another; the deepest contract needs 4


def read_body(request, max_bytes):
    """Read the raw body (at most ``max_bytes``) onto the request; 413 beyond that, 400 when
    it ends before its ``Content-Length`` or its chunked encoding is broken."""
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        raise PayloadTooLarge(_("the body has {declared} bytes; the limit is {max_bytes}",
                                declared=declared, max_bytes=max_bytes))
    try:
        data = request.environ["wsgi.input"].read(max_bytes + 1)
    except (OSError, ValueError):  # eventlet: a chunk cut short or a chunk size not hex
        raise MalformedRequest(_("the chunked body is broken or ended early")) from None
    if len(data) > max_bytes:
        raise PayloadTooLarge(_("the body is larger than the limit of {max_bytes} bytes",
                                max_bytes=max_bytes))
    if declared is not None and len(data) < declared:
        raise MalformedRequest(_("the body ended after {read} of its {declared} bytes "
                                 "(Content-Length); nothing was done",
                                 read=len(data), declared=declared))
    setattr(request, BODY_ATTR, data)
    return data


def is_json(mimetype):
    return mimetype == "application/json" or (mimetype or "").endswith("+json")


class _Refused(ValueError):
    """Valid to Python's parser, not JSON of finite numbers: ``message`` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _reject_constant(name):
    raise _Refused(_("the body is not valid UTF-8 JSON: {constant} is not a JSON value",
                     constant=name))


def _finite_float(text):
    number = float(text)
    if not math.isfinite(number):
        raise _Refused(_("the body is not valid UTF-8 JSON: the number {number} is too large",
                         number=text))
    return number


def _malformed(exc):
    """The reason ``exc`` (from decoding or parsing) gives, as a message in every language:
    the parser's English wording is left out, its position kept."""
    if isinstance(exc, _Refused):
        return exc.message
    if isinstance(exc, UnicodeDecodeError):
        return _("the body is not valid UTF-8 JSON: byte {position} is not UTF-8",
                 position=exc.start)
    if isinstance(exc, json.JSONDecodeError):
        return _("the body is not valid UTF-8 JSON: an error at line {line}, column {column}",
                 line=exc.lineno, column=exc.colno)
    return _("the body is not valid UTF-8 JSON")


def _depth(value):
    """How deeply objects and arrays nest in ``value`` (a scalar is 0); iterative."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else \
            item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(data):
    """The JSON value of ``data``; MalformedRequest (400) for anything but UTF-8 JSON
    of finite numbers nested at most MAX_DEPTH deep."""
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_reject_constant,
                           parse_float=_finite_float)
    except RecursionError:
        value = None
        too_deep = True
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedRequest(_malformed(exc)) from None
    else:
        too_deep = _depth(value) > MAX_DEPTH
    if too_deep:
        raise MalformedRequest(_("the body nests objects and arrays more than {depth} deep",
                                 depth=MAX_DEPTH))
    return value


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
                # a request without Content-Type reads as text/plain (eventlet's default),
                # so the answer names both: missing or unsupported
                raise UnsupportedMediaType(
                    _("no or unsupported content type ({value}): send the body with "
                      "Content-Type: application/json", value=request.mimetype or "none"))
            body = parse_json(getattr(request, BODY_ATTR, b""))
        params = request.args.to_dict()
        if spec.query is not None:
            query = load_query(schema_of(spec.query), params)
        elif params:
            raise Invalid(_("this route takes no query parameters"),
                          {name: UNKNOWN_PARAMETER for name in sorted(params)})
        else:
            query = {}
        if spec.body is not None:
            load(schema_of(spec.body), body)
        return cls(http=request, actor=actor, query=query, body=body, params=params)
