"""The S3 attachment store against a real S3-compatible server on loopback: moto's
standalone server (``moto_server``, a separate process speaking the S3 HTTP API). MinIO,
what a cluster runs, is not installable from the registries this project may use; both
speak the same protocol to boto3 (path-style addressing, SHA-256 checksums).

The store on its own (put with a checksum, streamed reads, delete, listing), then a served
platform (``kelisim serve`` processes: registry, projects, gateway) configured with
``KELISIM_ATTACHMENT_STORE=s3``: an upload lands in the bucket, not on disk; the download
streams it back; a delete removes the object. Both run out of the test process, as
``kelisim serve`` runs (see s3_store_check.py for why)."""
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from gateway.adapters.repository import TokenRepository
from gateway.service_layer import tokens
from tests import attachment_samples as samples
from tests.faults.harness import ROOT
from tests.integration.gateway.helpers import API
from tests.support import free_port, on_database

pytestmark = pytest.mark.broker
HERE = Path(__file__).parent


@pytest.fixture
def s3_server(tmp_path):
    """The endpoint URL of a moto S3 server on a free loopback port."""
    port = free_port()
    log = open(tmp_path / "moto.log", "w")
    server = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")),
                               "-H", "127.0.0.1", "-p", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url, timeout=10)  # its first answer loads the S3 backend
                break
            except requests.RequestException:
                assert server.poll() is None and time.monotonic() < deadline, \
                    (tmp_path / "moto.log").read_text()
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def bucket_keys(endpoint_url, bucket):
    """Object keys of ``bucket``, read with S3's ListObjectsV2 over plain HTTP."""
    answer = requests.get(f"{endpoint_url}/{bucket}", params={"list-type": "2"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return sorted(part.split("</Key>")[0] for part in answer.text.split("<Key>")[1:])


def test_the_store_puts_streams_lists_and_deletes_objects(s3_server):
    done = subprocess.run([sys.executable, str(HERE / "s3_store_check.py"), s3_server],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "s3 store ok" in done.stdout, done.stdout + done.stderr


def test_a_served_gateway_keeps_attachments_in_the_bucket(s3_server, start_platform,
                                                          tmp_path):
    platform = start_platform(
        KELISIM_ATTACHMENT_STORE="s3", KELISIM_S3_ENDPOINT_URL=s3_server,
        KELISIM_S3_BUCKET="evidence", KELISIM_S3_ACCESS_KEY_ID="test",
        KELISIM_S3_SECRET_ACCESS_KEY="test-secret")
    who = {}
    for name, role, region in (("admin", "rgu_admin", None),
                               ("turkistan", "kgu_coordinator", "KZ-61"),
                               ("almaty", "kgu_coordinator", "KZ-75")):
        who[name] = on_database(platform.urls["gateway"], TokenRepository,
                                lambda uow, role=role, region=region, name=name: tokens.create_token(
                                    uow, role, region, name))[1]
    for component in ("registry", "projects", "gateway"):
        platform.start(component)
    platform.wait_ready("registry", "projects")
    url = f"http://{platform.env['KELISIM_GATEWAY_ADDRESS']}"

    def call(method, path, as_, **kwargs):
        return requests.request(method, url + path, timeout=30, headers={
            "Authorization": f"Bearer {who[as_]}", "Accept-Language": "en"}, **kwargs)

    deadline = time.monotonic() + 60
    while True:
        try:
            if call("GET", f"{API}/projects", "admin").status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, platform.log_tail()
        time.sleep(0.3)
    assert call("POST", f"{API}/projects/mediation/rollouts", "admin",
                json={"year": 2026, "regions": ["KZ-61"]}).status_code == 201
    task = call("GET", f"{API}/tasks", "admin", params={"region": "KZ-61", "limit": 1}).json()[
        "items"][0]
    made = call("POST", f"{API}/tasks/{task['id']}/attachments", "turkistan",
                params={"filename": "фото.png"}, data=samples.PNG)
    assert made.status_code == 201, made.text + platform.log_tail()
    made = made.json()
    assert len(bucket_keys(s3_server, "evidence")) == 1
    assert not list((tmp_path / "var").glob("attachments/??/*"))  # nothing on disk
    got = call("GET", f"{API}/attachments/{made['id']}", "turkistan")
    assert got.content == samples.PNG and got.headers["Content-Type"] == "image/png"
    assert call("GET", f"{API}/attachments/{made['id']}", "almaty").status_code == 404
    refused = call("POST", f"{API}/tasks/{task['id']}/attachments", "turkistan",
                   params={"filename": "x.pdf"}, data=samples.EXE)
    assert refused.status_code == 415 and len(bucket_keys(s3_server, "evidence")) == 1
    assert call("DELETE", f"{API}/attachments/{made['id']}", "turkistan").status_code == 200
    assert bucket_keys(s3_server, "evidence") == []
