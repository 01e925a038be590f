"""Routes declared as class attributes: ``forward`` (one RPC call to the service behind the
gateway) and ``declare`` (any function of the service, the request and the path values).

Most of the gateway's routes check the caller and the input (``@route`` does that) and then
ask one service: ``self.<proxy>.<method>(*path values, body or query)``. Declaring them
with ``forward`` writes that call once instead of once per route::

    class ReportsRoutes:
        get_report = forward("GET", f"{API}/reports/<int:report_id>", "reports.get_report",
                             summary="Get a report", tag="reports", response=ReportSchema)

The attribute's name is the route's name (its OpenAPI ``operationId`` and metrics label).
The RPC receives the path values in the path's order, then the JSON body when the route
declares a ``body`` schema, else the query as the client sent it (``req.params``, the
service validates it again) when it declares a ``query`` schema, else nothing.
"""
import inspect

from gateway.http.routing import path_params, route


class declare:  # noqa: N801 - a declaration, named as @route is
    """A route on a class whose work is ``handler(service, req, *path values)`` (the values
    in the path's order); the other arguments are :func:`route`'s. The route takes the
    name of the attribute it is assigned to."""

    def __init__(self, method, path, handler, **route_kwargs):
        self.method, self.path, self.handler = method, path, handler
        self.route_kwargs = route_kwargs

    def __set_name__(self, owner, name):
        handler = self.handler
        order = [param for param, _ in path_params(self.path)]

        def endpoint(service, req, **path_values):
            return handler(service, req, *(path_values[param] for param in order))

        endpoint.__name__, endpoint.__module__ = name, owner.__module__
        endpoint.__signature__ = inspect.Signature(  # as a method written out would read
            [inspect.Parameter(param, inspect.Parameter.POSITIONAL_OR_KEYWORD)
             for param in ("self", "req", *order)])
        endpoint.__qualname__ = f"{owner.__qualname__}.{name}"
        endpoint.__doc__ = getattr(handler, "__doc__", None)
        setattr(owner, name, route(self.method, self.path, **self.route_kwargs)(endpoint))


def forward(method, path, target, **route_kwargs):
    """A route (see :class:`declare`) answered by one RPC: ``target`` is ``"<rpc proxy
    attribute of the service>.<rpc method>"``; it gets the path values, then the body or the
    query (the module's docstring says which)."""
    proxy, call = target.split(".")
    passes = ("body" if route_kwargs.get("body") is not None else
              "params" if route_kwargs.get("query") is not None else None)

    def forwarded(service, req, *path_values):
        extra = () if passes is None else (getattr(req, passes),)
        return getattr(getattr(service, proxy), call)(*path_values, *extra)

    forwarded.__doc__ = f"Forwarded to ``{proxy}.{call}``."
    return declare(method, path, forwarded, **route_kwargs)
