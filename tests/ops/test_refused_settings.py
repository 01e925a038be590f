"""A setting a component would refuse once running (``KELISIM_CORS_ORIGINS='*'``, a
malformed number, an unknown SMTP security) is an error at once, before any connection:
one line, exit 2, as for a port in use."""
import os
import subprocess
import sys

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


def test_serve_refuses_a_malformed_number_in_one_line(amqp_uri, tmp_path):
    """Before: ``float('soon')`` deep in nameko_config, a traceback and exit 1."""
    proc, took = kelisim(amqp_uri, tmp_path, "serve", "gateway",
                         KELISIM_OPTIONAL_RPC_TIMEOUT="soon")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [
        "kelisim: KELISIM_OPTIONAL_RPC_TIMEOUT must be a positive number of seconds, "
        "not 'soon'"]
    assert took < 30


def test_serve_notifications_refuses_an_unknown_smtp_security(amqp_uri, tmp_path):
    """Before: taken, and mail went out without TLS (neither ``tls`` nor ``starttls``)."""
    proc, _took = kelisim(amqp_uri, tmp_path, "serve", "notifications",
                          KELISIM_SMTP_HOST="smtp.example.kz", KELISIM_SMTP_SECURITY="ssl")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [
        "kelisim: notifications: KELISIM_SMTP_SECURITY must be one of starttls, tls, none, "
        "not 'ssl'"]


def test_run_refuses_a_service_setting_before_starting_anything(amqp_uri, tmp_path):
    """Before: the pool size reached SQLAlchemy in ``prepare``, a traceback, exit 1."""
    proc, _took = kelisim(amqp_uri, tmp_path, "run", KELISIM_DB_POOL_SIZE="ten")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [
        "kelisim: KELISIM_DB_POOL_SIZE must be a whole number, at least 1, not 'ten'"]
    assert not (tmp_path / "var").exists()


def test_the_serve_module_itself_refuses_in_one_line(amqp_uri, tmp_path):
    """``kelisim run`` starts each component as ``python -m kelisim_platform.cli.serve``,
    not through the ``kelisim`` command: that entry refuses the same way."""
    environment = dict(os.environ, KELISIM_AMQP_URI=amqp_uri,
                       KELISIM_DATA_DIR=str(tmp_path / "var"), KELISIM_MAX_WORKERS="many")
    proc = subprocess.run([sys.executable, "-m", "kelisim_platform.cli.serve", "projects"],
                          env=environment, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr  # (eventlet's deprecation warning comes first)
    assert proc.stderr.splitlines()[-1] == (
        "kelisim: KELISIM_MAX_WORKERS must be a whole number, at least 1, not 'many'")
