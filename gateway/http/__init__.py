"""A small HTTP framework over nameko's ``@http``: routes that describe themselves,
bearer-token auth, RFC 7807 problems, bounded JSON input, request metrics, OpenAPI."""
from gateway.http.auth import BearerAuth
from gateway.http.forward import declare, forward
from gateway.http.openapi import build_openapi
from gateway.http.routing import RouteSpec, route, routes_of
from gateway.http.rpc import TimedRpcProxy

__all__ = ["BearerAuth", "RouteSpec", "TimedRpcProxy", "build_openapi", "declare", "forward", "route", "routes_of"]
