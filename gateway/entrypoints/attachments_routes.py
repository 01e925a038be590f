"""Routes of evidence documents: attachments of tasks, reports and the register's events.

Uploads are streamed (``stream=True``: the route reads the body a chunk at a time into a
spool file, never whole in memory); downloads are streamed from the store. The service
owning each record decides who may read or change its attachments
(gateway/service_layer/attachments.py).
"""
import base64

from werkzeug.wrappers import Response

from gateway import schemas
from gateway.domain.attachments import ALLOWED, content_disposition
from gateway.http import declare, route
from gateway.service_layer import attachments
from gateway.service_layer.attachments import Owner

API = "/api/v1"
UPLOAD = {"tag": "attachments", "query": schemas.AttachmentUploadQuery,
          "response": schemas.AttachmentSchema, "status": 201, "stream": True,
          "problems": (404, 409, 413, 415)}
LISTING = {"tag": "attachments", "response": schemas.AttachmentSchema, "many": True}


def _upload(kind):
    """The upload of a ``kind`` record's attachment: the body streamed to the store."""
    def upload(service, req, owner_id):
        http = req.http
        return attachments.upload(
            service.uow, service.store, service.attachment_owners()[kind], owner_id,
            req.query["filename"], http.environ["wsgi.input"], http.content_length,
            req.actor)
    return upload


def _listing(kind):
    """The listing of a ``kind`` record's attachments."""
    def listing(service, req, owner_id):
        return attachments.list_for(service.uow, service.attachment_owners()[kind], owner_id)
    return listing


class AttachmentsRoutes:
    """Mixed into GatewayService, which provides ``uow``, ``store`` (the attachment store)
    and the ``projects`` and ``reports`` RPC proxies."""

    def attachment_owners(self):
        return {"task": Owner("task", self.projects, "get_task"),
                "report": Owner("report", self.reports, "get_report"),
                "event": Owner("event", self.reports, "get_event")}

    add_task_attachment = declare(
        "POST", f"{API}/tasks/<int:task_id>/attachments", _upload("task"),
        summary="Attach a document to a task (the file as the body)", **UPLOAD)
    list_task_attachments = declare(
        "GET", f"{API}/tasks/<int:task_id>/attachments", _listing("task"),
        summary="A task's attachments", **LISTING)
    add_report_attachment = declare(
        "POST", f"{API}/reports/<int:report_id>/attachments", _upload("report"),
        summary="Attach a document to a report (the file as the body)", **UPLOAD)
    list_report_attachments = declare(
        "GET", f"{API}/reports/<int:report_id>/attachments", _listing("report"),
        summary="A report's attachments", **LISTING)
    add_event_attachment = declare(
        "POST", f"{API}/events/<int:event_id>/attachments", _upload("event"),
        summary="Attach a document to an event of the register (the file as the body)",
        **UPLOAD)
    list_event_attachments = declare(
        "GET", f"{API}/events/<int:event_id>/attachments", _listing("event"),
        summary="An event's attachments", **LISTING)

    @route("GET", f"{API}/attachments/<int:attachment_id>",
           summary="Download an attachment (always as a download, never shown in place)",
           tag="attachments", produces=tuple(ALLOWED))  # served as the type it was stored as
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
