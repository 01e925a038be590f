"""A page's multipart upload (gateway/web/uploads.py): the CSRF field read, the file kept
to the limit plus one byte (so the attachment's own check still sees it too large), a
body declaring far more refused before it is read."""
import io

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.errors import PayloadTooLarge
from gateway.web.uploads import FORM_SLACK, UPLOAD_ATTR, read_upload


def posted(content, **form):
    builder = EnvironBuilder(method="POST", data={**form, "file": (
        io.BytesIO(content), "хаттама.pdf")})
    return Request(builder.get_environ())


def test_the_form_fields_and_the_file_are_read():
    request = posted(b"%PDF-1.4 body", csrf_token="abc")
    read_upload(request, 1000)
    fields, files = getattr(request, UPLOAD_ATTR)
    assert fields == {"csrf_token": "abc"}
    assert files["file"].filename == "хаттама.pdf"
    assert files["file"].stream.read() == b"%PDF-1.4 body"


def test_a_file_over_the_limit_is_kept_to_the_limit_plus_one_byte():
    request = posted(b"x" * 5000, csrf_token="abc")
    read_upload(request, 1000)
    stream = getattr(request, UPLOAD_ATTR)[1]["file"].stream
    assert len(stream.read()) == 1001 and stream.written == 5000


def test_a_body_declaring_far_more_than_the_limit_is_refused_unread():
    request = posted(b"x" * (FORM_SLACK + 2000))
    with pytest.raises(PayloadTooLarge):
        read_upload(request, 1000)
    assert not hasattr(request, UPLOAD_ATTR)


def test_without_a_session_nothing_is_read():
    request = posted(b"%PDF-1.4 body", csrf_token="abc")
    read_upload(request, 1000, parse=False)
    assert getattr(request, UPLOAD_ATTR) == ({}, {})
