"""How the pages' files travel (issue 15's weight target, bench/web_pages.py): scripts and
stylesheets gzip-compressed to a browser that accepts it, the same bytes once unpacked,
cached by digest as before; the pages' HTML never compressed (it carries the session's
CSRF token beside what the reader typed: BREACH)."""
import gzip
import re

STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _raw(reader, path, encoding):
    answer = reader.http.get(reader.url + path, headers={"Accept-Encoding": encoding},
                             stream=True, timeout=30)
    return answer, answer.raw.read(decode_content=False)


def test_scripts_and_stylesheets_are_sent_gzip_compressed_when_accepted(site):
    reader = site.reader("rgu@kelisim.kz")
    page, html = _raw(reader, "/docs", "gzip, deflate")
    assert page.status_code == 200 and "Content-Encoding" not in page.headers
    urls = STATIC.findall(html.decode())
    assert any("swagger-ui.js" in url for url in urls), urls
    for url in urls:
        packed, body = _raw(reader, url, "gzip, deflate, br")
        plain, unpacked = _raw(reader, url, "identity")
        assert packed.status_code == plain.status_code == 200, url
        assert packed.headers["Content-Encoding"] == "gzip", url
        assert "Content-Encoding" not in plain.headers, url
        assert gzip.decompress(body) == unpacked, url
        assert len(body) < len(unpacked), url
        for answer in (packed, plain):
            assert "Accept-Encoding" in answer.headers["Vary"], url
            assert "immutable" in answer.headers["Cache-Control"], url
            assert "max-age=31536000" in answer.headers["Cache-Control"], url
        assert packed.headers["Content-Type"] == plain.headers["Content-Type"], url
        again = reader.http.get(reader.url + url, timeout=30, headers={
            "Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
        assert again.status_code == 304, url
    swagger = next(url for url in urls if "swagger-ui.js" in url)
    assert len(_raw(reader, swagger, "gzip")[1]) < 600_000  # 1.7 MB unpacked


def test_pages_themselves_are_not_compressed(site):
    reader = site.reader("turkistan@kelisim.kz")
    for path in ("/sign-in", "/kgu", "/account"):
        answer, _body = _raw(reader, path, "gzip")
        assert answer.status_code == 200, path
        assert "Content-Encoding" not in answer.headers, path
