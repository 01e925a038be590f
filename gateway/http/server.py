"""nameko's web server, answering every error (unknown routes too) with a problem.

It also gives every request a correlation id (the caller's ``X-Correlation-ID`` when
it is sane, else a new one), echoes it on the response, writes it in the request's
access log line and counts the request. It answers the preflight requests of the
cross-origin browser applications an operator allows (gateway/http/cors.py).
"""
import logging
import re
import socket
import time

import structlog
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Map, PathConverter, RequestRedirect, UnicodeConverter
from werkzeug.wrappers import Request, Response

from gateway.errors import UriTooLong
from gateway.http import cors
from gateway.http.metrics import UNMATCHED, observe_request
from gateway.http.problems import problem_for
from gateway.http.protocol import ProblemProtocol
from gateway.http.responses import problem_response
from gateway.web.security import secure
from kelisim import ports
from kelisim.context import CORRELATION_KEY
from kelisim.i18n import _, negotiate
from kelisim.ids import uuid4_text

CORRELATION_HEADER = "X-Correlation-ID"
CORRELATION_ENVIRON = "kelisim.correlation_id"
MAX_ID = 2**31 - 1  # ids are INTEGER columns: a larger one names nothing
MAX_URI = 8192  # longest path and query answered; longer ones get a 414 problem
URL_LINE_LIMIT = 65536  # longest request line read; beyond it the protocol answers 414
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # fits the audit log's column
# no code or name in a path holds a control character (NUL cannot even be stored by
# PostgreSQL) or half a surrogate pair (no database encodes it)
_UNNAMEABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
log = logging.getLogger(__name__)


def correlation_id_from(value):
    """The caller's id when it is short and plain, else a fresh one."""
    if value and _SANE_ID.match(value):
        return value
    return uuid4_text()


def correlation_id_of(request):
    return request.environ.get(CORRELATION_ENVIRON) or correlation_id_from(
        request.headers.get(CORRELATION_HEADER))


def language_of(request):
    """The reader's language from ``Accept-Language``: kk (the default), ru or en."""
    return negotiate(request.headers.get("Accept-Language"))


def wants_page(request):
    """True for a browser's request outside the API (it prefers HTML to JSON): a failure
    before any route ran (an unknown path, a method the path has not, an id beyond any
    record) is then the error page of the pages, not a JSON problem."""
    if request.path.startswith("/api/"):
        return False
    best = request.accept_mimetypes.best_match(
        ["application/problem+json", "application/json", "text/html"])
    return best == "text/html"


class ProblemWsgiApp(WsgiApp):
    def __init__(self, server):
        super().__init__(server)
        self.cors_origins = cors.parse_origins(server.container.config.get("CORS_ORIGINS"))

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request = Request(environ, shallow=True)
        correlation_id = correlation_id_from(request.headers.get(CORRELATION_HEADER))
        environ[CORRELATION_ENVIRON] = correlation_id
        # the connection's greenthread writes the access log line after this returns:
        # it carries the request's correlation id (and the next request on the
        # connection binds its own)
        structlog.contextvars.bind_contextvars(
            service=self.server.container.service_name, correlation_id=correlation_id)
        template = UNMATCHED
        try:
            uri_length = len(environ.get("RAW_PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
            if uri_length > MAX_URI:
                raise UriTooLong(_("the path and query are longer than {max_uri} bytes",
                                   max_uri=MAX_URI))
            adapter = self.url_map.bind_to_environ(environ)
            origin = self._allowed_origin(request)
            if origin and cors.is_preflight(request):
                methods = set(adapter.allowed_methods()) - {"HEAD", "OPTIONS"}
                if not methods:
                    raise NotFound()
                response = Response(status=204, headers=cors.preflight_headers(origin, methods))
            else:
                rule, values = adapter.match(return_rule=True)
                template = rule.rule
                request.path_values = values
                response = rule.endpoint.handle_request(request)
        except RequestRedirect as redirect:
            response = redirect.get_response(environ)
        except Exception as exc:  # 404 and 405 from routing, or a bug before any worker ran
            problem = problem_for(exc, language_of(request))
            if problem.status >= 500:
                log.exception("request failed outside a worker")
            if wants_page(request):  # a browser's wrong address: a page, in its language
                from gateway.web.pages import error_page  # pages import this module
                response = error_page(exc, request)
            else:
                instance = request.path if len(request.path) <= MAX_URI else None
                response = problem_response(problem, instance, correlation_id)
        response.headers[CORRELATION_HEADER] = correlation_id
        secure(response)
        if self.cors_origins:
            origin = self._allowed_origin(request)
            if origin:
                response.headers.update(cors.answer_headers(origin))
            cors.add_vary(response.headers, "Origin")
        observe_request(request.method, template, response.status_code,
                        time.perf_counter() - started)
        return response(environ, start_response)


    def _allowed_origin(self, request):
        """The request's ``Origin`` when an operator allows it (KELISIM_CORS_ORIGINS)."""
        origin = request.headers.get("Origin", "").lower()
        return origin if origin in self.cors_origins else None


class RecordId(IntegerConverter):
    """``<int:...>`` in a path: a number beyond the databases' integer columns names no
    record, so it is a plain 404 rather than an overflow inside a service."""

    def to_python(self, value):
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound(_("{value} is not the id of any record", value=value))
        return number


class _PlainText:
    """A text segment of a path that names nothing when it holds a control character or
    an unpaired surrogate: a plain 404 rather than an error inside a service."""

    def to_python(self, value):
        text = super().to_python(value)
        if _UNNAMEABLE.search(text):
            raise NotFound(_("no record is named with control characters"))
        return text


class PlainSegment(_PlainText, UnicodeConverter):
    """``<name>`` and ``<string:name>`` in a path."""


class PlainPath(_PlainText, PathConverter):
    """``<path:name>`` in a path."""


class ProblemWebServer(WebServer):
    """The shared web server of :class:`gateway.http.routing.ApiRoute` entrypoints."""

    def get_wsgi_app(self):
        return ProblemWsgiApp(self)

    def start(self):
        # nameko's start, binding without SO_REUSEPORT: a port in use is a PortTaken
        if not self._starting:
            self._starting = True
            host, port = self.bind_addr
            self._sock = ports.listen(host or "0.0.0.0", port, ports.GATEWAY_VARIABLE)
            self._sock.settimeout(None)  # https://github.com/celery/kombu/issues/838
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)

    def get_wsgi_server(self, sock, wsgi_app, *args, **kwargs):
        # eventlet refuses a request line over 8 kB; let lines up to 64 kB through, so that
        # ProblemWsgiApp answers them with a 414 naming the path (eventlet logs each request
        # line: the limit bounds what one request writes to the log)
        kwargs["protocol"] = ProblemProtocol  # its own refusals answered as problems too
        server = super().get_wsgi_server(sock, wsgi_app, *args, **kwargs)
        server.url_length_limit = max(server.url_length_limit, URL_LINE_LIMIT)
        # eventlet formats an access-log line for every request before its logger drops
        # it; at the usual WARNING level nobody reads it: don't build it then
        server.log_output = server.log.isEnabledFor(logging.INFO)
        return server

    def process_request(self, sock, address):
        # A response goes out in several writes (headers, then the body); with Nagle's
        # algorithm the last part of a body over ~20 kB waited for the client's delayed
        # ACK, 40 ms per request.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return super().process_request(sock, address)

    def make_url_map(self):
        url_map = Map(converters={"int": RecordId, "default": PlainSegment,
                                  "string": PlainSegment, "path": PlainPath})
        for provider in self._providers:
            rule = provider.get_url_rule()
            rule.endpoint = provider
            url_map.add(rule)
        return url_map

    def context_data_from_headers(self, request):
        return {CORRELATION_KEY: correlation_id_of(request)}
