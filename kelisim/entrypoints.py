"""RPC entrypoints that only hand their arguments to a use case, declared in one line.

Most of a service's RPC methods were the same three lines::

    @expected
    def get_plan(self, plan_id):
        return plans.get_plan(self.uow, plan_id)

``use_case`` writes that method once: ``get_plan = use_case(plans.get_plan, "plan_id")``.
The method nameko binds has the named parameters (so a call with the wrong arguments is
still nameko's ``IncorrectSignature``), is ``@expected``, and calls the use case with the
service's unit of work, then the service's dependencies named in ``needs``, then the
caller's arguments in order. An entrypoint with more to do than that stays a method.
"""
import copy
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from kelisim.errors import KelisimError
from kelisim.rpc import rpc

# an RPC entrypoint whose KelisimError is the caller's problem, not the service's failure
expected = rpc(expected_exceptions=KelisimError)

_POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD


def use_case(function: Callable[..., Any], *params: str, needs: Iterable[str] = (),
             **optional: Any) -> Callable[..., Any]:
    """An ``@expected`` RPC method calling ``function(self.uow, *needs, *params, *optional)``.

    ``params``: the caller's required arguments, by name, in ``function``'s order after the
    unit of work and ``needs`` (attribute names of the service: ``"registry"``,
    ``"directory"``). ``optional``: the caller's optional arguments after them, name →
    the value passed when the caller gives none or None (copied per call, so ``query={}``
    is safe). The method's ``__doc__`` is ``function``'s. Errors: whatever ``function``
    raises; nameko answers a call with other arguments with ``IncorrectSignature``.
    """
    needs = tuple(needs)
    signature = inspect.Signature(
        [inspect.Parameter("self", _POSITIONAL)]
        + [inspect.Parameter(name, _POSITIONAL) for name in params]
        + [inspect.Parameter(name, _POSITIONAL, default=None) for name in optional])

    def entrypoint(self: Any, *args: Any, **kwargs: Any) -> Any:
        given = signature.bind(self, *args, **kwargs).arguments
        values = [given[name] for name in params]
        values += [copy.copy(default) if given.get(name) is None else given[name]
                   for name, default in optional.items()]
        return function(self.uow, *(getattr(self, name) for name in needs), *values)

    entrypoint.__signature__ = signature  # type: ignore[attr-defined]  # read by inspect
    entrypoint.__name__ = entrypoint.__qualname__ = function.__name__
    entrypoint.__doc__ = function.__doc__
    decorated: Callable[..., Any] = expected(entrypoint)
    return decorated


def handing_to(method: str, source: str, event_type: str, **options: Any) -> Callable[..., Any]:
    """An event handler, ``@on_event(source, event_type, **options)`` (kelisim/events/handler.py),
    that hands what it receives (an Envelope, or a list of them with ``batch``) to the
    service's own ``method`` (its name) and answers what that returns. For the handlers
    that differ only in the event they take:
    ``on_task_assigned = handing_to("_notify", "projects", "task_assigned", batch=BATCH)``.
    """
    from kelisim.events.handler import on_event

    def handler(self: Any, received: Any) -> Any:
        return getattr(self, method)(received)

    handler.__name__ = handler.__qualname__ = f"{source}_{event_type}_to{method}"
    handler.__doc__ = f"``{source}``'s ``{event_type}`` events, handed to ``{method}``."
    decorated: Callable[..., Any] = on_event(source, event_type, **options)(handler)
    return decorated
