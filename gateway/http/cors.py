"""Cross-origin requests from the browser applications an operator names (none by default).

``KELISIM_CORS_ORIGINS`` (config ``CORS_ORIGINS``) lists origins, e.g.
``https://office.kelisim.kz,http://localhost:5173``. For a listed origin the gateway:

- answers a preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
  with 204: ``Access-Control-Allow-Origin`` (that origin, never ``*``),
  ``Access-Control-Allow-Credentials: true`` (the session cookie), the path's methods in
  ``Access-Control-Allow-Methods``, the headers a client may send in
  ``Access-Control-Allow-Headers``, ``Access-Control-Max-Age``;
- adds ``Access-Control-Allow-Origin``, ``-Allow-Credentials`` and ``-Expose-Headers``
  (the correlation id, ``Retry-After``, ``Location``) to every answer.

Answers carry ``Vary: Origin`` whenever origins are configured, since they depend on it. An
origin not listed gets no CORS header (the browser then refuses), and its preflight is
answered as any ``OPTIONS`` request is. With no origin configured nothing changes.
Errors: :func:`parse_origins` raises ValueError for ``*`` or an origin that is not
``scheme://host[:port]`` (the gateway then refuses to start, naming it).
"""
import re

ALLOWED_HEADERS = ("Accept", "Accept-Language", "Authorization", "Cache-Control",
                   "Content-Type", "X-Correlation-ID", "X-CSRF-Token")
EXPOSED_HEADERS = ("X-Correlation-ID", "Retry-After", "Location", "Content-Disposition")
MAX_AGE_SECONDS = 600
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def parse_origins(value):
    """``"https://a.kz, http://localhost:5173"`` (or a list) -> a frozenset of origins,
    lower-cased as browsers send them. Raises ValueError for ``*`` or a malformed one."""
    items = value.split(",") if isinstance(value, str) else list(value or ())
    origins = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        if item == "*":
            raise ValueError("KELISIM_CORS_ORIGINS may not be '*': the gateway answers "
                             "with credentials (the session cookie); list the origins")
        if not _ORIGIN.match(item):
            raise ValueError(f"KELISIM_CORS_ORIGINS: {item!r} is not an origin "
                             "(scheme://host[:port], no path)")
        origins.add(item.lower())
    return frozenset(origins)


def is_preflight(request):
    return (request.method == "OPTIONS" and "Origin" in request.headers
            and "Access-Control-Request-Method" in request.headers)


def preflight_headers(origin, methods):
    """The headers of a 204 answer to an allowed origin's preflight for ``methods``."""
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": ", ".join(sorted(methods)),
        "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS),
        "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
    }


def answer_headers(origin):
    """The headers added to any answer to an allowed origin."""
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": ", ".join(EXPOSED_HEADERS),
    }


def add_vary(headers, *names):
    """Add ``names`` to the ``Vary`` header of werkzeug ``headers`` (once each)."""
    present = [v.strip() for v in headers.get("Vary", "").split(",") if v.strip()]
    for name in names:
        if name.lower() not in (p.lower() for p in present):
            present.append(name)
    headers["Vary"] = ", ".join(present)
