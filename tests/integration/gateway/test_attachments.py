"""Evidence documents through the gateway, with registry, projects and reports running on a
per-test vhost: uploads judged by content, size-limited and streamed, served only to those
who may read the record (as the record itself), deleted by those who may change it, every
change in the owner's audit trail; a deliverable task is done only with an attachment."""
import hashlib
import os

import pytest

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data
from services.reports.adapters.repository import ReportsRepository
from services.reports.domain.periods import kz_today
from services.reports.entrypoints.service import ReportsService
from services.reports.service_layer.register import load_reference_kinds
from tests import attachment_samples as samples
from tests.integration.gateway.helpers import API, as_documented, kgu_id, ok, problem
from tests.support_reports import mediation_template

pytestmark = pytest.mark.broker
LIMIT = 64 * 1024


@pytest.fixture
def platform(start_gateway, runner_factory, service_config, migrated, session_factory, start,
             tmp_path):
    """(gateway, reports container, attachment directory)."""
    directory = tmp_path / "attachments"
    gateway = start_gateway(MAX_REQUEST_BYTES=262_144, READ_CACHE_SECONDS=0, ATTACHMENTS={
        "max_bytes": LIMIT, "store": "file", "directory": str(directory), "s3": {}})
    url = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}")
    load_reference_data(UnitOfWork(session_factory(url), Context(), ProjectsRepository))
    runner_factory(service_config("projects", url), ProjectsService).start()
    reports_url = migrated("reports", f"sqlite:///{tmp_path / 'reports.db'}")
    load_reference_kinds(UnitOfWork(session_factory(reports_url), Context(), ReportsRepository))
    reports = start(ReportsService, reports_url, REPORTS_JOB_EAGER=False)
    ok(gateway.post(f"{API}/projects/mediation/rollouts",
                    {"year": 2026, "regions": ["KZ-61", "KZ-75"]}), 201)
    return gateway, reports, directory


def upload(gateway, path, data, filename="protocol.pdf", who="turkistan", headers=None):
    return gateway.request("POST", path, who, params={"filename": filename}, data=data,
                           headers={"Content-Type": "application/octet-stream",
                                    **(headers or {})})


def a_task(gateway, region="KZ-61"):
    page = ok(gateway.get(f"{API}/tasks", params={"region": region, "limit": 1}))
    return page["items"][0]


def stored_files(directory):
    return sorted(p.name for p in directory.glob("??/*"))


def test_a_task_attachment_is_checked_stored_served_and_deleted(platform):
    gateway, _reports, directory = platform
    task = a_task(gateway)
    path = f"{API}/tasks/{task['id']}/attachments"
    made = ok(upload(gateway, path, samples.PDF, "../Хаттама №3.pdf"), 201)
    assert made["media_type"] == "application/pdf" and made["size"] == len(samples.PDF)
    assert made["sha256"] == hashlib.sha256(samples.PDF).hexdigest()
    assert made["filename"] == "Хаттама №3.pdf" and made["owner_kind"] == "task"
    assert made["uploaded_by"] and made["region_code"] == "KZ-61"
    assert len(stored_files(directory)) == 1

    assert [a["id"] for a in ok(gateway.get(path, who="turkistan"))] == [made["id"]]
    assert ok(gateway.get(path, who="observer"))[0]["sha256"] == made["sha256"]
    problem(gateway.get(path, who="almaty"), 404)  # as GET /tasks/{id} is for Almaty

    got = gateway.get(f"{API}/attachments/{made['id']}", who="turkistan")
    assert got.status_code == 200 and got.content == samples.PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"] == (
        "attachment; filename=\"Khattama No3.pdf\"; filename*=UTF-8''"
        "%D0%A5%D0%B0%D1%82%D1%82%D0%B0%D0%BC%D0%B0%20%E2%84%963.pdf")
    assert got.headers["ETag"] == f'"{made["sha256"]}"'
    problem(gateway.get(f"{API}/attachments/{made['id']}", who="almaty"), 404)
    problem(gateway.get(f"{API}/attachments/999999", who="turkistan"), 404)

    problem(upload(gateway, path, samples.PDF, who="observer"), 403)
    problem(upload(gateway, path, samples.PDF, who="almaty"), 404)
    problem(gateway.request("DELETE", f"{API}/attachments/{made['id']}", who="almaty"), 404)
    problem(gateway.request("DELETE", f"{API}/attachments/{made['id']}", who="observer"), 403)
    assert len(stored_files(directory)) == 1

    history = ok(gateway.get(f"{API}/tasks/{task['id']}/history"))["items"]
    assert history[0]["action"] == "attach"
    assert history[0]["changes"]["attachment"][1]["sha256"] == made["sha256"]
    assert ok(gateway.request("DELETE", f"{API}/attachments/{made['id']}",
                              who="turkistan")) == {"removed": made["id"]}
    problem(gateway.get(f"{API}/attachments/{made['id']}", who="turkistan"), 404)
    assert stored_files(directory) == [] and ok(gateway.get(path)) == []
    detached = ok(gateway.get(f"{API}/tasks/{task['id']}/history"))["items"][0]
    assert detached["action"] == "detach" and detached["actor_id"] == history[0]["actor_id"]


def test_content_decides_size_is_bounded_and_a_refusal_keeps_nothing(platform):
    gateway, _reports, directory = platform
    path = f"{API}/tasks/{a_task(gateway)['id']}/attachments"
    for lang, word in (("en", "not accepted"), ("ru", "не принимается"),
                       ("kk", "қабылданбайды")):
        refused = problem(upload(gateway, path, samples.EXE, "act.pdf",
                                 headers={"Accept-Language": lang}), 415)
        assert word in refused["detail"] and refused["type"].endswith("unsupported-media-type")
    problem(upload(gateway, path, samples.ELF, "photo.jpg"), 415)
    problem(upload(gateway, path, samples.plain_zip(), "report.docx"), 415)
    big = problem(upload(gateway, path, b"%PDF-1.4\n" + b"0" * LIMIT), 413)
    assert str(LIMIT) in big["detail"]
    # no Content-Length (chunked): counted while it streams
    chunks = (b"%PDF-1.4\n" + b"0" * 8191 for _ in range(10))
    problem(upload(gateway, path, chunks), 413)
    assert stored_files(directory) == [] and ok(gateway.get(path)) == []
    assert [p for p in (directory / ".incoming").iterdir()] == []
    for data, media_type in ((samples.PNG, "image/png"), (samples.xlsx(), None),
                             (samples.TEXT, "text/plain")):
        made = ok(upload(gateway, path, data, "evidence"), 201)
        assert media_type is None or made["media_type"] == media_type
    text = ok(gateway.get(path))[-1]
    got = gateway.get(f"{API}/attachments/{text['id']}")
    assert got.headers["Content-Type"].startswith("text/plain") and got.content == samples.TEXT
    assert got.headers["Content-Disposition"].startswith('attachment; filename="evidence.txt"')


def test_a_download_comes_as_the_type_it_was_stored_as_and_the_api_documents_it(platform):
    """An attachment is served with its own media type (a PNG as image/png, a workbook as
    XLSX), and /openapi.json lists every type a download may come as: it listed only
    application/octet-stream, and the contract tests failed on the first PNG they read."""
    gateway, _reports, _directory = platform
    path = f"{API}/tasks/{a_task(gateway)['id']}/attachments"
    for data, media_type in ((samples.PNG, "image/png"), (samples.TEXT, "text/plain"),
                             (samples.xlsx(), "application/vnd.openxmlformats-officedocument."
                                              "spreadsheetml.sheet")):
        made = ok(upload(gateway, path, data, "evidence"), 201)
        got = gateway.get(f"{API}/attachments/{made['id']}")
        assert got.status_code == 200 and got.content == data
        assert as_documented(gateway, got, "GET", f"{API}/attachments/{{attachment_id}}") \
            == media_type


def test_a_deliverable_task_is_done_only_with_an_attachment(platform):
    gateway, _reports, _directory = platform
    plan = ok(gateway.get(f"{API}/plans", params={"region": "KZ-61"}))["items"][0]
    task = ok(gateway.post(f"{API}/plans/{plan['id']}/tasks", {
        "title": "Медиация бойынша оқыту", "start_date": "2026-03-02", "duration": 2,
        "deliverable": True}, who="turkistan"), 201)
    assert task["deliverable"] is True
    ok(gateway.post(f"{API}/tasks/{task['id']}/assignments", {
        "role": "R", "kind": "org_unit", "id": kgu_id(gateway, "KZ-61")}, who="turkistan"), 201)
    task = ok(gateway.get(f"{API}/tasks/{task['id']}"))
    done = {"version": task["version"], "status": "done"}
    for lang, word in (("en", "attachment"), ("ru", "вложени"), ("kk", "тіркеме")):
        refused = problem(gateway.patch(f"{API}/tasks/{task['id']}", done, who="turkistan",
                                        headers={"Accept-Language": lang}), 409)
        assert word in refused["detail"] and "status" in refused["errors"]
    made = ok(upload(gateway, f"{API}/tasks/{task['id']}/attachments", samples.PDF), 201)
    closed = ok(gateway.patch(f"{API}/tasks/{task['id']}", done, who="turkistan"))
    assert closed["task"]["status"] == "done"
    problem(gateway.request("DELETE", f"{API}/attachments/{made['id']}", who="turkistan"), 409)
    # an ordinary task is done without one
    plain = ok(gateway.post(f"{API}/plans/{plan['id']}/tasks", {
        "title": "Кездесу", "start_date": "2026-03-02", "duration": 1}, who="turkistan"), 201)
    assert plain["deliverable"] is False


def test_a_report_takes_attachments_while_it_can_be_edited(platform, rpc):
    gateway, reports, directory = platform
    ok(gateway.post(f"{API}/report-templates", mediation_template(
        active_from=kz_today().replace(day=1).isoformat())), 201)
    with rpc("reports") as service:
        service.run_collection(kz_today().isoformat())
    report = ok(gateway.get(f"{API}/reports", who="turkistan"))["items"][0]
    path = f"{API}/reports/{report['id']}/attachments"
    document = samples.docx()
    made = ok(upload(gateway, path, document, "есеп.docx"), 201)
    assert made["owner_kind"] == "report" and made["filename"] == "есеп.docx"
    problem(upload(gateway, path, samples.PDF, who="almaty"), 404)
    problem(gateway.get(path, who="almaty"), 404)
    problem(gateway.get(f"{API}/attachments/{made['id']}", who="almaty"), 404)
    assert gateway.get(f"{API}/attachments/{made['id']}", who="observer").content == document
    audit = ok(gateway.get(f"{API}/audit", params={"entity": "report"}))["items"]
    assert "attach" in [entry["action"] for entry in audit]
    ok(gateway.post(f"{API}/reports/{report['id']}/submit", {
        "version": report["version"], "values": {
            "cases_received": 4, "resolved_by_mediation": 3, "budget_spent": "2500.00"}},
        who="turkistan"))
    problem(upload(gateway, path, samples.PDF), 409)  # what was submitted stays as it was
    problem(gateway.request("DELETE", f"{API}/attachments/{made['id']}", who="turkistan"), 409)
    assert len(stored_files(directory)) == 1
    assert os.listdir(directory / ".incoming") == []


def test_an_event_of_the_register_takes_evidence_from_its_region(platform):
    gateway, _reports, _directory = platform
    event = ok(gateway.post(f"{API}/events", {
        "starts_at": "2026-05-01T10:00:00", "kind": "meeting", "region": "KZ-61",
        "title_kk": "Аналар кеңесінің отырысы", "participants": 12}, who="turkistan"), 201)
    path = f"{API}/events/{event['id']}/attachments"
    problem(upload(gateway, path, samples.JPEG, "фото.jpg", who="almaty"), 404)
    problem(upload(gateway, path, samples.JPEG, "фото.jpg", who="observer"), 403)
    made = ok(upload(gateway, path, samples.JPEG, "фото.jpg"), 201)
    assert made["owner_kind"] == "event" and made["media_type"] == "image/jpeg"
    assert [a["id"] for a in ok(gateway.get(path, who="observer"))] == [made["id"]]
    problem(gateway.get(path, who="almaty"), 404)
    problem(gateway.get(f"{API}/attachments/{made['id']}", who="almaty"), 404)
    audit = ok(gateway.get(f"{API}/audit", params={"entity": "event"}))["items"]
    assert [e["action"] for e in audit if e["entity_id"] == str(event["id"])][:1] == ["attach"]
    ok(gateway.request("DELETE", f"{API}/attachments/{made['id']}", who="turkistan"))
    audit = ok(gateway.get(f"{API}/audit", params={"entity": "event"}))["items"]
    assert audit[0]["action"] == "detach"


def _raw_upload(gateway, path, head, body, shut=True):
    """Send ``head`` (request line and headers) and ``body`` on a raw socket, then close the
    sending side (a client gone mid-upload); the gateway's answer, or b"" if it gave none."""
    import socket
    from urllib.parse import urlsplit
    where = urlsplit(gateway.url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(head + body)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    return answer


def test_an_upload_cut_short_keeps_nothing(platform):
    """A client that declares 20 000 bytes and goes after 5 000 (a lying Content-Length, a
    killed connection) leaves no attachment: the truncated file is not evidence."""
    gateway, _reports, directory = platform
    path = f"{API}/tasks/{a_task(gateway)['id']}/attachments"
    body = b"%PDF-1.4\n" + b"0" * 5000
    head = (f"POST {path}?filename=cut.pdf HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {gateway.tokens['turkistan']}\r\n"
            "Content-Type: application/pdf\r\nContent-Length: 20000\r\n"
            "Connection: close\r\n\r\n").encode()
    answer = _raw_upload(gateway, path, head, body)
    assert not answer.startswith(b"HTTP/1.1 201"), answer[:200]
    # chunked, cut before the terminating chunk
    chunked = (f"POST {path}?filename=cut.pdf HTTP/1.1\r\nHost: x\r\n"
               f"Authorization: Bearer {gateway.tokens['turkistan']}\r\n"
               "Content-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n"
               "Connection: close\r\n\r\n").encode()
    answer = _raw_upload(gateway, path, chunked, f"{len(body):x}\r\n".encode() + body + b"\r\n")
    assert not answer.startswith(b"HTTP/1.1 201"), answer[:200]
    # a malformed chunk size from a client still there: a 400 problem in its language
    for tail, word in ((b"zz\r\n", b"chunked"), (b"9\r\n%PDF-1.4\n\r\nqq\r\n", b"chunked")):
        answer = _raw_upload(gateway, path, chunked.replace(
            b"Connection", b"Accept-Language: ru\r\nConnection"), tail, shut=False)
        assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
        assert b"application/problem+json" in answer and word in answer
        assert "ничего не сохранено".encode() in answer
    assert ok(gateway.get(path)) == [] and stored_files(directory) == []
    assert [p for p in (directory / ".incoming").iterdir()] == []


def test_a_file_name_keeps_no_bidirectional_or_invisible_controls(platform):
    """U+202E (right-to-left override) makes ``invoice\u202efdp.exe`` read as
    ``invoiceexe.pdf``: such format characters are taken out of stored names."""
    gateway, _reports, _directory = platform
    path = f"{API}/tasks/{a_task(gateway)['id']}/attachments"
    made = ok(upload(gateway, path, samples.PDF, "act\u202egnp.pdf\u200b\u2066x\u2069.pdf"),
              201)
    assert made["filename"] == "actgnp.pdfx.pdf"
