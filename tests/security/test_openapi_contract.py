"""Schemathesis against the running gateway's /openapi.json, as the RGU administrator:
generated requests to every operation never get a 5xx, and every answer (errors too) has a
documented status, content type and body shape. A few examples per operation, valid and
invalid, keep it within the CI budget; each run explores other ones.

The operations are the gateway's route table, so a new route is tested without a change
here (schemathesis' own lazy pytest loader does not run on this pytest).
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.entrypoints.service import GatewayService
from gateway.http import routes_of

pytestmark = [pytest.mark.broker, pytest.mark.security]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# examples per operation and mode; the default keeps the module near a minute. A deeper run:
# KELISIM_SCHEMATHESIS_EXAMPLES=50 .venv/bin/pytest tests/security/test_openapi_contract.py
EXAMPLES = int(os.environ.get("KELISIM_SCHEMATHESIS_EXAMPLES", 4))


@pytest.fixture(scope="module")
def api_schema(deployment):
    return schemathesis.openapi.from_url(f"{deployment.url}/openapi.json")


def takes_input(route):
    return bool(route.path_params) or route.query is not None or route.body is not None


# valid input for every operation; invalid input where there is any input to spoil
CASES = [pytest.param(route, mode, id=f"{mode.value}-{route.method} {route.openapi_path}")
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         for route in routes_of(GatewayService)
         if mode is GenerationMode.POSITIVE or takes_input(route)]


@pytest.mark.parametrize(("route", "mode"), CASES)
def test_every_operation_keeps_its_contract(api_schema, deployment, route, mode):
    operation = api_schema[route.openapi_path][route.method]
    headers = {"Authorization": f"Bearer {deployment.tokens['admin']}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def keeps_contract(case):
        if route.name == "register_webhook" and isinstance(case.body, dict) \
                and isinstance(case.body.get("url"), str):
            case.body["url"] = deployment.hook_url  # deliveries stay on this machine
        response = case.call(headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS)

    keeps_contract()


# Shapes that once answered 500 (issue 11.3): text no database stores, numbers beyond every
# column and double, dates beyond the calendar, a formula; one of them replaces one value of
# an otherwise valid request. Lone surrogates go in bodies only (a URL cannot carry them).
HOSTILE_TEXT = ["a\x00b", "\x1b[2J", "ab\x7f\x08", "1E+999999999", "1e30", "-1E+999999999",
                "9999-12-31T23:59:59-05:00", "0001-01-01", "NaN", "Infinity", "1.005",
                '=HYPERLINK("http://x/"&A1,"x")']
HOSTILE_BODY_VALUES = HOSTILE_TEXT + ["\ud800x", "x\udfff", 10**30, -(10**30), 1e308,
                                      [[[[["deep"]]]]], {"a": {"b": {"c": None}}}]


@st.composite
def hostile_cases(draw, operation):
    """A valid request of ``operation`` with one path, query or body value made hostile."""
    case = draw(operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    places = [("path", name) for name in (case.path_parameters or {})]
    places += [("query", name) for name in (case.query or {})]
    if isinstance(case.body, dict):
        places += [("body", name) for name in case.body]
    if places:
        where, name = draw(st.sampled_from(places))
        if where == "path":
            case.path_parameters[name] = draw(st.sampled_from(HOSTILE_TEXT))
        elif where == "query":
            case.query[name] = draw(st.sampled_from(HOSTILE_TEXT))
        else:
            case.body[name] = draw(st.sampled_from(HOSTILE_BODY_VALUES))
    return case


INPUT_ROUTES = [pytest.param(route, id=f"{route.method} {route.openapi_path}")
                for route in routes_of(GatewayService) if takes_input(route)]


@pytest.mark.parametrize("route", INPUT_ROUTES)
def test_hostile_values_anywhere_are_documented_problems(api_schema, deployment, route):
    operation = api_schema[route.openapi_path][route.method]
    headers = {"Authorization": f"Bearer {deployment.tokens['admin']}"}

    @given(case=hostile_cases(operation))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def keeps_contract(case):
        if route.name == "register_webhook" and isinstance(case.body, dict) \
                and isinstance(case.body.get("url"), str) and "url" in case.body:
            case.body["url"] = deployment.hook_url
        response = case.call(headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS)

    keeps_contract()
