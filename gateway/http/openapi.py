"""The OpenAPI 3 document, generated from the declared routes and their marshmallow schemas.

Every field of a schema that only answers (reachable from a 2xx response, from no request)
is ``required``: the services dump their records through these schemas, so the field is
always there (``null`` where the schema allows it), and a client generated from the document
(openapi-python-client, say) types it as present rather than ``Unset``. A field that an
answer may leave out says so with ``metadata={"x-optional": True}`` (read here, not written
out). Such a schema never says ``additionalProperties: false``: answers may grow (a
service one release ahead adds a field; tests/integration/gateway/test_growing_answers.py).
``servers`` names the gateway that serves the document (relative, ``/``). Redocly's
linter (``redocly lint``, recommended rules) finds no error in it
(tests/integration/gateway/test_openapi_clients.py).
"""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from gateway.http.problems import PROBLEM_CONTENT_TYPE
from gateway.schemas import ProblemSchema

OPENAPI_VERSION = "3.0.3"
SECURITY_SCHEME = "bearerAuth"
COOKIE_SCHEME = "cookieAuth"
COOKIE_DESCRIPTION = (
    "The browser session opened by `POST /api/v1/session` (cookie `kelisim_session`, "
    "HttpOnly, SameSite=Lax, Secure over TLS). Every POST, PUT, PATCH or DELETE made with it "
    "must send the session's CSRF token as `X-CSRF-Token` (answered by sign-in and "
    "`GET /api/v1/session`), else 403.")
PROBLEMS = {
    400: ("MalformedRequest", "The body is not valid UTF-8 JSON, nests objects and arrays more "
                              "than 32 deep, holds a number no double holds (1e999), or ends "
                              "before its Content-Length; or the request's framing is "
                              "ambiguous (Content-Length twice with different values, with "
                              "Transfer-Encoding, a coding other than chunked). Nothing is "
                              "done."),
    401: ("Unauthorized", "No API token or session, or an unknown, revoked or expired one; "
                          "a wrong login or password."),
    403: ("Forbidden", "The token's role or region may not do this."),
    404: ("NotFound", "No such resource (or it belongs to another region); a path segment "
                      "with a control character names none."),
    409: ("Conflict", "Duplicate, or the record changed since it was read (stale version)."),
    413: ("PayloadTooLarge", "The body is larger than the configured limit."),
    414: ("UriTooLong", "The path and query are longer than 8 kB."),
    415: ("UnsupportedMediaType", "The body is not application/json."),
    431: ("HeaderFieldsTooLarge", "A header line over 8 kB, more than 100 headers, or over "
                                  "64 kB of headers together."),
    422: ("Unprocessable", "Invalid fields; `errors` maps each field to a message. Refused "
                           "everywhere: text with NUL or another control character (tab and "
                           "line breaks aside) or an unpaired surrogate; a date or time "
                           "outside 1900-01-01..9998-12-31; an integer outside the 32-bit "
                           "range; money with more than 2 decimal places or outside "
                           "0..9999999999999.99 KZT (never rounded)."),
    429: ("TooManyRequests", "Too many failed sign-ins: wait `Retry-After` seconds."),
    500: ("InternalError", "Unexpected failure; quote the correlation id."),
    503: ("ServiceUnavailable", "A service behind the gateway is not running."),
    504: ("GatewayTimeout", "A service behind the gateway did not answer in time."),
}
STREAM_BODY = ("The file itself as the body (any Content-Type; the type is read from the "
               "content). Accepted: PDF, JPEG, PNG, WebP, DOCX, XLSX, ODT, plain UTF-8 text, "
               "up to KELISIM_ATTACHMENT_MAX_BYTES (20 MiB by default): 413 beyond, 415 for "
               "other content.")
_OPENAPI_TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}}
ACCEPT_LANGUAGE = {
    "in": "header", "name": "Accept-Language", "required": False,
    "schema": {"type": "string", "example": "kk"},
    "description": "The language of problems and exported files: kk (the default), ru or en."}


def _problem_statuses(route):
    statuses = {400, 431, 500, *route.problems}  # 400, 431: refused before any route runs
    takes_input = bool(route.path_params) or route.query is not None or route.body is not None
    if route.auth:
        statuses |= {401, 403, 503, 504}
    if takes_input:  # a record named in the path, the query or the body may not exist
        statuses |= {404, 422}
    if route.path_params or route.query is not None:
        statuses.add(414)
    if route.body is not None or route.stream:
        statuses |= {400, 413, 415, 422}
    if route.writes:
        statuses |= {409, 422}  # a change may break a rule even without a body
    return sorted(statuses)


def _success(route):
    """The success response of ``route``: its content under each media type it may answer
    with (``produces``, one or several, parameters such as ``charset`` left out)."""
    if route.status == 204:
        return {"description": route.summary}
    produced = (route.produces,) if isinstance(route.produces, str) else route.produces
    types = [media.split(";")[0].strip() for media in produced]
    if route.response is None:
        shape = {"type": "object"} if types == ["application/json"] else {"type": "string"}
        return {"description": "OK", "content": {media: {"schema": shape} for media in types}}
    schema = {"type": "array", "items": route.response} if route.many else route.response
    return {"description": route.summary,
            "content": {media: {"schema": schema} for media in types}}


def _operation(route):
    parameters = [{"in": "path", "name": name, "required": True,
                   "schema": dict(_OPENAPI_TYPES.get(converter, {"type": "string"}))}
                  for name, converter in route.path_params]
    if route.query is not None:
        parameters.append({"in": "query", "schema": route.query})
    parameters.append(ACCEPT_LANGUAGE)
    operation = {
        "operationId": route.name,
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": parameters,
        "security": [{SECURITY_SCHEME: []}, {COOKIE_SCHEME: []}] if route.auth else [],
        "responses": {str(route.status): _success(route)},
    }
    if route.roles:
        operation["description"] = "Allowed roles: " + ", ".join(route.roles) + "."
    elif route.writes:
        operation["description"] = "Not for observers."
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": route.body}}}
    if route.stream:
        operation["requestBody"] = {"required": True, "description": STREAM_BODY, "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    for status in _problem_statuses(route):
        operation["responses"][str(status)] = PROBLEMS[status][0]  # apispec makes it a $ref
    return operation


def build_openapi(routes, title="kelisim gateway", version="1.0.0"):
    """An OpenAPI document (a dict) describing ``routes``."""
    spec = APISpec(title=title, version=version, openapi_version=OPENAPI_VERSION,
                   plugins=[MarshmallowPlugin()],
                   info={"description": "REST API of the kelisim platform. Every error is an "
                                        "RFC 7807 problem (application/problem+json), in the "
                                        "language of Accept-Language: kk (the default), "
                                        "ru or en."})
    spec.components.security_scheme(SECURITY_SCHEME, {
        "type": "http", "scheme": "bearer",
        "description": "An API token: `kelisim token create`, or a personal one from "
                       "`POST /api/v1/tokens`."})
    spec.components.security_scheme(COOKIE_SCHEME, {
        "type": "apiKey", "in": "cookie", "name": "kelisim_session",
        "description": COOKIE_DESCRIPTION})
    spec.components.schema("Problem", schema=ProblemSchema)
    for _, (name, description) in sorted(PROBLEMS.items()):
        spec.components.response(name, {"description": description, "content": {
            PROBLEM_CONTENT_TYPE: {"schema": "Problem"}}})
    by_path = {}
    for route in routes:
        by_path.setdefault(route.openapi_path, {})[route.method.lower()] = _operation(route)
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    document["servers"] = [{"url": "/", "description": "the gateway serving this document"}]
    _require_answered_fields(document)
    _untyped_nullable(document)
    return document


_SCHEMA_REF = "#/components/schemas/"
OPTIONAL = "x-optional"


def _refs(node, schemas, found):
    """Add to ``found`` the component schema names ``node`` refers to, transitively."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            name = ref[len(_SCHEMA_REF):]
            if name not in found and name in schemas:
                found.add(name)
                _refs(schemas[name], schemas, found)
        for value in node.values():
            _refs(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, schemas, found)
    return found


def _require_answered_fields(document):
    """Mark ``required`` every property of the schemas only answers use (not writeOnly,
    not ``x-optional``); drop the ``x-optional`` marks everywhere."""
    schemas = document.get("components", {}).get("schemas", {})
    answered, asked = set(), set()
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2") and isinstance(response, dict):
                    _refs(response.get("content"), schemas, answered)
            _refs(operation.get("requestBody"), schemas, asked)
            _refs(operation.get("parameters"), schemas, asked)
    for name, schema in schemas.items():
        properties = schema.get("properties", {})
        if name in answered - asked:
            # answers may grow: a newer service adds a field, an older client ignores it
            if schema.get("additionalProperties") is False:
                del schema["additionalProperties"]
            required = [key for key, prop in properties.items()
                        if not prop.get("writeOnly") and not prop.get(OPTIONAL)]
            required += [key for key in schema.get("required", []) if key not in required]
            if required:
                schema["required"] = required
        for prop in properties.values():
            prop.pop(OPTIONAL, None)


def _untyped_nullable(node):
    """OpenAPI 3.0 gives ``nullable`` meaning only beside a ``type``: an untyped value
    (``fields.Raw(allow_none=True)``) already admits null, so the mark is dropped."""
    if isinstance(node, dict):
        if node.get("nullable") and "type" not in node and "$ref" not in node and not any(
                key in node for key in ("allOf", "anyOf", "oneOf")):
            del node["nullable"]
        for value in node.values():
            _untyped_nullable(value)
    elif isinstance(node, list):
        for value in node:
            _untyped_nullable(value)
