"""Evidence documents attached to tasks, reports and events: the rules, no I/O.

An attachment is judged by its content, never by the name or the ``Content-Type`` the
client gave: :class:`Inspection` is fed the bytes as they arrive, counts them against the
limit, hashes them (SHA-256) and, from the first bytes, names the media type with the
``filetype`` library (magic numbers; OOXML and OpenDocument by their first zip entries).
Only the allow-list below is kept; anything else (an executable renamed ``.pdf``, HTML,
an archive) is refused. Plain text is what no signature matches and decodes whole as
UTF-8 without control characters other than tab, line feed, carriage return and form
feed.
"""
import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import filetype
from anyascii import anyascii

from gateway.errors import PayloadTooLarge, UnsupportedMediaType
from kelisim.i18n import _

OWNER_KINDS = ("task", "report", "event")
# media type -> the extension a download gets when its name has none or another one
ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "text/plain": "txt",
}
SNIFF_BYTES = 8192  # what filetype reads (its own signature window)
MAX_FILENAME = 200  # characters kept of a file's name
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
# C0 and C1 controls, the line and paragraph separators, and what Windows or a header forbid
_UNSAFE_NAME = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029"\\\\/:*?<>|;]+')


class Inspection:
    """Feed the bytes of one upload (``feed(chunk)`` as they arrive, then ``finish()``):
    the size against ``max_bytes`` (413 as soon as it is passed), the SHA-256 and the media
    type read from the content (415 for anything off the allow-list)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.digest = hashlib.sha256()
        self.head = b""
        self.kind: Any = None  # filetype's match (untyped), decided once SNIFF_BYTES have come
        self.decided = False
        self.text = codecs.getincrementaldecoder("utf-8")()
        self.is_text = True

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise PayloadTooLarge(_("the file is larger than the limit of {max_bytes} bytes",
                                    max_bytes=self.max_bytes))
        self.digest.update(chunk)
        if not self.decided:
            self.head += chunk
            if len(self.head) >= SNIFF_BYTES:
                self._decide()
        if self.is_text and (not self.decided or self.kind is None):
            try:
                decoded = self.text.decode(chunk)
            except UnicodeDecodeError:
                self.is_text = False
            else:
                if _TEXT_CONTROLS.search(decoded):
                    self.is_text = False

    def _decide(self) -> None:
        self.kind = filetype.guess(self.head[:SNIFF_BYTES])
        self.decided = True

    def finish(self) -> tuple[str, int, str]:
        """``(media_type, size, sha256 hex)``; UnsupportedMediaType (415) when the content
        is empty or not on the allow-list."""
        if not self.decided:
            self._decide()
        if self.size == 0:
            raise UnsupportedMediaType(_("the file is empty"))
        if self.kind is not None:
            media_type = self.kind.mime
        else:
            if self.is_text:
                try:
                    self.text.decode(b"", final=True)
                except UnicodeDecodeError:
                    self.is_text = False
            media_type = "text/plain" if self.is_text else None
        if media_type not in ALLOWED:
            found = media_type or _("unknown binary data")
            raise UnsupportedMediaType(
                _("the file's content is {found}, which is not accepted; accepted are PDF, "
                  "JPEG, PNG, WebP, DOCX, XLSX, ODT and plain UTF-8 text", found=found),
                {"file": _("content not accepted: {found}", found=found)})
        return media_type, self.size, self.digest.hexdigest()


def clean_filename(name: str | None, media_type: str | None = None) -> str:
    """A file name safe to store and to send back: no path, no control or reserved
    characters (C0/C1 controls, line and paragraph separators, and none of the invisible
    or reordering Unicode format characters such as U+202E), Unicode NFC, at most
    MAX_FILENAME characters, never empty; when
    ``media_type`` is given and the name's extension is not one of that type, the type's
    extension is added (``report.pdf`` that is a PNG becomes ``report.pdf.png``)."""
    name = unicodedata.normalize("NFC", name or "")
    # format characters (Unicode Cf: the bidirectional overrides and isolates U+202A-202E,
    # U+2066-2069, zero-width ones, U+FEFF) are invisible or reorder what follows:
    # "invoice\u202efdp.exe" reads as "invoiceexe.pdf". Dropped.
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .") or "attachment"
    if media_type in ALLOWED:
        extension = ALLOWED[media_type]
        allowed = {extension, "jpeg"} if extension == "jpg" else {extension}
        if name.rsplit(".", 1)[-1].lower() not in allowed or "." not in name:
            name = f"{name}.{extension}"
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        name = stem[:MAX_FILENAME - len(extension) - 1] + dot + extension if dot \
            else name[:MAX_FILENAME]
    return name


def content_disposition(filename: str) -> str:
    """``attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>``
    (RFC 6266, RFC 8187): always a download, never shown in place. The fallback (for
    clients without RFC 8187) is the name transliterated to Latin letters by ``anyascii``
    («Хаттама 1 мамыр.pdf» -> ``Khattama 1 mamyr.pdf``), other signs as ``_``."""
    fallback = re.sub(r"[^A-Za-z0-9._ ()+-]", "_", anyascii(filename)).strip()
    if not fallback.strip("._ "):
        fallback = "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass
class Attachment:
    """An evidence document kept by the gateway for the record it belongs to.

    ``owner_kind``: task, report or event; ``owner_id``: that record's id in its service;
    ``size`` in bytes; ``sha256`` hex; ``storage_key``: where the store keeps the bytes;
    ``uploaded_by``: the actor id (``account:N``, ``token:N``)."""

    owner_kind: str
    owner_id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    storage_key: str
    uploaded_by: str
    uploaded_by_role: str
    uploaded_at: datetime
    region_code: str | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "owner_kind": self.owner_kind, "owner_id": self.owner_id,
                "filename": self.filename, "media_type": self.media_type, "size": self.size,
                "sha256": self.sha256, "uploaded_by": self.uploaded_by,
                "uploaded_at": self.uploaded_at, "region_code": self.region_code}
