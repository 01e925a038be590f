"""A page's file upload: a ``multipart/form-data`` form (the CSRF field and one file)
read as a stream, bounded, before the page runs.

The form's text fields are kept in memory (at most ``FORM_FIELDS_BYTES``); the file goes to
a temporary file holding at most ``limit + 1`` bytes (the rest is counted, not kept), so
the attachment's own checks (gateway/service_layer/attachments.py: the size limit, the
type judged by content) answer beside the field, in the reader's language, as the API
answers its 413 and 415. A body declaring more than ``limit + FORM_SLACK`` bytes is
refused before it is read (413, the error page): the form's CSRF field cannot be read
from a body that is not read.
"""
import tempfile

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from gateway.errors import MalformedRequest, PayloadTooLarge
from kelisim.i18n import _

MULTIPART = "multipart/form-data"
FORM_FIELDS_BYTES = 64 * 1024  # the CSRF token and nothing else of any size
FORM_SLACK = 64 * 1024  # the multipart boundaries and headers around the file
UPLOAD_ATTR = "kelisim_upload"  # on the request: (fields {name: value}, files)


class BoundedSpool:
    """A temporary file keeping the first ``keep`` bytes written; later ones are counted
    only (``written``). File-like for werkzeug's parser and for reading back."""

    def __init__(self, keep):
        self.keep = keep
        self.written = 0
        self.file = tempfile.SpooledTemporaryFile(max_size=512 * 1024)

    def write(self, data):
        room = self.keep - self.written
        if room > 0:
            self.file.write(data[:room])
        self.written += len(data)
        return len(data)

    def __getattr__(self, name):  # read, seek, tell, close ...
        return getattr(self.file, name)


def read_upload(request, limit, parse=True):
    """Parse a multipart form of ``request`` onto it (``UPLOAD_ATTR``): ``({name: value},
    {name: FileStorage})``; a file's stream holds at most ``limit + 1`` bytes (so a larger
    file is still seen as too large). PayloadTooLarge (413) when ``Content-Length`` passes
    ``limit + FORM_SLACK``; MalformedRequest (400) for a body werkzeug cannot parse.
    ``parse=False`` (no session to check the form against): nothing is read, no field."""
    declared = request.content_length
    if declared is not None and declared > limit + FORM_SLACK:
        raise PayloadTooLarge(_("the file has {declared} bytes; the limit is {max_bytes}",
                                declared=declared, max_bytes=limit))
    if request.mimetype != MULTIPART or not parse:
        setattr(request, UPLOAD_ATTR, ({}, {}))
        return

    def factory(total_content_length=None, content_type=None, filename=None,
                content_length=None):
        return BoundedSpool(limit + 1)

    try:
        _stream, form, files = parse_form_data(
            request.environ, stream_factory=factory, max_form_memory_size=FORM_FIELDS_BYTES,
            max_content_length=limit + FORM_SLACK, max_form_parts=16)
    except RequestEntityTooLarge:
        raise PayloadTooLarge(_("the body is larger than the limit of {max_bytes} bytes",
                                max_bytes=limit + FORM_SLACK)) from None
    except (OSError, ValueError):
        raise MalformedRequest(_("the chunked body is broken or ended early")) from None
    setattr(request, UPLOAD_ATTR, ({key: values[-1] for key, values in form.lists()}, files))
