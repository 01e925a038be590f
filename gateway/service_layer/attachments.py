"""Use cases on attachments: upload to a record, list a record's, download, delete.

The gateway keeps each attachment's metadata (its own database) and its bytes (the
attachment store); the service owning the record decides who may do what, as for the
record itself:

- reading (list, download) asks the owner for the record first (``get_task``,
  ``get_report``, ...) with the caller as actor, so a KGU of another region gets the same
  404 as for the record (the attachment is then "not found" too, naming nothing else);
- uploading and deleting tell the owner over RPC (``attachment_added`` /
  ``attachment_removed(kind, owner_id, attachment)``): the owner checks write rights on
  the record (403 otherwise), records who did it in its audit trail, and keeps what its
  own rules need (projects: a deliverable task is done only with an attachment). The
  gateway's row commits only after the owner accepted; a refused upload leaves no bytes.

``owners`` maps an owner kind to an :class:`Owner` (the RPC proxy and its read method).
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.adapters.storage import CHUNK, discard, spool_file
from gateway.domain.attachments import Attachment, Inspection, clean_filename
from gateway.errors import PayloadTooLarge
from kelisim.db.types import utcnow
from kelisim.errors import KelisimError, NotFound
from kelisim.i18n import _

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Owner:
    """The service that owns records of one kind: ``proxy`` (an RPC proxy) and the name of
    its method reading one record (``get_task``)."""

    kind: str
    proxy: Any  # a nameko RPC proxy (nameko ships no type information)
    read_method: str

    def read(self, owner_id: int) -> dict[str, Any]:
        """The owner's record ``owner_id`` as the caller may read it (its NotFound otherwise)."""
        record: dict[str, Any] = getattr(self.proxy, self.read_method)(owner_id)
        return record

    def added(self, owner_id: int, attachment: dict[str, Any]) -> None:
        """Tell the owner an attachment came (it raises Forbidden/Conflict to refuse it)."""
        self.proxy.attachment_added(self.kind, owner_id, attachment)

    def removed(self, owner_id: int, attachment: dict[str, Any]) -> None:
        """Tell the owner an attachment went (Forbidden when the caller may not write)."""
        self.proxy.attachment_removed(self.kind, owner_id, attachment)


def _not_found(attachment_id: int) -> NotFound:
    return NotFound(_("attachment {id} not found", id=attachment_id))


def _readable(owner: Owner, owner_id: int) -> dict[str, Any]:
    """The owner's record (a dict), as the caller may read it; its NotFound otherwise."""
    return owner.read(owner_id)


def upload(uow: UnitOfWork, store: Any, owner: Owner, owner_id: int, filename: str, stream: Any,
           declared_length: Any, actor: dict[str, Any]) -> Any:
    """Stream ``stream`` (a file-like ``read(n)``) into the store as an attachment of the
    record ``owner_id``; returns the attachment (``Attachment.to_dict``).

    Raises the owner's NotFound (404) when the caller cannot read the record, 413 when
    ``declared_length`` or the bytes read pass ``store.max_bytes``, 415 when the content
    is not on the allow-list (gateway/domain/attachments.py), 400 when fewer bytes came
    than ``declared_length`` or a chunked body is cut or malformed (the client went
    mid-upload), and the owner's Forbidden
    (403) or Conflict (409) when it refuses the attachment. Nothing is kept on failure."""
    record = _readable(owner, owner_id)
    if declared_length is not None and declared_length > store.max_bytes:
        raise PayloadTooLarge(_("the file has {declared} bytes; the limit is {max_bytes}",
                                declared=declared_length, max_bytes=store.max_bytes))
    inspection = Inspection(store.max_bytes)
    spool = spool_file(store)
    try:
        with spool:
            while True:
                try:
                    chunk = stream.read(CHUNK)
                except (OSError, ValueError):  # a chunked body cut short or malformed
                    raise KelisimError(_("the upload's body is not valid chunked transfer "
                                         "coding or ended early; nothing was kept")) from None
                if not chunk:
                    break
                inspection.feed(chunk)
                spool.write(chunk)
        if declared_length is not None and inspection.size != declared_length:
            # the server's input gives b"" when the client goes early: the file is cut
            raise KelisimError(_("the upload ended after {received} of the {declared} bytes "
                                 "declared; nothing was kept",
                                 received=inspection.size, declared=declared_length))
        media_type, size, sha256 = inspection.finish()
        key = uuid.uuid4().hex
        store.put(key, spool.name, size, sha256, media_type)
    except BaseException:
        discard(spool.name)
        raise
    told = False
    try:
        with uow:  # the repository maps the domain classes: make the row after it
            attachment = Attachment(
                owner_kind=owner.kind, owner_id=owner_id,
                filename=clean_filename(filename, media_type), media_type=media_type,
                size=size, sha256=sha256, storage_key=key,
                uploaded_by=str(actor.get("id", "system")),
                uploaded_by_role=actor.get("role", "system"), uploaded_at=utcnow(),
                region_code=record.get("region_code"))
            uow.repo.add_attachment(attachment)
            uow.flush()
            answer = attachment.to_dict()
            owner.added(owner_id, _portable(answer))
            told = True
            uow.commit()
        return answer
    except BaseException:
        if told:  # the owner counted it, the gateway did not keep it: take it back
            try:
                owner.removed(owner_id, _portable(answer))
            except Exception:
                log.exception("attachment %s: the owner could not be told it is gone",
                              answer["id"])
        store.delete(key)
        raise


def _portable(answer: dict[str, Any]) -> dict[str, Any]:
    return {**answer, "uploaded_at": answer["uploaded_at"].isoformat()}


def list_for(uow: UnitOfWork, owner: Owner, owner_id: int) -> list[dict[str, Any]]:
    """The attachments of a record the caller may read, oldest first."""
    _readable(owner, owner_id)
    with uow:
        return [a.to_dict() for a in uow.repo.attachments_of(owner.kind, owner_id)]


def _attachment_for_reader(uow: UnitOfWork, owners: dict[str, Owner],
                           attachment_id: int) -> tuple[Attachment, Owner]:
    """``(attachment, owner)`` if the caller may read its record; NotFound otherwise
    (the same whether the attachment or the caller's access to its record is missing)."""
    with uow:
        attachment = uow.repo.attachment(attachment_id)
        if attachment is None or attachment.owner_kind not in owners:
            raise _not_found(attachment_id)
        uow.session.expunge(attachment)
    owner = owners[attachment.owner_kind]
    try:
        _readable(owner, attachment.owner_id)
    except NotFound:
        raise _not_found(attachment_id) from None
    return attachment, owner


def download(uow: UnitOfWork, store: Any, owners: dict[str, Owner],
             attachment_id: int) -> tuple[dict[str, Any], str]:
    """``(attachment dict, storage key)`` of an attachment whose record the caller may
    read; the route streams the bytes with ``store.chunks(key)``."""
    attachment, _owner = _attachment_for_reader(uow, owners, attachment_id)
    return attachment.to_dict(), attachment.storage_key


def delete(uow: UnitOfWork, store: Any, owners: dict[str, Owner], attachment_id: int) -> dict[str, Any]:
    """Delete an attachment: the owner checks write rights on its record (403) and records
    who deleted it; then the row goes, then the bytes. Returns ``{"removed": id}``."""
    attachment, owner = _attachment_for_reader(uow, owners, attachment_id)
    owner.removed(attachment.owner_id, _portable(attachment.to_dict()))
    with uow:
        stored = uow.repo.attachment(attachment_id)
        if stored is not None:
            uow.repo.delete_attachment(stored)
            uow.commit()
    try:
        store.delete(attachment.storage_key)
    except Exception:  # the row is gone: the bytes are unreachable, an orphan to sweep
        log.exception("attachment %s: its bytes could not be deleted", attachment_id)
    return {"removed": attachment_id}
