"""The HTTP/1.1 connection handler under the gateway: eventlet's, answering what it refuses
before the WSGI app runs as problems too, and refusing ambiguous message framing.

eventlet answers an over-long request line, an over-long header line, too many or too
large headers and a malformed request line itself, in plain text or HTML. Here each is an
``application/problem+json`` answer (414, 431 or 400) and the connection closes. A request
whose body length is ambiguous is refused with a 400 before anything runs, as RFC 9112
section 6.3 requires: ``Content-Length`` given twice with different values or not a plain
number, or together with ``Transfer-Encoding``, or a transfer coding other than chunked.
"""
import http.client
import re
from http import HTTPStatus

from eventlet import wsgi
from nameko.web.server import HttpOnlyProtocol

from gateway.errors import HeaderFieldsTooLarge, MalformedRequest, UriTooLong
from gateway.http.problems import PROBLEM_CONTENT_TYPE, problem_for
from gateway.http.responses import to_json
from kelisim.i18n import _, negotiate
from kelisim.ids import uuid4_text

MAX_INSTANCE = 8192  # the longest path named in a problem, as gateway/http/server.py
_DIGITS = re.compile(r"^[0-9]{1,18}$")


def framing_error(headers):
    """Why the body's length in ``headers`` is ambiguous (RFC 9112 6.3), or None."""
    lengths = {value.strip() for value in headers.get_all("Content-Length") or ()}
    codings = headers.get_all("Transfer-Encoding") or ()
    if len(lengths) > 1:
        return _("Content-Length is given more than once, with different values; "
                 "the request was not run")
    if lengths and not _DIGITS.match(next(iter(lengths))):
        return _("Content-Length is not a whole number of bytes; the request was not run")
    if lengths and codings:
        return _("Content-Length and Transfer-Encoding are not allowed together; "
                 "the request was not run")
    if codings and [c.strip().lower() for c in ",".join(codings).split(",")] != ["chunked"]:
        return _("the only transfer coding accepted is chunked; the request was not run")
    return None


class ProblemProtocol(HttpOnlyProtocol):
    """eventlet's protocol with its own refusals answered as problems."""

    def _read_request_line(self):
        line = super()._read_request_line()
        if line and len(line) >= self.server.url_length_limit:
            self.request_version = "HTTP/1.0"
            self.send_problem(UriTooLong(_("the request line is longer than {limit} bytes",
                                           limit=self.server.url_length_limit)))
            return ""  # handle_one_request closes the connection without answering again
        return line

    def parse_request(self):
        try:
            parsed = super().parse_request()
        except wsgi.HeaderLineTooLong:
            self.send_problem(HeaderFieldsTooLarge(_(
                "a header line is longer than {limit} bytes", limit=wsgi.MAX_HEADER_LINE)))
            return False
        except wsgi.HeadersTooLarge:
            self.send_problem(HeaderFieldsTooLarge(_(
                "the headers are larger than {limit} bytes together",
                limit=wsgi.MAX_TOTAL_HEADER_SIZE)))
            return False
        if not parsed:
            return False
        error = framing_error(self.headers)
        if error:
            self.send_problem(MalformedRequest(error))
            return False
        return True

    def send_error(self, code, message=None, explain=None):
        """http.server's refusals (a malformed request line, too many headers)."""
        if code == 431:
            error = HeaderFieldsTooLarge(_("more than {count} headers, or a header line that "
                                           "is too long", count=http.client._MAXHEADERS))
        else:
            error = MalformedRequest(_("the request line is malformed"))
            error.status = code if 400 <= code < 600 else 400
        self.send_problem(error)

    def send_problem(self, error):
        """Write ``error`` as a problem answer and close the connection."""
        headers = getattr(self, "headers", None)  # none yet when the request line failed
        problem = problem_for(error, negotiate(headers.get("Accept-Language") if headers
                                               else None))
        correlation_id = uuid4_text()
        path = getattr(self, "path", None)
        instance = path.split("?", 1)[0] if path and len(path) <= MAX_INSTANCE else None
        body = to_json(problem.body(instance, correlation_id))
        head = (f"HTTP/1.1 {problem.status} {HTTPStatus(problem.status).phrase}\r\n"
                f"Content-Type: {PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n"
                f"X-Correlation-ID: {correlation_id}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        self.close_connection = True
        try:
            self.wfile.write(head.encode("latin-1") + body)
            self.wfile.flush()
        except OSError:
            pass  # the client is gone
