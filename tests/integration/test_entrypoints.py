"""kelisim.entrypoints.use_case: a one-line RPC method behaves as the three-line one it
replaced, over the real broker (a nameko container on this test's vhost)."""
import pytest
from nameko.exceptions import IncorrectSignature

from kelisim.entrypoints import handing_to, use_case
from kelisim.errors import NotFound


def echo_case(uow, registry, code, query=None, today="never from a caller"):
    """Echo what it was given."""
    return {"uow": uow, "registry": registry, "code": code, "query": query, "today": today}


def missing_case(uow, code):
    raise NotFound(f"no {code}")


class EchoService:
    name = "echo"
    uow = "the unit of work"
    registry = "the registry"

    echo = use_case(echo_case, "code", needs=("registry",), query={})
    echo_as_given = use_case(echo_case, "code", needs=("registry",), query=None)
    missing = use_case(missing_case, "code")


@pytest.fixture
def echo_service(container_factory, amqp_uri):
    container = container_factory(EchoService, {"AMQP_URI": amqp_uri, "serializer": "json"})
    container.start()
    yield
    container.kill()


def test_the_use_case_gets_the_unit_of_work_the_dependencies_and_the_arguments(echo_service, rpc):
    with rpc("echo") as echo_rpc:
        assert echo_rpc.echo("c1") == {"uow": "the unit of work", "registry": "the registry",
                                       "code": "c1", "query": {}, "today": "never from a caller"}
        assert echo_rpc.echo("c2", None)["query"] == {}  # None: the default, as ``query or {}``
        assert echo_rpc.echo(code="c3", query={"a": 1})["query"] == {"a": 1}
        assert echo_rpc.echo_as_given("c4")["query"] is None


def test_a_call_with_other_arguments_is_an_incorrect_signature(echo_service, rpc):
    with rpc("echo") as echo_rpc:
        for args, kwargs in (((), {}), (("c", {}, "today"), {}), (("c",), {"today": "x"})):
            with pytest.raises(IncorrectSignature):  # nameko's, before the use case runs
                echo_rpc.echo(*args, **kwargs)


def test_an_expected_error_reaches_the_caller_as_itself(echo_service, rpc):
    with rpc("echo") as echo_rpc, pytest.raises(NotFound, match="no p-9"):
        echo_rpc.missing("p-9")


def test_the_method_keeps_the_use_cases_name_and_docstring():
    assert EchoService.echo.__doc__ == "Echo what it was given."
    assert EchoService.echo.__name__ == "echo_case"


def test_a_handler_handing_to_a_method_handles_that_event_with_its_options():
    class Service:
        name = "service"
        on_task_assigned = handing_to("_take", "projects", "task_assigned", batch=5)

        def _take(self, events):
            return ["took", events]

    (entrypoint,) = Service.on_task_assigned.nameko_entrypoints
    assert (entrypoint.source_service, entrypoint.event_type, entrypoint.batch) == (
        "projects", "task_assigned", 5)
    assert Service().on_task_assigned(["envelope"]) == ["took", ["envelope"]]
