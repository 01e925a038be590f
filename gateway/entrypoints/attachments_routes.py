"""Routes of evidence documents: attachments of tasks, reports and the register's events.

Uploads are streamed (``stream=True``: the route reads the body a chunk at a time into a
spool file, never whole in memory); downloads are streamed from the store. The service
owning each record decides who may read or change its attachments
(gateway/service_layer/attachments.py).
"""
import base64

from werkzeug.wrappers import Response

from gateway import schemas
from gateway.domain.attachments import content_disposition
from gateway.http import route
from gateway.service_layer import attachments
from gateway.service_layer.attachments import Owner

API = "/api/v1"
UPLOAD_PROBLEMS = (404, 409, 413, 415)


class AttachmentsRoutes:
    """Mixed into GatewayService, which provides ``uow``, ``store`` (the attachment store)
    and the ``projects`` and ``reports`` RPC proxies."""

    def attachment_owners(self):
        return {"task": Owner("task", self.projects, "get_task"),
                "report": Owner("report", self.reports, "get_report"),
                "event": Owner("event", self.reports, "get_event")}

    def _upload(self, req, kind, owner_id):
        http = req.http
        return attachments.upload(
            self.uow, self.store, self.attachment_owners()[kind], owner_id,
            req.query["filename"], http.environ["wsgi.input"], http.content_length,
            req.actor)

    @route("POST", f"{API}/tasks/<int:task_id>/attachments",
           summary="Attach a document to a task (the file as the body)", tag="attachments",
           query=schemas.AttachmentUploadQuery, response=schemas.AttachmentSchema, status=201,
           stream=True, problems=UPLOAD_PROBLEMS)
    def add_task_attachment(self, req, task_id):
        return self._upload(req, "task", task_id)

    @route("GET", f"{API}/tasks/<int:task_id>/attachments",
           summary="A task's attachments", tag="attachments",
           response=schemas.AttachmentSchema, many=True)
    def list_task_attachments(self, req, task_id):
        return attachments.list_for(self.uow, self.attachment_owners()["task"], task_id)

    @route("POST", f"{API}/reports/<int:report_id>/attachments",
           summary="Attach a document to a report (the file as the body)", tag="attachments",
           query=schemas.AttachmentUploadQuery, response=schemas.AttachmentSchema, status=201,
           stream=True, problems=UPLOAD_PROBLEMS)
    def add_report_attachment(self, req, report_id):
        return self._upload(req, "report", report_id)

    @route("GET", f"{API}/reports/<int:report_id>/attachments",
           summary="A report's attachments", tag="attachments",
           response=schemas.AttachmentSchema, many=True)
    def list_report_attachments(self, req, report_id):
        return attachments.list_for(self.uow, self.attachment_owners()["report"], report_id)

    @route("POST", f"{API}/events/<int:event_id>/attachments",
           summary="Attach a document to an event of the register (the file as the body)",
           tag="attachments", query=schemas.AttachmentUploadQuery,
           response=schemas.AttachmentSchema, status=201, stream=True,
           problems=UPLOAD_PROBLEMS)
    def add_event_attachment(self, req, event_id):
        return self._upload(req, "event", event_id)

    @route("GET", f"{API}/events/<int:event_id>/attachments",
           summary="An event's attachments", tag="attachments",
           response=schemas.AttachmentSchema, many=True)
    def list_event_attachments(self, req, event_id):
        return attachments.list_for(self.uow, self.attachment_owners()["event"], event_id)

    @route("GET", f"{API}/attachments/<int:attachment_id>",
           summary="Download an attachment (always as a download, never shown in place)",
           tag="attachments", produces="application/octet-stream")
    def get_attachment(self, req, attachment_id):
        found, key = attachments.download(self.uow, self.store, self.attachment_owners(),
                                          attachment_id)
        digest = base64.b64encode(bytes.fromhex(found["sha256"])).decode()
        response = Response(self.store.chunks(key), mimetype=found["media_type"],
                            direct_passthrough=True)
        response.headers.update({
            "Content-Length": str(found["size"]),
            "Content-Disposition": content_disposition(found["filename"]),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
            "ETag": f'"{found["sha256"]}"',
            "Repr-Digest": f"sha-256=:{digest}:",
        })
        return response

    @route("DELETE", f"{API}/attachments/<int:attachment_id>",
           summary="Delete an attachment (write rights on its record)", tag="attachments",
           response=schemas.AttachmentRemovedSchema)
    def delete_attachment(self, req, attachment_id):
        return attachments.delete(self.uow, self.store, self.attachment_owners(),
                                  attachment_id)
