"""A setting the gateway would refuse once running (``KELISIM_CORS_ORIGINS='*'``) is an
error at once, before any connection: one line, exit 2, as for a port in use."""
import pytest

from tests.ops.test_ports_taken import kelisim

pytestmark = pytest.mark.broker

STAR = ("kelisim: gateway: KELISIM_CORS_ORIGINS may not be '*': the gateway answers with "
        "credentials (the session cookie); list the origins")


def test_serve_gateway_refuses_a_star_origin_in_one_line(amqp_uri, tmp_path):
    proc, took = kelisim(amqp_uri, tmp_path, "serve", "gateway", KELISIM_CORS_ORIGINS="*")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [STAR]
    assert took < 30


def test_run_refuses_a_malformed_origin_before_starting_anything(amqp_uri, tmp_path):
    proc, _took = kelisim(amqp_uri, tmp_path, "run",
                          KELISIM_CORS_ORIGINS="https://a.kz/path")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [
        "kelisim: gateway: KELISIM_CORS_ORIGINS: 'https://a.kz/path' is not an origin "
        "(scheme://host[:port], no path)"]
    assert not (tmp_path / "var").exists()
