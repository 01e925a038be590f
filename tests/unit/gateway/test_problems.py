import json
from types import SimpleNamespace

import eventlet
import pytest
from nameko.exceptions import RemoteError, UnknownService, deserialize, serialize
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound

from gateway.errors import (
    MalformedRequest,
    PayloadTooLarge,
    ServiceUnavailable,
    Unauthorized,
    UnsupportedMediaType,
    UpstreamTimeout,
)
from gateway.http.problems import INTERNAL_DETAIL, problem_for
from gateway.http.responses import problem_response
from gateway.http.rpc import TimedRpcProxy
from gateway.http.server import correlation_id_from
from kelisim.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from kelisim.events.publisher import NotConfirmed
from kelisim.rpc import RpcTimeout, TimedServiceProxy


def over_rpc(exc):
    """What the gateway receives when a service raises ``exc``."""
    return deserialize(json.loads(json.dumps(serialize(exc))))


@pytest.mark.parametrize("exc, status, type_", [
    (NotFound("org unit 5 not found"), 404, "urn:kelisim:problem:not-found"),
    (Conflict("code taken", {"code": "already exists"}), 409, "urn:kelisim:problem:conflict"),
    (StaleVersion("at version 2", {"version": "current version is 2"}), 409,
     "urn:kelisim:problem:stale-version"),
    (Invalid("bad", {"name_kk": "required"}), 422, "urn:kelisim:problem:invalid"),
    (Forbidden("observers cannot change anything"), 403, "urn:kelisim:problem:forbidden"),
])
def test_service_errors_keep_status_type_detail_and_fields_across_rpc(exc, status, type_):
    received = over_rpc(exc)
    assert type(received) is type(exc)
    problem = problem_for(received, "en")
    assert (problem.status, problem.type, problem.detail) == (status, type_, exc.detail)
    assert problem.errors == (exc.errors or None)


def test_a_422_always_has_an_errors_map():
    assert problem_for(Invalid("bad")).errors == {}


@pytest.mark.parametrize("exc, status", [
    (MalformedRequest("not JSON"), 400), (PayloadTooLarge("too big"), 413),
    (UnsupportedMediaType("not JSON"), 415), (ServiceUnavailable("down"), 503),
    (UpstreamTimeout("late"), 504), (UnknownService("projects"), 503),
])
def test_gateway_errors_have_their_status(exc, status):
    assert problem_for(exc).status == status


def test_a_broker_that_cannot_be_reached_is_a_503_not_a_500():
    """kombu's error when the broker is down or restarting (seen under the security tests
    while another run restarted RabbitMQ: GET /api/v1/reports answered 500)."""
    from kombu.exceptions import OperationalError
    problem = problem_for(OperationalError("[Errno 111] ECONNREFUSED"), "ru")
    assert problem.status == 503 and problem.type.endswith("service-unavailable")
    assert "брокер" in problem.detail and "ECONNREFUSED" not in problem.detail


BROKER_WORDS = "1 messages not confirmed by the broker within 10 s (amqp://10.0.0.5:5672)"


def _late(timeout_error, confirmed=True):
    """What a timed proxy raises for a ``ping`` of the registry sent and never answered
    within 0.05 s, or (``confirmed=False``) that the broker did not confirm."""
    def call_async(*args, **kwargs):
        if not confirmed:
            raise NotConfirmed(BROKER_WORDS)
        return SimpleNamespace(result=lambda: eventlet.sleep(5))

    calls = TimedServiceProxy(SimpleNamespace(ping=SimpleNamespace(call_async=call_async)),
                              "registry", 0.05, timeout_error)
    with pytest.raises(timeout_error) as raised:
        calls.ping()
    return raised.value


@pytest.mark.parametrize("lang, title, detail", [
    ("kk", "Шлюз күту уақыты өтті", "registry қызметі 0.05 с ішінде жауап бермеді"),
    ("ru", "Истекло время ожидания шлюза", "сервис registry не ответил за 0.05 с"),
    ("en", "Gateway timeout", "the registry service did not answer within 0.05 s"),
], ids=("kk", "ru", "en"))
def test_a_late_service_is_a_504_in_the_reader_language(lang, title, detail):
    """The gateway's 504 was English in every language (an f-string the catalogue could
    not find); its English text is still the error's, for the log."""
    late = _late(TimedRpcProxy.timeout_error)
    problem = problem_for(late, lang)
    assert (problem.status, problem.title, problem.detail) == (504, title, detail)
    assert str(late) == "the registry service did not answer within 0.05 s"


@pytest.mark.parametrize("lang, words", [
    ("kk", "хабарлама брокері registry қызметіне жіберілген сұрауды растамады"),
    ("ru", "брокер сообщений не подтвердил вызов сервиса registry"),
    ("en", "the message broker did not confirm the call of the registry service"),
], ids=("kk", "ru", "en"))
def test_a_call_the_broker_did_not_confirm_is_a_504_in_the_reader_language(lang, words):
    """Its detail was English, with the publisher's own words in it; they are the
    error's cause now, for the log only."""
    unconfirmed = _late(TimedRpcProxy.timeout_error, confirmed=False)
    problem = problem_for(unconfirmed, lang)
    assert problem.status == 504 and problem.detail.startswith(words)
    body = json.dumps(problem.body("/api/v1/regions", "c"), ensure_ascii=False)
    assert "10.0.0.5" not in body and "not confirmed by" not in body
    assert str(unconfirmed.__cause__) == BROKER_WORDS
    assert str(unconfirmed).startswith("the message broker did not confirm the call of the "
                                       "registry service: it may have run")


def test_a_service_still_meets_an_rpc_timeout_it_can_log():
    """The services' own timed proxies (kelisim.rpc) raise RpcTimeout, retried and logged
    by its English text."""
    late = _late(RpcTimeout)
    assert str(late) == "the registry service did not answer within 0.05 s"
    assert repr(late) == "RpcTimeout('the registry service did not answer within 0.05 s')"
    assert isinstance(_late(RpcTimeout, confirmed=False), RpcTimeout)


def test_an_absent_service_is_named():
    assert "projects" in problem_for(UnknownService("projects")).detail


def test_unauthorized_challenges_for_a_bearer_token():
    assert problem_for(Unauthorized("no token")).headers == {
        "WWW-Authenticate": 'Bearer realm="kelisim"'}
    assert 'error="invalid_token"' in problem_for(
        Unauthorized("revoked", invalid_token=True)).headers["WWW-Authenticate"]


def test_routing_errors_become_problems():
    assert problem_for(RouteNotFound()).status == 404
    problem = problem_for(MethodNotAllowed(valid_methods=["GET", "HEAD"]))
    assert problem.status == 405 and problem.headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("exc", [
    RuntimeError("password=hunter2 at /srv/app/db.py line 3"),
    RemoteError("OperationalError", "could not connect to server at 10.0.0.5"),
])
def test_unexpected_errors_reveal_nothing(exc):
    problem = problem_for(exc, "en")
    assert problem.status == 500 and problem.detail == INTERNAL_DETAIL.render("en")
    body = json.dumps(problem.body("/x", "c-1"))
    assert "hunter2" not in body and "10.0.0.5" not in body and "Error" not in problem.detail


def test_problem_document_fields_and_media_type():
    response = problem_response(problem_for(Invalid("Қате өріс", {"name_kk": "міндетті"}), "en"),
                                "/api/v1/org-units", "corr-1")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json; charset=utf-8"
    assert json.loads(response.get_data()) == {
        "type": "urn:kelisim:problem:invalid", "title": "Unprocessable entity", "status": 422,
        "detail": "Қате өріс", "instance": "/api/v1/org-units", "correlation_id": "corr-1",
        "errors": {"name_kk": "міндетті"}}
    assert "міндетті".encode() in response.get_data()


def test_extra_members_never_override_the_standard_ones():
    problem = problem_for(ServiceUnavailable("failing: projects",
                                             extra={"status": "bad", "checks": {"x": 1}}))
    body = problem.body("/health", "c")
    assert body["status"] == 503 and body["checks"] == {"x": 1}


@pytest.mark.parametrize("given, kept", [
    ("req-42", True), ("0b6f8a8e-7c1e-4a59-9d7e-3f1a2b3c4d5e", True),
    ("x" * 65, False), ("bad id", False), ("<script>", False), ("", False), (None, False),
])
def test_correlation_ids_are_kept_only_when_sane(given, kept):
    result = correlation_id_from(given)
    assert (result == given) is kept
    assert 1 <= len(result) <= 64
