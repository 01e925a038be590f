"""When a service behind the gateway is absent, late or broken: 503, 504, 500 without internals."""
from nameko.rpc import rpc

from gateway.entrypoints.service import GatewayService
from gateway.http import route
from kelisim.rpc import TimedRpcProxy
from tests.integration.gateway.helpers import API, LATE, ok, problem

SECRET = "password=hunter2 host=10.1.2.3"


class FaultyGateway(GatewayService):
    """The real gateway plus one route with a bug in it."""

    @route("GET", f"{API}/broken", summary="Fail unexpectedly", tag="test")
    def broken(self, req):
        raise RuntimeError(SECRET)


def test_an_absent_service_is_unavailable(start_gateway):
    gateway = start_gateway(registry=False)
    body = problem(gateway.get(f"{API}/regions"), 503)
    assert "registry" in body["detail"]


def test_a_stopped_service_times_out(start_gateway):
    gateway = start_gateway(RPC_TIMEOUT=LATE)
    ok(gateway.get(f"{API}/regions"))
    gateway.registry.kill()  # its queue stays: calls are accepted and never answered
    body = problem(gateway.get(f"{API}/regions"), 504)
    assert "registry" in body["detail"]
    health = problem(gateway.get("/health"), 503)
    assert health["checks"]["registry"]["ok"] is False
    assert "did not answer" in health["checks"]["registry"]["error"]


def test_a_late_service_is_named_in_the_reader_language(start_gateway):
    """The 504's detail was English in Kazakh and Russian too (built as an f-string)."""
    gateway = start_gateway(RPC_TIMEOUT=LATE)
    ok(gateway.get(f"{API}/regions"))
    gateway.registry.kill()
    kk = problem(gateway.get(f"{API}/regions", headers={"Accept-Language": "kk"}), 504)
    ru = problem(gateway.get(f"{API}/regions", headers={"Accept-Language": "ru"}), 504)
    assert (kk["title"], kk["detail"]) == ("Шлюз күту уақыты өтті",
                                           "registry қызметі 2 с ішінде жауап бермеді")
    assert (ru["title"], ru["detail"]) == ("Истекло время ожидания шлюза",
                                           "сервис registry не ответил за 2 с")


def test_an_unexpected_error_reveals_nothing(start_gateway):
    gateway = start_gateway(service=FaultyGateway)
    response = gateway.get(f"{API}/broken", headers={"X-Correlation-ID": "it-500"})
    body = problem(response, 500)
    assert body["correlation_id"] == "it-500"
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    ok(gateway.get(f"{API}/regions"))


class Projects:
    """A projects service whose listing asks the registry, as the real one asks it for
    assignees and KGUs (kelisim's timed proxy: it gives up after RPC_TIMEOUT)."""
    name = "projects"
    registry = TimedRpcProxy("registry")

    @rpc
    def list_projects(self):
        return [{"code": r["code"]} for r in self.registry.list_regions()]


def test_a_service_late_behind_another_is_a_504_in_the_reader_language(
        start_gateway, runner_factory, service_config):
    """A registry late for the projects service made the projects call fail with
    RpcTimeout, which reached the gateway as nameko's RemoteError: a 500 «unexpected»."""
    gateway = start_gateway(RPC_TIMEOUT=2 * LATE)
    projects = runner_factory(service_config("projects", "sqlite://", RPC_TIMEOUT=LATE),
                              Projects)
    projects.start()
    ok(gateway.get(f"{API}/projects"))
    gateway.registry.kill()  # its queue stays: the projects service's call is never answered
    ru = problem(gateway.get(f"{API}/projects", headers={"Accept-Language": "ru"}), 504)
    assert (ru["title"], ru["detail"]) == ("Истекло время ожидания шлюза",
                                           "сервис registry не ответил за 2 с")
    kk = problem(gateway.get(f"{API}/projects", headers={"Accept-Language": "kk"}), 504)
    assert kk["detail"] == "registry қызметі 2 с ішінде жауап бермеді"
