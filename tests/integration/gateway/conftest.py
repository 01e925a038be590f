"""The registry and the gateway running for real on a per-test vhost, driven over HTTP
(``start_gateway``: tests/fixtures/gateway.py)."""
import pytest


@pytest.fixture
def gateway(start_gateway):
    return start_gateway()
