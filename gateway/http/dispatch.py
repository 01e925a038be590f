"""One way a nameko HTTP entrypoint of the gateway hands a request to a worker, for the API
(:class:`gateway.http.routing.ApiRoute`, failures as problem+json) and for the web pages
(:class:`gateway.web.pages.PageRoute`, failures as an HTML page).

nameko's own ``check_signature`` is left out: the arguments are the request and the path
values of the route's own rule, and inspecting them cost 5% per request.
"""
from functools import partial

from eventlet.event import Event
from nameko.web.handlers import HttpRequestHandler

from gateway.http.server import ProblemWebServer
from kelisim.errors import KelisimError


class DispatchingRoute(HttpRequestHandler):
    """A route that reads the request (:meth:`prepare`), runs the method in a worker and
    answers its result; a failure before or in the worker is answered by :meth:`failure`.
    ``spec`` is what the gateway knows of the route (a RouteSpec or a PageSpec)."""

    server = ProblemWebServer()

    def __init__(self, method, url, spec=None, **kwargs):
        self.spec = spec
        kwargs.setdefault("expected_exceptions", KelisimError)
        super().__init__(method, url, **kwargs)

    def prepare(self, request):
        """Read what the worker needs off the request (the body); raise to refuse it."""

    def failure(self, exc, request, dispatched):
        """The answer to ``exc``; ``dispatched`` is False when no worker ran (the request
        was refused or the method could not be started), True when the worker raised it
        (nameko has logged it then)."""
        raise NotImplementedError

    def handle_request(self, request):
        request.shallow = False
        try:
            self.prepare(request)
            context_data = self.server.context_data_from_headers(request)
            args, kwargs = self.get_entrypoint_parameters(request)
            event = Event()
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=partial(self.handle_result, event))
        except Exception as exc:
            return self.failure(exc, request, dispatched=False)
        try:
            return self.response_from_result(event.wait())
        except Exception as exc:
            return self.failure(exc, request, dispatched=True)
