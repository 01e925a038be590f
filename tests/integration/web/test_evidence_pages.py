"""Evidence documents on the pages (issue 19, part 4): a task's, an event's and a report's
page list the record's attachments and take uploads (multipart, the CSRF field) and
removals from those with write rights, with the API's checks and refusals beside the file
field in the reader's language; the event page names its base project and organising
structures."""
import re
import time
from datetime import date

import pytest

from tests.site import running_site
from tests.support_reports import mediation_template

pytestmark = [pytest.mark.broker, pytest.mark.e2e]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
DOWNLOAD = re.compile(r'href="/api/v1/attachments/(\d+)"')
LIMIT = 200_000  # KELISIM_ATTACHMENT_MAX_BYTES of this module's platform
TEMPLATE = "evidence-mediation"


@pytest.fixture(scope="module")
def site():
    """The platform (files up to LIMIT bytes, the collection job every 2 s) with a
    quarterly report template whose Turkistan report the job made."""
    with running_site(KELISIM_ATTACHMENT_MAX_BYTES=str(LIMIT),
                      KELISIM_REPORTS_JOB_INTERVAL="2") as running:
        running.api("POST", "/report-templates", expect=201, json=mediation_template(
            code=TEMPLATE, active_from="2020-01-01"))
        yield running


def upload(reader, path, name, content, csrf=True):
    """The page's upload form posted as a browser posts it (multipart/form-data)."""
    data = {"csrf_token": reader.csrf} if csrf else {}
    return reader.http.post(reader.url + path, data=data, files={"file": (name, content)},
                            allow_redirects=False, timeout=60)


@pytest.fixture(scope="module")
def task(site):
    """A deliverable task of Turkistan's mediation plan: ``(plan id, task id)``."""
    site.api("POST", "/projects/mediation/rollouts", expect=201,
             json={"year": date.today().year, "regions": ["KZ-61", "KZ-75"]})
    plan = site.api("GET", "/plans", expect=200, params={"region": "KZ-61"}).json()["items"][0]
    made = site.api("POST", f"/plans/{plan['id']}/tasks", expect=201, json={
        "title": "Хаттама керек", "title_kk": "Хаттама керек",
        "start_date": f"{date.today().year}-11-02", "duration": 3, "deliverable": True}).json()
    kgu = site.api("GET", "/regions/KZ-61/kgu", expect=200).json()["org_unit"]["id"]
    site.api("POST", f"/tasks/{made['id']}/assignments", expect=201,
             json={"role": "R", "kind": "org_unit", "id": kgu})
    return plan["id"], made["id"]


def test_a_task_page_lists_takes_and_removes_documents_and_keeps_a_done_tasks_last(
        site, task):
    plan_id, task_id = task
    url = f"/plans/{plan_id}/tasks/{task_id}"
    reader = site.reader("turkistan@kelisim.kz", lang="ru")
    page = reader.get(url)
    assert page.status_code == 200, page.text[:2000]
    assert "Подтверждающие документы" in page.text and "Документы не прикреплены." in page.text
    assert 'id="evidence-needed"' in page.text  # a deliverable needs one to be done

    refused = upload(reader, url + "/attachments", "act.pdf", ELF)
    assert refused.status_code == 415, refused.text[:2000]
    assert 'id="evidence-error"' in refused.text and 'aria-invalid="true"' in refused.text
    assert not DOWNLOAD.search(refused.text)
    empty = upload(reader, url + "/attachments", "", b"")
    assert empty.status_code == 422 and "выберите файл" in empty.text
    assert upload(reader, url + "/attachments", "a.pdf", PDF, csrf=False).status_code == 403

    done = upload(reader, url + "/attachments", "Хаттама 1 мамыр.pdf", PDF)
    assert done.status_code == 303, done.text[:2000]
    assert done.headers["Location"] == f"{url}?attached=1#evidence"
    page = reader.get(url).text
    assert "Хаттама 1 мамыр.pdf" in page and "PDF" in page and "Б</td>" in page
    assert "Үйлестіруші KZ-61" in page  # who uploaded it
    attachment_id = DOWNLOAD.search(page).group(1)
    file = reader.http.get(f"{reader.url}/api/v1/attachments/{attachment_id}", timeout=30)
    assert file.status_code == 200 and file.content == PDF
    stranger = site.reader("almaty@kelisim.kz")
    assert stranger.http.get(f"{stranger.url}/api/v1/attachments/{attachment_id}",
                             timeout=30).status_code == 404
    observer = site.reader("observer@kelisim.kz")
    seen = observer.get(url).text
    assert "Хаттама 1 мамыр.pdf" in seen and 'enctype="multipart/form-data"' not in seen

    current = site.api("GET", f"/tasks/{task_id}", expect=200).json()
    site.api("PATCH", f"/tasks/{task_id}", expect=200,
             json={"version": current["version"], "status": "done"})
    kept = reader.post(f"{url}/attachments/{attachment_id}/remove")
    assert kept.status_code == 409, kept.text[:2000]
    assert 'id="evidence-error"' in kept.text
    assert site.api("GET", f"/tasks/{task_id}/attachments", expect=200).json()

    current = site.api("GET", f"/tasks/{task_id}", expect=200).json()
    site.api("PATCH", f"/tasks/{task_id}", expect=200,
             json={"version": current["version"], "status": "in_progress"})
    removed = reader.post(f"{url}/attachments/{attachment_id}/remove")
    assert removed.status_code == 303, removed.text[:2000]
    assert site.api("GET", f"/tasks/{task_id}/attachments", expect=200).json() == []


def test_a_file_over_the_limit_is_refused_beside_the_field(site, task):
    plan_id, task_id = task
    url = f"/plans/{plan_id}/tasks/{task_id}"
    reader = site.reader("turkistan@kelisim.kz", lang="en")
    reader.get(url)
    big = upload(reader, url + "/attachments", "big.pdf", PDF + b"0" * LIMIT)
    assert big.status_code == 413, big.text[:2000]
    assert 'id="evidence-error"' in big.text and "limit" in big.text


def test_an_event_page_names_its_project_and_structures_and_takes_documents(site):
    kgu = site.api("GET", "/regions/KZ-61/kgu", expect=200).json()["org_unit"]["id"]
    structure = site.api("POST", "/structures", expect=201, json={
        "type": "mediation_council", "name": "Сарыағаш медиация кеңесі",
        "org_unit_id": kgu}).json()
    event = site.api("POST", "/events", expect=201, json={
        "region": "KZ-61", "kind": "forum", "starts_at": "2026-05-12T10:00:00",
        "title_kk": "Достық форумы", "participants": 80, "project_code": "mediation",
        "structure_ids": [structure["id"]]}).json()
    project = site.api("GET", "/projects/mediation", expect=200).json()
    reader = site.reader("turkistan@kelisim.kz", lang="ru")
    page = reader.get(f"/events/{event['id']}").text
    assert project["title_ru"] in page and "<code>mediation</code>" not in page
    assert "Сарыағаш медиация кеңесі" in page
    made = upload(reader, f"/events/{event['id']}/attachments", "фото.txt",
                  "Форумға 80 адам қатысты".encode())
    assert made.status_code == 303, made.text[:2000]
    page = reader.get(f"/events/{event['id']}").text
    assert "фото.txt" in page and "TXT" in page
    attachment_id = DOWNLOAD.search(page).group(1)
    assert reader.post(f"/events/{event['id']}/attachments/{attachment_id}/remove"
                       ).status_code == 303
    assert "фото.txt" not in reader.get(f"/events/{event['id']}").text.split(
        'id="history-heading"')[0]


def test_a_report_page_takes_documents_while_editable(site):
    deadline = time.monotonic() + 120
    while not (found := site.api("GET", "/reports", expect=200, params={
            "template": TEMPLATE, "region": "KZ-61"}).json()["items"]):
        assert time.monotonic() < deadline, "the collection job made no report"
        time.sleep(0.3)
    url = f"/reports/{found[0]['id']}"
    reader = site.reader("turkistan@kelisim.kz", lang="kk")
    page = reader.get(url)
    assert page.status_code == 200 and "Растайтын құжаттар" in page.text
    assert 'enctype="multipart/form-data"' in page.text  # a draft takes documents
    made = upload(reader, url + "/attachments", "есеп.pdf", PDF)
    assert made.status_code == 303, made.text[:2000]
    page = reader.get(url).text
    assert "есеп.pdf" in page
    assert [a["filename"] for a in site.api("GET", f"{url}/attachments",
                                            expect=200).json()] == ["есеп.pdf"]
