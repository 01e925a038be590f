"""Attachments judged by content (gateway/domain/attachments.py): the allow-list, the size
limit while bytes arrive, the checksum, safe file names and Content-Disposition."""
import hashlib

import pytest

from gateway.domain.attachments import (
    Inspection,
    PayloadTooLarge,
    UnsupportedMediaType,
    clean_filename,
    content_disposition,
)
from tests import attachment_samples as samples


def inspect(data, max_bytes=1 << 20, chunk=1000):
    inspection = Inspection(max_bytes)
    for start in range(0, len(data), chunk):
        inspection.feed(data[start:start + chunk])
    return inspection.finish()


@pytest.mark.parametrize("data, media_type", [
    (samples.PDF, "application/pdf"), (samples.PNG, "image/png"),
    (samples.JPEG, "image/jpeg"), (samples.WEBP, "image/webp"),
    (samples.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (samples.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.odt(), "application/vnd.oasis.opendocument.text"),
    (samples.TEXT, "text/plain"),
])
def test_accepted_kinds_are_named_by_their_content(data, media_type):
    found, size, sha256 = inspect(data)
    assert (found, size, sha256) == (media_type, len(data), hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("data", [samples.EXE, samples.ELF, samples.HTML + b"\x00",
                                  samples.plain_zip(), b"\x00\x01\x02binary", b""])
def test_anything_else_is_refused_whatever_it_is_called(data):
    with pytest.raises(UnsupportedMediaType) as refused:
        inspect(data)
    assert refused.value.status == 415


def test_html_is_text_and_never_served_as_html():
    # HTML without NUL is plain text by content; it is served as text/plain, as a download
    assert inspect(samples.HTML)[0] == "text/plain"


def test_text_cut_inside_a_character_across_chunks_is_still_text():
    data = "ә" * 5000
    assert inspect(data.encode(), chunk=7)[0] == "text/plain"


def test_the_limit_is_checked_while_the_bytes_arrive():
    inspection = Inspection(max_bytes=10_000)
    inspection.feed(b"%PDF-1.4\n" + b"x" * 9000)
    with pytest.raises(PayloadTooLarge):
        inspection.feed(b"x" * 2000)


def test_file_names_lose_paths_and_control_characters_and_get_their_type():
    assert clean_filename("../../etc/passwd", "text/plain") == "passwd.txt"
    assert clean_filename("C:\\Users\\a\\хаттама\r\n.pdf", "application/pdf") == "хаттама_.pdf"
    assert clean_filename("report.pdf", "image/png") == "report.pdf.png"
    assert clean_filename("photo.JPEG", "image/jpeg") == "photo.JPEG"
    assert clean_filename("", "application/pdf") == "attachment.pdf"
    assert len(clean_filename("а" * 500 + ".pdf", "application/pdf")) == 200


def test_file_names_lose_bidirectional_and_invisible_format_characters():
    # U+202E shows "invoice\u202efdp.exe" as "invoiceexe.pdf"; U+2066-2069, U+200B-200F,
    # U+FEFF and the line/paragraph separators are invisible or reorder what follows
    assert clean_filename("invoice\u202efdp.exe", "text/plain") == "invoicefdp.exe.txt"
    assert clean_filename("a\u2066b\u2069\u200b\u200f\ufeff.pdf", "application/pdf") == "ab.pdf"
    assert clean_filename("a\u2028b\u2029c\x85.pdf", "application/pdf") == "a_b_c_.pdf"
    assert clean_filename("\u202e\u202d", "application/pdf") == "attachment.pdf"


def test_content_disposition_is_always_a_download_with_an_rfc_6266_name():
    header = content_disposition('Есеп "2026".pdf')
    assert header.startswith("attachment; ")
    assert 'filename="Esep _2026_.pdf"' in header
    assert "filename*=UTF-8''%D0%95%D1%81%D0%B5%D0%BF%20%222026%22.pdf" in header


def test_the_ascii_fallback_of_a_kazakh_or_russian_name_is_transliterated():
    header = content_disposition("Хаттама 1 мамыр.pdf")
    assert 'filename="Khattama 1 mamyr.pdf"' in header
    assert "filename*=UTF-8''%D0%A5%D0%B0%D1%82%D1%82%D0%B0%D0%BC%D0%B0%201%20" \
           "%D0%BC%D0%B0%D0%BC%D1%8B%D1%80.pdf" in header
    assert 'filename="Oqu zhospary.docx"' in content_disposition("Оқу жоспары.docx")
    assert 'filename="attachment"' in content_disposition("«»")
