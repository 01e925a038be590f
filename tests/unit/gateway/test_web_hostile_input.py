"""The pages' shared machinery against hostile input, without a platform (the same
defects as tests/integration/web/test_web_hostile.py, at the functions that fixed them)."""
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway.entrypoints.web_core import safe_next
from gateway.errors import MalformedRequest
from gateway.http.request import BODY_ATTR
from gateway.web.pages import own_path, read_form, refuse_other_sites
from gateway.web.render import script_json
from gateway.web.security import secure
from kelisim.errors import Forbidden


@pytest.mark.parametrize("value", ["/\t/evil.example", "/\n/evil.example", "/\r/x", "/\x00",
                                   "//evil.example", "/\\evil.example", "https://evil.example",
                                   "", None, "\t//evil.example"])
def test_next_is_never_another_site(value):
    assert safe_next(value) == "/"


@pytest.mark.parametrize("value", ["/plans/2?history=all", "/registry/people?q=a b",
                                   "/kgu#reports"])
def test_next_keeps_a_local_path(value):
    assert safe_next(value) == value


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example", "/a\\b", "/\tx"])
def test_a_language_link_never_leaves_the_site(path):
    assert own_path(path) == "/"
    assert own_path("/plans/2") == "/plans/2"


def test_json_in_a_script_element_holds_no_markup_and_reads_the_same():
    value = {"name": "</script><!--<script>&\u2028x", "n": 1}
    text = script_json(value)
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == value


def _posted(body, headers=None):
    request = Request(EnvironBuilder(method="POST", data=body, headers=headers or {},
                                     content_type="application/x-www-form-urlencoded")
                      .get_environ())
    setattr(request, BODY_ATTR, body)
    return request


@pytest.mark.parametrize("body", [b"reason=\xff\xfe", b"reason=%FF%FE"])
def test_a_form_that_is_not_utf8_is_refused(body):
    with pytest.raises(MalformedRequest):
        read_form(_posted(body))


def test_a_utf8_form_is_read_with_the_last_of_repeated_fields():
    assert read_form(_posted(b"a=1&a=%D2%9B&b=")) == {"a": "қ", "b": ""}


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_form_from_another_site_is_refused(site):
    with pytest.raises(Forbidden):
        refuse_other_sites(_posted(b"", {"Sec-Fetch-Site": site}))


@pytest.mark.parametrize("site", ["same-origin", "none", None])
def test_a_form_from_our_pages_or_an_older_browser_passes(site):
    refuse_other_sites(_posted(b"", {"Sec-Fetch-Site": site} if site else {}))


def test_html_gets_every_header_and_a_file_only_nosniff():
    page = secure(Response("<p>", content_type="text/html; charset=utf-8"))
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    own = secure(Response("<p>", content_type="text/html",
                          headers={"Content-Security-Policy": "sandbox"}))
    assert own.headers["Content-Security-Policy"] == "sandbox"  # an attachment's stays
    script = secure(Response("x", mimetype="text/javascript"))
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in script.headers and "Cache-Control" not in script.headers
