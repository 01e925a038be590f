"""A setting a component would refuse once running (``KELISIM_CORS_ORIGINS='*'``, a
malformed number, an unknown SMTP security, a malformed broker URI, an exporter host not of
this machine, an attachment store that does not answer) is an error at once: one line,
exit 2, as for a port in use."""
import os
import socket
import subprocess
import sys

import pytest

from tests.ops.test_ports_taken import kelisim
from tests.support import free_port

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


@pytest.mark.parametrize("command", [("serve", "projects"), ("run",)])
@pytest.mark.parametrize("host,reason", [("nohost.invalid", ""),  # the resolver's words vary
                                         ("192.0.2.1", "Cannot assign requested address")])
def test_an_exporter_host_not_of_this_machine_is_refused_in_one_line(amqp_uri, tmp_path,
                                                                     command, host, reason):
    """Before: ``socket.gaierror`` or ``OSError`` from binding the exporter, a traceback
    (``kelisim run``: before starting anything; 192.0.2.1 is TEST-NET-1, never local)."""
    port = free_port()
    proc, took = kelisim(amqp_uri, tmp_path, *command, KELISIM_METRICS_HOST=host,
                         KELISIM_PROJECTS_METRICS_PORT=str(port), KELISIM_MAX_WORKERS="1")
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert lines[0].startswith(f"kelisim: {'projects: ' if command[0] == 'serve' else ''}"
                               f"cannot listen on {host!r} port ")
    assert lines[0].endswith("); set KELISIM_METRICS_HOST to an address of this machine")
    assert f"({reason}" in lines[0]
    assert took < 60


def test_serve_refuses_a_malformed_broker_uri_in_one_line(tmp_path):
    """Before: kombu's parse error deep in nameko's start, a traceback."""
    proc, _took = kelisim("amqp://guest:secret@localhost:port/", tmp_path, "serve", "projects")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [
        "kelisim: KELISIM_AMQP_URI must be amqp://user:password@host:port/vhost or amqps://… "
        "(not shown: it may hold a password)"]


def test_serve_refuses_an_attachment_directory_it_cannot_make(amqp_uri, tmp_path):
    """Before: ``NotADirectoryError`` from the gateway's start, a traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc, _took = kelisim(amqp_uri, tmp_path, "serve", "gateway",
                          KELISIM_ATTACHMENT_DIR=str(blocker / "attachments"))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [
        f"kelisim: gateway: KELISIM_ATTACHMENT_DIR: the attachment directory "
        f"{blocker / 'attachments'} cannot be made ({blocker} is not a directory this "
        "process may write in)"]


@pytest.fixture
def silent_endpoint():
    """An S3 endpoint URL whose server accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


@pytest.mark.parametrize("command,server", [(("serve", "gateway"), "none"), (("run",), "none"),
                                            (("serve", "gateway"), "silent")])
def test_an_s3_store_that_does_not_answer_is_refused_in_one_line(amqp_uri, tmp_path, command,
                                                                 server, silent_endpoint):
    """Before: botocore's error from the gateway's start, a traceback (under ``kelisim
    run`` the rest of the platform started and stopped again); for a server that never
    answers, only after botocore's 60 s read timeout, tried four times: four minutes."""
    endpoint = silent_endpoint if server == "silent" else f"http://127.0.0.1:{free_port()}"
    proc, took = kelisim(amqp_uri, tmp_path, *command, KELISIM_ATTACHMENT_STORE="s3",
                         KELISIM_S3_ENDPOINT_URL=endpoint, KELISIM_S3_ACCESS_KEY_ID="k",
                         KELISIM_S3_SECRET_ACCESS_KEY="s")
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    error = "ReadTimeoutError" if server == "silent" else "EndpointConnectionError"
    assert lines[0].startswith(f"kelisim: gateway: the s3 attachment store at {endpoint} "
                               f"(bucket 'kelisim-attachments') cannot be used ({error}: ")
    assert lines[0].endswith("check KELISIM_S3_ENDPOINT_URL, KELISIM_S3_ACCESS_KEY_ID and "
                             "KELISIM_S3_SECRET_ACCESS_KEY")
    assert took < 45


@pytest.mark.parametrize("command", [("serve", "projects"), ("run",)])
@pytest.mark.parametrize("options", ["?heartbeat=abc", "?password=x"])
def test_broker_uri_options_kombu_cannot_read_are_refused_in_one_line(amqp_uri, tmp_path,
                                                                      command, options):
    """Before: kombu's ValueError or TypeError, a traceback (``run``: from
    ``broker_problem``, outside its ``try``)."""
    proc, _took = kelisim(amqp_uri + options, tmp_path, *command)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines()[-1:] == [
        f"kelisim: KELISIM_AMQP_URI: kombu cannot read its options "
        f"({'ValueError' if 'heartbeat' in options else 'TypeError'}; not shown: it may "
        "hold a password)"]
    assert "Traceback" not in proc.stderr


def test_serve_refuses_an_attachment_directory_name_too_long(amqp_uri, tmp_path):
    """Before: ``OSError: File name too long`` from the start check itself."""
    folder = tmp_path / ("a" * 300) / "attachments"
    proc, _took = kelisim(amqp_uri, tmp_path, "serve", "gateway",
                          KELISIM_ATTACHMENT_DIR=str(folder))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == [
        f"kelisim: gateway: KELISIM_ATTACHMENT_DIR: the attachment directory {folder} "
        "cannot be made (File name too long)"]
