"""The list pages' paging links and the forms' field errors (gateway/web/listing.py), and the
record-an-event form's body (gateway/entrypoints/web_events.py)."""
from gateway.entrypoints.web_events import event_body
from gateway.web.listing import field_errors, offset_of, paging


def test_paging_keeps_the_filters_and_stops_at_both_ends():
    args = {"q": "аналар", "region": "KZ-61", "type": "", "offset": "20", "lang": "ru"}
    shown = paging("/registry/structures", args, total=45, offset=20)
    assert (shown["first"], shown["last"], shown["total"]) == (21, 40, 45)
    assert shown["previous"] == "/registry/structures?q=%D0%B0%D0%BD%D0%B0%D0%BB%D0%B0%D1%80" \
                                "&region=KZ-61"
    assert shown["next"].endswith("&region=KZ-61&offset=40")
    last = paging("/inbox", {}, total=45, offset=40)
    assert (last["first"], last["last"], last["next"]) == (41, 45, None)
    assert paging("/inbox", {}, total=0, offset=0) == {
        "first": 0, "last": 0, "total": 0, "previous": None, "next": None}


def test_a_bad_offset_is_the_first_page_and_pages_are_whole():
    assert offset_of({"offset": "x"}) == 0
    assert offset_of({"offset": "-40"}) == 0
    assert offset_of({"offset": "45"}) == 40
    assert offset_of({}) == 0


def test_field_errors_are_flat_with_dotted_names():
    errors = {"url": "not a URL", "place": {"district": "too long"},
              "languages": ["a code", "each once"], "_schema": "bad"}
    assert field_errors(errors) == {"url": "not a URL", "place.district": "too long",
                                    "languages": "a code; each once", "_schema": "bad"}
    assert field_errors(None) == {}


def test_the_event_form_becomes_the_apis_body():
    body, errors = event_body({
        "region": "KZ-61", "kind": "forum", "starts_at": "2026-05-20T15:00", "ends_at": "",
        "participants": "35", "languages": "kk, ru;uz", "district": "Сарыағаш",
        "media_links": "https://example.kz/a\n\n https://example.kz/b ", "title_kk": ""})
    assert errors == {}
    assert body == {"region": "KZ-61", "kind": "forum", "starts_at": "2026-05-20T15:00",
                    "participants": 35, "languages": ["kk", "ru", "uz"],
                    "place": {"district": "Сарыағаш"},
                    "media_links": ["https://example.kz/a", "https://example.kz/b"]}
    _body, errors = event_body({"participants": "many"})
    assert set(errors) == {"participants"}
