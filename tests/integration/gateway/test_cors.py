"""CORS for the browser applications an operator names (KELISIM_CORS_ORIGINS), on a running
gateway: preflights answered with the path's methods and the headers a client sends, never
``*``, ``Vary: Origin``; no CORS at all by default."""
import pytest
import requests

from gateway.http.cors import parse_origins
from tests.integration.gateway.helpers import API

OFFICE = "https://office.example.kz"


def preflight(gateway, path, origin, method="PATCH", headers="authorization,content-type"):
    return requests.options(gateway.url + path, timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers})


def test_a_configured_origin_gets_its_preflight_answered(start_gateway):
    gateway = start_gateway(CORS_ORIGINS=f"{OFFICE}, http://localhost:5173")

    answer = preflight(gateway, f"{API}/org-units/1", OFFICE)

    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == OFFICE
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"
    assert set(answer.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "PATCH"}
    allowed = {h.lower() for h in answer.headers["Access-Control-Allow-Headers"].split(", ")}
    assert {"authorization", "content-type", "x-csrf-token", "accept-language"} <= allowed
    assert "Origin" in answer.headers["Vary"]

    read = gateway.get(f"{API}/regions", headers={"Origin": OFFICE})
    assert read.status_code == 200
    assert read.headers["Access-Control-Allow-Origin"] == OFFICE
    assert "X-Correlation-ID" in read.headers["Access-Control-Expose-Headers"]
    assert "Origin" in read.headers["Vary"]

    stranger = preflight(gateway, f"{API}/org-units/1", "https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in stranger.headers
    assert "Origin" in stranger.headers["Vary"]
    other = gateway.get(f"{API}/regions", headers={"Origin": "https://evil.example.com"})
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
    assert preflight(gateway, "/no/such/path", OFFICE).status_code == 404


def test_no_origin_is_allowed_by_default(gateway):
    answer = preflight(gateway, f"{API}/org-units/1", OFFICE)
    assert "Access-Control-Allow-Origin" not in answer.headers
    read = gateway.get(f"{API}/regions", headers={"Origin": OFFICE})
    assert "Access-Control-Allow-Origin" not in read.headers


def test_a_wildcard_or_a_malformed_origin_is_refused():
    with pytest.raises(ValueError, match="credentials"):
        parse_origins("*")
    with pytest.raises(ValueError, match="not an origin"):
        parse_origins("https://office.example.kz/app")
    assert parse_origins(" https://A.example.kz ,, http://[::1]:8080") == {
        "https://a.example.kz", "http://[::1]:8080"}
