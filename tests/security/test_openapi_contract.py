"""Schemathesis against the running gateway's /openapi.json, as the RGU administrator:
generated requests to every operation never get a 5xx, and every answer (errors too) has a
documented status, content type and body shape. A few examples per operation, valid and
invalid, keep it within the CI budget; each run explores other ones.

The operations are the gateway's route table, so a new route is tested without a change
here (schemathesis' own lazy pytest loader does not run on this pytest).
"""
import os
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
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


def _throwaway_account(deployment):
    made = deployment.ok("POST", "/api/v1/accounts", json={
        "login": f"contract-{uuid.uuid4().hex[:8]}@example.kz", "role": "observer",
        "display_name_kk": "Сынақ", "display_name_ru": "Тест", "send_invitation": False})
    return {"account_id": made["id"]}


def _throwaway_token(deployment):
    return {"token_id": deployment.ok("POST", "/api/v1/tokens", json={"name": "contract"})["id"]}


SPARED = {"update_account": _throwaway_account, "send_account_link": _throwaway_account,
          "revoke_token": _throwaway_token}


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
        if route.name in SPARED and case.path_parameters:
            # never the accounts and tokens the other tests act with: a throwaway one
            case.path_parameters.update(SPARED[route.name](deployment))
        response = case.call(headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS)

    keeps_contract()


# Shapes that once answered 500 (issue 11.3): text no database stores, numbers beyond every
# column and double, dates beyond the calendar. Each replaces, one at a time, every path,
# query and body value of a valid generated request. Lone surrogates go in bodies only (a
# URL cannot carry them).
HOSTILE_TEXT = ["a\x00b", "\x1b[2J", "1E+999999999", "9999-12-31T23:59:59-05:00"]
HOSTILE_BODY_VALUES = HOSTILE_TEXT + ["\ud800x", 10**30, 1e308, "1.005", [[[[["deep"]]]]]]


def hostile_variants(case):
    """(where, name, value) for every input value of ``case`` and every hostile shape."""
    for name in case.path_parameters or {}:
        yield from (("path_parameters", name, value) for value in HOSTILE_TEXT)
    for name in case.query or {}:
        yield from (("query", name, value) for value in HOSTILE_TEXT)
    if isinstance(case.body, dict):
        for name in list(case.body):
            yield from (("body", name, value) for value in HOSTILE_BODY_VALUES)


INPUT_ROUTES = [pytest.param(route, id=f"{route.method} {route.openapi_path}")
                for route in routes_of(GatewayService) if takes_input(route)]


@pytest.mark.parametrize("route", INPUT_ROUTES)
def test_hostile_values_anywhere_are_documented_problems(api_schema, deployment, route):
    operation = api_schema[route.openapi_path][route.method]
    headers = {"Authorization": f"Bearer {deployment.tokens['admin']}"}

    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    @settings(max_examples=1, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    def keeps_contract(case):
        for where, name, value in hostile_variants(case):
            inputs = getattr(case, where)
            kept = inputs[name]
            inputs[name] = value
            if route.name == "register_webhook" and name != "url" and \
                    isinstance(case.body, dict) and "url" in case.body:
                case.body["url"] = deployment.hook_url  # deliveries stay on this machine
            try:
                response = case.call(headers=headers, timeout=30)
                case.validate_response(response, checks=CHECKS)
            finally:
                inputs[name] = kept

    keeps_contract()
