"""``@page``: a gateway route that answers HTML, signed in with the session cookie.

A page method receives a :class:`PageRequest` (the reader checked, the form read) and
returns a :class:`Page` (a template and its values), or a ready werkzeug Response (a
redirect after a form was handled). Failures are pages too, in the reader's language: no
session → 303 to ``/sign-in?next=...``; a refusal or a missing record → the error page
with the API's status (403, 404, 409, 422); anything unexpected → 500, logged.

A form posted by the page repeats the session's CSRF token in a ``csrf_token`` field
(htmx requests send it as the ``X-CSRF-Token`` header, as the API's callers do).
"""
import functools
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlencode

import eventlet
from nameko.exceptions import RemoteError
from werkzeug.wrappers import Response

from gateway.domain.opaque import csrf_token_for
from gateway.errors import UNANSWERED, MalformedRequest, Unauthorized
from gateway.http.cache import CACHE_LOOKUPS
from gateway.http.dispatch import DispatchingRoute
from gateway.http.problems import problem_for
from gateway.http.request import BODY_ATTR, DEFAULT_MAX_BYTES, read_body
from gateway.http.routing import RouteSpec
from gateway.http.sessions import SESSION_COOKIE
from gateway.web.render import render
from gateway.web.uploads import UPLOAD_ATTR, read_upload
from kelisim import i18n, rpc
from kelisim.errors import Forbidden, KelisimError
from kelisim.i18n import _
from kelisim.metrics import child

LANG_COOKIE = "kelisim_lang"
LANG_COOKIE_SECONDS = 365 * 24 * 3600
HTML = "text/html; charset=utf-8"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded"})
# what a browser says of where a form was posted from (``Sec-Fetch-Site``): our own pages,
# or the reader's own action; another site's form is refused (login CSRF too: signing in
# needs no session, so no CSRF token protects it)
OWN_SITE = frozenset({"same-origin", "none"})
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSpec(RouteSpec):
    """A page's route as BearerAuth and Principal.require read it: a RouteSpec without the
    API's description (no summary, schemas or OpenAPI path: a page's path is its own)."""

    summary: str = ""
    tag: str = "web"

    @property
    def openapi_path(self):
        return self.path


@dataclass
class Page:
    """A template to render, its values and the answer's status."""

    template: str
    context: dict = field(default_factory=dict)
    status: int = 200


@dataclass
class PageRequest:
    """``form`` is the posted form (a field's last value), ``args`` the query string,
    ``csrf`` the token a form must repeat (None without a session)."""

    http: object
    actor: dict
    lang: str
    csrf: str
    args: dict
    form: dict


def page_language(request):
    """kk, ru or en: ``?lang=``, else the ``kelisim_lang`` cookie, else Kazakh (the state
    language comes first whatever the browser asks for)."""
    for value in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in i18n.LANGUAGES:
            return value
    return i18n.DEFAULT_LANGUAGE


def read_form(request):
    """The url-encoded form of a POST as ``{name: last value}`` (``{}`` otherwise; a page
    taking a file: its multipart form's text fields, read by gateway/web/uploads.py).
    MalformedRequest (400) when the body or a percent-encoded value is not UTF-8: nothing
    is done with a form whose text would have to be guessed."""
    if request.method == "POST" and hasattr(request, UPLOAD_ATTR):  # a multipart form
        return dict(getattr(request, UPLOAD_ATTR)[0])
    if request.method != "POST" or request.mimetype not in FORM_TYPES:
        return {}
    try:
        raw = getattr(request, BODY_ATTR, b"").decode("utf-8")
        parsed = parse_qs(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise MalformedRequest(_("the form is not valid UTF-8; nothing was done")) from None
    return {key: values[-1] for key, values in parsed.items()}


def refuse_other_sites(request):
    """Forbidden (403) for a form another site's page posted, as the browser tells
    (``Sec-Fetch-Site``; a client that does not say is judged by the CSRF token alone)."""
    site = request.headers.get("Sec-Fetch-Site")
    if request.method == "POST" and site is not None and site not in OWN_SITE:
        raise Forbidden(_("a form of this platform is accepted from its own pages only"))


def html(body, status=200, headers=None):
    return Response(body, status=status, content_type=HTML, headers=headers)


class PageRoute(DispatchingRoute):
    """A page or a form: posts from other sites refused, the body read (bounded; a page
    taking a file: its multipart form, gateway/web/uploads.py), a form's
    CSRF token put where BearerAuth looks; a failure is answered by :func:`error_page`."""

    def prepare(self, request):
        refuse_other_sites(request)
        if self.spec is not None and self.spec.stream:  # a file: its own bound
            # read only with a session to check: no file is spooled for a caller
            # who is refused anyway (no session: sent to sign in)
            read_upload(request, upload_limit(self.container.config),
                        parse=SESSION_COOKIE in request.cookies)
        else:
            read_body(request, int(self.container.config.get("MAX_REQUEST_BYTES",
                                                              DEFAULT_MAX_BYTES)))
        # a form's token: the header is where BearerAuth's check_csrf looks for it
        token = read_form(request).get("csrf_token")
        if token and "X-CSRF-Token" not in request.headers:
            request.environ["HTTP_X_CSRF_TOKEN"] = token

    def failure(self, exc, request, dispatched):
        return error_page(exc, request)


READER_ENVIRON = "kelisim.page_reader"  # the signed-in reader of the page being answered


def error_page(exc, request):
    """The page of a failure, in the reader's language; a missing session is a redirect
    to sign in (htmx is told with ``HX-Redirect``, which it follows as a full load)."""
    lang = page_language(request)
    problem = problem_for(exc, lang)  # as the API would answer: a service away is a 503
    if problem.status == 401:
        target = "/sign-in?next=" + quote(request.full_path.rstrip("?"), safe="")
        if request.headers.get("HX-Request"):
            return Response(status=204, headers={"HX-Redirect": target})
        return Response(status=303, headers={"Location": target})
    if problem.status >= 500:
        if problem.status == 500:
            log.error("%s %s failed", request.method, request.path, exc_info=exc)
        message = problem.detail if problem.status != 500 else i18n._(
            "something went wrong on our side; try again in a minute").render(lang)
    else:
        message = problem.detail
    # a signed-in reader keeps their header (name, menu, unread count, sign out): a 403
    # or 404 under the signed-out header reads as if the session had ended
    reader = request.environ.get(READER_ENVIRON) or {}
    unread = reader.get("unread")
    return html(render("error.html", lang, status=problem.status, title=problem.title,
                       message=message, actor=reader.get("actor"),
                       csrf=reader.get("csrf"),
                       unread=unread.wait() if unread is not None else None,
                       has_inbox=has_inbox(reader.get("actor")),
                       path=own_path(request.path)), problem.status)


def own_path(path):
    """``path`` when a link to it stays on this site, else ``/``: the language links of a
    page repeat its path, and an unknown address like ``//evil.example`` or
    ``/\\evil.example`` reads to a browser as another site."""
    if path.startswith("/") and not path.startswith(("//", "/\\")) and "\\" not in path \
            and not any(ord(c) < 0x20 or ord(c) == 0x7f for c in path):
        return path
    return "/"


def upload_limit(config):
    """The largest file a page takes (bytes): the attachment store's limit
    (``KELISIM_ATTACHMENT_MAX_BYTES``, in the container's ``ATTACHMENTS`` config)."""
    from kelisim.config import attachments_settings

    return int((config.get("ATTACHMENTS") or attachments_settings())["max_bytes"])


def page(method, path, *, auth=True, roles=None, personal=False, writes=None, stream=False):
    """Declare an HTML page of the gateway (``GET``) or a form it handles (``POST``); the
    service needs ``auth`` (BearerAuth) and ``notifications`` (the unread count shown on
    every page). ``roles`` limits the page as the API's ``roles`` does. ``stream``: a
    multipart form with a file, read by gateway/web/uploads.py (the request's
    ``kelisim_upload``) instead of the bounded body of a url-encoded form."""
    def decorate(fn):
        spec = PageSpec(method=method, path=path, name=fn.__name__, auth=auth,
                        roles=tuple(roles) if roles else None, personal=personal,
                        writes=(method != "GET") if writes is None else writes,
                        stream=stream)

        @functools.wraps(fn)
        def endpoint(service, request, **path_values):
            actor = service.auth.require(spec)
            if auth and actor is None:
                raise Unauthorized(i18n._("sign in to see this page"))
            lang = page_language(request)
            cookie = request.cookies.get(SESSION_COOKIE)
            req = PageRequest(http=request, actor=actor, lang=lang,
                              csrf=csrf_token_for(cookie) if cookie and actor else None,
                              args=request.args.to_dict(), form=read_form(request))
            # a read asks for the header's unread count while the page reads its data (one
            # broker round trip less to wait for); a form counts after its change is made
            unread = None if spec.writes else eventlet.spawn(unread_count, service, actor)
            if actor is not None:  # for the error page, should the page fail
                request.environ[READER_ENVIRON] = {"actor": actor, "csrf": req.csrf,
                                                   "unread": unread}
            result = fn(service, req, **path_values)
            if spec.writes:
                service.read_cache.invalidate()
            if isinstance(result, Response):
                return _remember_language(result, request)
            context = {"actor": actor, "csrf": req.csrf, "path": request.path,
                       "language_links": language_links(request),
                       "unread": (unread.wait() if unread is not None
                                  else unread_count(service, actor)),
                       "has_inbox": has_inbox(actor),
                       "htmx": bool(request.headers.get("HX-Request")), **result.context}
            body = render(result.template, lang, **context)
            return _remember_language(html(body, result.status), request)

        endpoint.page_spec = spec
        return PageRoute.decorator(method, path, spec=spec)(endpoint)

    return decorate


def gather(*calls, at_once=None):
    """The results of ``calls`` (callables taking no argument, e.g. ``lambda:
    self.projects.list_projects()``), in their order, the calls made at once, each in a
    green thread of the worker: a page whose reads do not depend on each other waits for
    the slowest instead of their sum (each RPC is a round trip through the broker, several
    milliseconds, far more on a loaded machine). Every call is waited for; then the first
    failure in ``calls``' order is raised (a KelisimError becomes the page's error page as
    usual). ``at_once`` bounds the calls in flight (a pool), when given."""
    spawn = eventlet.GreenPool(at_once).spawn if at_once else eventlet.spawn
    threads = [spawn(call) for call in calls]
    results, failure = [], None
    for thread in threads:
        try:
            results.append(thread.wait())
        except Exception as exc:  # noqa: BLE001  (raised below, after every call ended)
            failure = failure or exc
            results.append(None)
    if failure is not None:
        raise failure
    return results


def cached_call(service, actor, name, fn, *args):
    """``fn(*args)`` (an RPC proxy's method, e.g. ``self.projects.programme_summary``,
    called with JSON-like ``args``), answered from the gateway's read cache when it was
    made a moment ago for a reader of the same role and region (gateway/http/cache.py:
    the API's ``cached=True`` routes share it, so it is dropped on every write this
    gateway forwards and every projects event, and kept ``READ_CACHE_SECONDS`` at most).

    ``name`` names the call in the key and in ``kelisim_gateway_cache_lookups_total``
    (route ``page:<name>``). The answer is kept as JSON text and decoded at each hit: a
    page that changes its copy changes no other reader's. Raises what ``fn`` raises
    (nothing is kept then)."""
    cache = service.read_cache
    key = ("page", name, json.dumps(args, sort_keys=True, default=str), actor.get("role"),
           actor.get("region"))
    text = cache.get(key)
    child(CACHE_LOOKUPS, f"page:{name}", "miss" if text is None else "hit").inc()
    if text is not None:
        return json.loads(text)
    generation = cache.generation
    result = fn(*args)
    cache.put(key, generation, json.dumps(result, separators=(",", ":")).encode())
    return result


def cached(service, actor, name, fn):
    """``fn`` as a function of its arguments going through :func:`cached_call` (for
    ``gather``/``together`` lists of calls)."""
    return functools.partial(cached_call, service, actor, name, fn)


INBOX_ROLES = ("kgu_coordinator", "rgu_admin")  # the readers with an inbox of their own


def has_inbox(actor):
    """Whether the header links to an inbox for ``actor`` (a dict with ``role``, or None)."""
    return actor is not None and actor.get("role") in INBOX_ROLES


def optional(call, *args):
    """``call(*args)``, or None when its service refuses, is not running, cannot be
    reached, is late or fails (nameko's RemoteError: its database down, say; logged): a
    part of a page the rest can be shown without (region names, the KGU home's sections).
    Anything else (a fault of the gateway's own) is raised. Late means no answer within
    ``OPTIONAL_RPC_TIMEOUT`` (2 s by default), not the page's own ``RPC_TIMEOUT``."""
    try:
        with rpc.optional_calls():
            return call(*args)
    except KelisimError:
        return None
    except UNANSWERED as exc:  # away, unreachable or late: said, for operators
        log.warning("a part of a page was left out: %s", exc)
        return None
    except RemoteError:
        log.warning("a service failed; the page is shown without its part", exc_info=True)
        return None


def unread_count(service, actor):
    """The reader's unread inbox items (None for someone with no inbox, or when the
    notifications service does not answer or fails: the page is shown without the count,
    its inbox link kept; late: no answer within ``OPTIONAL_RPC_TIMEOUT``). Never raises."""
    if not has_inbox(actor):
        return None
    try:
        found = optional(service.notifications.unread_count, {})  # refused, away, late...
        return None if found is None else found["unread"]
    except Exception:  # any other fault: not this page's own
        log.warning("the inbox count failed; the page is shown without it", exc_info=True)
        return None


def _remember_language(response, request):
    chosen = request.args.get("lang")
    if chosen in i18n.LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_COOKIE_SECONDS, path="/",
                            samesite="Lax", httponly=True)
    return response


def language_links(request):
    """``{code: URL}``: this page in each language, its other query parameters kept (the
    measure of a map, a filter, a page number)."""
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return {code: f"{request.path}?{urlencode([*kept, ('lang', code)])}"
            for code in i18n.LANGUAGES}


def redirect(location, status=303):
    """After a handled form: the browser loads ``location`` with GET (303 See Other)."""
    return Response(status=status, headers={"Location": location})
