"""Issue 19's evidence documents in a real browser: Turkistan's coordinator opens a task of
its plan, picks a file that is not a document (refused beside the file field, in Kazakh),
then a PDF (listed with its size, type and who uploaded it; its link downloads it), and
removes it. Each step keeps its screenshot; any console error fails the test; axe-core
finds nothing serious."""
import re

import pytest

from tests.browser.samples import OWN, plan_of

pytestmark = [pytest.mark.browser, pytest.mark.broker]
KAZAKH = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def test_a_kgu_attaches_a_document_to_a_task_is_told_why_a_binary_is_refused_and_removes_it(
        tab, site):
    plan = plan_of(site)
    tasks = site.api("GET", "/tasks", expect=200, params={
        "plan_id": plan["id"], "region": OWN, "project": "mediation", "limit": 50}).json()
    task = next(t for t in tasks["items"] if t.get("kind") == "task")
    url = f"/plans/{plan['id']}/tasks/{task['id']}"
    kgu = tab("kgu")
    kgu.go(url, "task-no-documents")
    page = kgu.page
    assert page.locator("#evidence").count() == 1
    kgu.check_accessibility("task, no documents")

    page.locator("#evidence-file").set_input_files(
        {"name": "act.pdf", "mimeType": "application/pdf", "buffer": ELF})
    kgu.navigate(page.locator("#evidence form[enctype] button[type=submit]").click,
                 "binary-refused", status=415)
    error = page.locator("#evidence-error")
    assert KAZAKH.search(error.inner_text()), error.inner_text()
    assert "evidence-error" in page.locator("#evidence-file").get_attribute("aria-describedby")
    kgu.check_accessibility("task, a file refused")

    page.locator("#evidence-file").set_input_files(
        {"name": "Хаттама 1 мамыр.pdf", "mimeType": "application/pdf", "buffer": PDF})
    kgu.navigate(page.locator("#evidence form[enctype] button[type=submit]").click,
                 "document-attached")
    link = page.locator("#evidence a[href^='/api/v1/attachments/']")
    assert link.inner_text() == "Хаттама 1 мамыр.pdf"
    assert "PDF" in page.locator("#evidence tbody tr").first.inner_text()
    kgu.check_accessibility("task, a document attached")
    fetched = page.request.get(site.url + link.get_attribute("href"))
    assert fetched.status == 200 and fetched.body() == PDF

    kgu.navigate(page.locator("#evidence form[action$='/remove'] button").first.click,
                 "document-removed")
    assert page.locator("#evidence a[href^='/api/v1/attachments/']").count() == 0
    assert site.api("GET", f"/tasks/{task['id']}/attachments", expect=200).json() == []
