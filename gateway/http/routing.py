"""``@route``: a nameko HTTP entrypoint that also describes itself for OpenAPI.

The decorated method receives an :class:`ApiRequest` (caller checked, input validated)
and returns data, which is sent as JSON with the route's status, or a ready Response.
"""
import functools
import inspect
import logging
import re
from dataclasses import dataclass

from marshmallow import Schema
from werkzeug.wrappers import Response

from gateway.http.cache import CACHE_LOOKUPS
from gateway.http.dispatch import DispatchingRoute
from gateway.http.localise import localised_json
from gateway.http.problems import problem_for
from gateway.http.request import DEFAULT_MAX_BYTES, ApiRequest, read_body
from gateway.http.responses import json_response, problem_response
from gateway.http.server import correlation_id_of, language_of
from gateway.service_layer.names import attach_names
from kelisim.errors import KelisimError
from kelisim.metrics import child

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PATH_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RouteSpec:
    """Everything the gateway knows about one route, for dispatch and for OpenAPI."""

    method: str
    path: str
    name: str
    summary: str
    tag: str
    query: type[Schema] = None
    body: type[Schema] = None
    response: type[Schema] = None
    many: bool = False
    status: int = 200
    writes: bool = False
    auth: bool = True
    roles: tuple = None
    produces: str | tuple = "application/json"  # several: the answer is one of them
    problems: tuple = ()
    cached: bool = False
    personal: bool = False  # a write on the caller's own session or tokens: observers too
    names: bool = False  # actor ids in the answer get the person's name and org unit beside
    stream: bool = False  # the route reads the raw body itself, a chunk at a time (uploads)

    @property
    def path_params(self):
        """``[(name, converter)]`` of the werkzeug path, e.g. ``[("unit_id", "int")]``."""
        return path_params(self.path)

    @property
    def openapi_path(self):
        """``/org-units/<int:unit_id>`` -> ``/org-units/{unit_id}``."""
        return _PATH_PARAM.sub(lambda m: "{" + m["name"] + "}", self.path)


def path_params(path):
    """``[(name, converter)]`` of a werkzeug path in its order: ``"/a/<int:a_id>/<code>"``
    -> ``[("a_id", "int"), ("code", "string")]``."""
    return [(m["name"], m["converter"] or "string") for m in _PATH_PARAM.finditer(path)]


class ApiRoute(DispatchingRoute):
    """An API route: the body read (bounded) unless the route streams it; a failure is
    answered as an RFC 7807 problem (application/problem+json) in the caller's language."""

    def prepare(self, request):
        if not (self.spec is not None and self.spec.stream):
            read_body(request, int(self.container.config.get("MAX_REQUEST_BYTES",
                                                              DEFAULT_MAX_BYTES)))

    def failure(self, exc, request, dispatched):
        if not dispatched and not isinstance(exc, KelisimError):
            log.exception("%s %s could not be dispatched", request.method, request.path)
        return self.problem_from_exception(exc, request)

    def problem_from_exception(self, exc, request):
        return problem_response(problem_for(exc, language_of(request)), request.path,
                                correlation_id_of(request))


def route(method, path, *, summary, tag, query=None, body=None, response=None, many=False,
          status=200, writes=None, auth=True, roles=None, produces="application/json",
          problems=(), cached=False, personal=False, names=False, stream=False):
    """Declare an HTTP route of a gateway service; the service needs an ``auth`` BearerAuth
    and a ``read_cache`` (gateway/http/cache.py). A ``cached`` route's answers are served
    from it; every write route drops it. A ``names`` route's answer gets names beside its
    actor ids (gateway/service_layer/names.py). A ``stream`` route gets the body unread
    (``req.http.environ["wsgi.input"]``), for uploads larger than ``MAX_REQUEST_BYTES``."""
    def decorate(fn):
        spec = RouteSpec(
            method=method, path=path, name=fn.__name__, summary=summary, tag=tag, query=query,
            body=body, response=response, many=many, status=status,
            writes=method in WRITE_METHODS if writes is None else writes, auth=auth,
            roles=tuple(roles) if roles else None, produces=produces,
            problems=tuple(problems), cached=cached, personal=personal, names=names,
            stream=stream)

        @functools.wraps(fn)
        def endpoint(service, request, **path_values):
            actor = service.auth.require(spec)
            if spec.cached:
                key = (spec.name, tuple(sorted(path_values.items())), request.query_string,
                       actor["role"], actor.get("region"), language_of(request))
                body = _cached_answer(service.read_cache, spec, key, request)
                if body is not None:
                    return json_response(body, spec.status)
                generation = service.read_cache.generation
            try:
                result = fn(service, ApiRequest.parse(request, spec, actor), **path_values)
            finally:
                if spec.writes:  # even a failed write may have changed something (a timeout)
                    service.read_cache.invalidate()
            if isinstance(result, Response):
                return result
            if spec.names:
                result = attach_names(service.uow, result)
            body = localised_json(result, language_of(request))
            if spec.cached:
                service.read_cache.put(key, generation, body)
            return json_response(body, spec.status)

        endpoint.route_spec = spec
        return ApiRoute.decorator(method, path, spec=spec)(endpoint)

    return decorate


def _cached_answer(cache, spec, key, request):
    """The cached body for ``key``, or None; counted. A client may ask for a fresh answer,
    as HTTP has it (``Cache-Control: no-cache``), which is then kept."""
    if "no-cache" in request.headers.get("Cache-Control", ""):
        body, outcome = None, "bypass"
    else:
        body = cache.get(key)
        outcome = "miss" if body is None else "hit"
    child(CACHE_LOOKUPS, spec.name, outcome).inc()
    return body


def routes_of(service_cls):
    """The routes a service class declares, in path order."""
    specs = [member.route_spec for _, member in inspect.getmembers(service_cls)
             if hasattr(member, "route_spec")]
    return sorted(specs, key=lambda spec: (spec.path, spec.method))
