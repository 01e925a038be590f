"""Evidence documents on the pages of a task, an event and a report: the record's
attachments listed (name, size, type, when, who uploaded; each a download through
``GET /api/v1/attachments/{id}``, which the session cookie opens under the same rule:
only readers of the record), a multipart form uploading one (those with write rights),
and a button removing one. The calls are the API's use cases
(gateway/service_layer/attachments.py): the same size and type checks, the owner's write
rules; a refusal the reader can act on (413, 415, a 409 such as a deliverable task's last
attachment) is shown beside the file field in the reader's language, on the record's page.
"""
from gateway.service_layer import attachments
from gateway.service_layer.names import attach_names
from gateway.web.pages import page, redirect
from gateway.web.uploads import UPLOAD_ATTR
from kelisim.errors import KelisimError, NotFound
from kelisim.i18n import _, format_number

SHOWN_HERE = (400, 409, 413, 415, 422)  # refusals shown beside the field, not as an error page
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG",
              "image/webp": "WebP", "text/plain": "TXT",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
              "application/vnd.oasis.opendocument.text": "ODT"}


def size_text(size, lang):
    """``size`` (bytes) as the reader reads it: «850 B», «12,5 KB», «3,2 MB» (kk/ru/en)."""
    if size < 1024:
        return _("{size} B", size=format_number(size, lang)).render(lang)
    if size < 1024 * 1024:
        return _("{size} KB", size=format_number(round(size / 1024, 1), lang)).render(lang)
    return _("{size} MB", size=format_number(round(size / 1024 / 1024, 1), lang)).render(lang)


def evidence(uow, kind, owner_id, lang, url, may_change):
    """The values of templates/_attachments.html for a record the page has just read as
    the reader (so the reader may read its attachments): ``{"items": [attachment +
    actor_name, size_text, type_name], "url": the record page's URL, "may_change": bool,
    "error": None}``."""
    with uow:
        items = [a.to_dict() for a in uow.repo.attachments_of(kind, owner_id)]
    for item in items:
        item["actor_id"] = item["uploaded_by"]
        item["size_text"] = size_text(item["size"], lang)
        item["type_name"] = TYPE_NAMES.get(item["media_type"], item["media_type"])
    attach_names(uow, items)
    return {"items": items, "url": url, "may_change": may_change, "error": None}


def _failed(shown, message, status):
    """The record's page (``shown()``, a Page) with ``message`` beside the file field."""
    result = shown()
    result.context["evidence"] = dict(result.context["evidence"], error=message)
    result.status = status
    return result


class WebAttachmentsPages:
    """Mixed into GatewayService (``uow``, ``store``, ``attachment_owners`` and the record
    pages' ``_task_page``, ``_event_page``, ``_report_page``)."""

    def _attach(self, req, kind, owner_id, url, shown):
        upload = getattr(req.http, UPLOAD_ATTR, ({}, {}))[1].get("file")
        if upload is None or not upload.filename:
            return _failed(shown, _("choose a file to attach").render(req.lang), 422)
        try:
            attachments.upload(self.uow, self.store, self.attachment_owners()[kind], owner_id,
                               upload.filename, upload.stream, None, req.actor)
        except KelisimError as exc:
            if exc.status not in SHOWN_HERE:
                raise
            return _failed(shown, exc.detail_in(req.lang), exc.status)
        finally:
            upload.close()
        return redirect(f"{url}?attached=1#evidence")

    def _detach(self, req, kind, owner_id, attachment_id, url, shown):
        found, _key = attachments.download(self.uow, self.store, self.attachment_owners(),
                                           attachment_id)
        if (found["owner_kind"], found["owner_id"]) != (kind, owner_id):
            raise NotFound(_("attachment {id} not found", id=attachment_id))
        try:
            attachments.delete(self.uow, self.store, self.attachment_owners(), attachment_id)
        except KelisimError as exc:
            if exc.status not in SHOWN_HERE:
                raise
            return _failed(shown, exc.detail_in(req.lang), exc.status)
        return redirect(f"{url}?detached=1#evidence")

    def _task_of_plan(self, plan_id, task_id):
        if self.projects.get_task(task_id)["plan_id"] != plan_id:
            raise NotFound(_("task {task_id} not found", task_id=task_id))

    @page("POST", "/plans/<int:plan_id>/tasks/<int:task_id>/attachments", stream=True)
    def web_task_attach(self, req, plan_id, task_id):
        self._task_of_plan(plan_id, task_id)
        return self._attach(req, "task", task_id, f"/plans/{plan_id}/tasks/{task_id}",
                            lambda: self._task_page(req, plan_id, task_id))

    @page("POST", "/plans/<int:plan_id>/tasks/<int:task_id>/attachments/<int:attachment_id>"
                  "/remove")
    def web_task_detach(self, req, plan_id, task_id, attachment_id):
        self._task_of_plan(plan_id, task_id)
        return self._detach(req, "task", task_id, attachment_id,
                            f"/plans/{plan_id}/tasks/{task_id}",
                            lambda: self._task_page(req, plan_id, task_id))

    @page("POST", "/events/<int:event_id>/attachments", stream=True)
    def web_event_attach(self, req, event_id):
        return self._attach(req, "event", event_id, f"/events/{event_id}",
                            lambda: self._event_page(req, event_id))

    @page("POST", "/events/<int:event_id>/attachments/<int:attachment_id>/remove")
    def web_event_detach(self, req, event_id, attachment_id):
        return self._detach(req, "event", event_id, attachment_id, f"/events/{event_id}",
                            lambda: self._event_page(req, event_id))

    @page("POST", "/reports/<int:report_id>/attachments", stream=True)
    def web_report_attach(self, req, report_id):
        return self._attach(req, "report", report_id, f"/reports/{report_id}",
                            lambda: self._report_page(req, self.reports.get_report(report_id)))

    @page("POST", "/reports/<int:report_id>/attachments/<int:attachment_id>/remove")
    def web_report_detach(self, req, report_id, attachment_id):
        return self._detach(req, "report", report_id, attachment_id, f"/reports/{report_id}",
                            lambda: self._report_page(req, self.reports.get_report(report_id)))
