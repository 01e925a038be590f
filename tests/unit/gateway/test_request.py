import json
from types import SimpleNamespace

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.errors import MalformedRequest, PayloadTooLarge, UnsupportedMediaType
from gateway.http.request import ApiRequest, read_body
from kelisim.errors import Invalid
from services.registry.contract.schemas import OrgUnitCreateSchema, StructureQuery

SPEC = SimpleNamespace(body=OrgUnitCreateSchema, query=None)
QUERY_SPEC = SimpleNamespace(body=None, query=StructureQuery)
UNIT = {"code": "HF-1", "name_kk": "Достық үйі", "name_ru": "Дом дружбы",
        "kind": "house_of_friendship", "level": "city", "region_code": "KZ-61", "parent_id": 2}


def request(data=b"", content_type="application/json", query=None, **kwargs):
    builder = EnvironBuilder(method="POST", path="/x", data=data, content_type=content_type,
                             query_string=query, **kwargs)
    return Request(builder.get_environ())


def parsed(data, content_type="application/json", max_bytes=4096):
    req = request(data, content_type)
    read_body(req, max_bytes)
    return ApiRequest.parse(req, SPEC)


def test_a_valid_body_is_passed_on_as_sent():
    body = json.dumps(UNIT, ensure_ascii=False).encode()
    assert parsed(body).body == UNIT


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    req = request(b"{}")
    req.environ["CONTENT_LENGTH"] = "5000"
    with pytest.raises(PayloadTooLarge):
        read_body(req, 4096)


def test_a_body_over_the_limit_without_a_declared_length_is_refused():
    req = request(b"x" * 5000)
    del req.environ["CONTENT_LENGTH"]  # as with chunked transfer encoding
    with pytest.raises(PayloadTooLarge):
        read_body(req, 4096)


def test_a_body_at_the_limit_is_read():
    req = request(b"x" * 4096)
    assert read_body(req, 4096) == b"x" * 4096


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_unsupported(content_type):
    with pytest.raises(UnsupportedMediaType):
        parsed(json.dumps(UNIT).encode(), content_type)


def test_json_subtypes_are_accepted():
    assert parsed(json.dumps(UNIT).encode(), "application/merge-patch+json").body == UNIT


@pytest.mark.parametrize("data", [b"{", b"", b"{'code': 1}", b'{"a": NaN}', b"\xff\xfe{}"])
def test_malformed_json_is_a_bad_request(data):
    with pytest.raises(MalformedRequest):
        parsed(data)


def test_schema_violations_name_each_field():
    body = dict(UNIT, level="galactic", extra=1)
    del body["name_kk"]
    with pytest.raises(Invalid) as caught:
        parsed(json.dumps(body).encode())
    assert set(caught.value.errors) == {"level", "extra", "name_kk"}


def test_a_json_array_is_not_an_object():
    with pytest.raises(Invalid):
        parsed(b"[1, 2]")


def test_the_query_is_validated_and_typed():
    req = request(query={"region": "KZ-61", "limit": "5"})
    parsed = ApiRequest.parse(req, QUERY_SPEC)
    assert parsed.query == {"region": "KZ-61", "limit": 5, "offset": 0}
    assert parsed.params == {"region": "KZ-61", "limit": "5"}  # as sent, for the service
    with pytest.raises(Invalid) as unknown:
        ApiRequest.parse(request(query={"region": "KZ-61", "sort": "x"}), QUERY_SPEC)
    assert unknown.value.errors == {"sort": "unknown query parameter"}
    with pytest.raises(Invalid) as caught:
        ApiRequest.parse(request(query={"limit": "many", "region": "Turkistan"}), QUERY_SPEC)
    assert set(caught.value.errors) == {"limit", "region"}


@pytest.mark.parametrize("depth", [33, 900, 3000, 100_000])
def test_json_nested_too_deep_is_a_bad_request_not_a_crash(depth):
    body = '{"code": ' + "[" * depth + "1" + "]" * depth + "}"
    with pytest.raises(MalformedRequest, match="deep"):
        parsed(body.encode(), max_bytes=len(body))


@pytest.mark.parametrize("number", ["1e999", "-1e999", "1.5e400"])
def test_numbers_no_double_holds_are_a_bad_request(number):
    with pytest.raises(MalformedRequest):
        parsed(b'{"parent_id": ' + number.encode() + b"}")


def test_a_body_that_ends_before_its_content_length_is_not_used():
    req = request(b'{"code": "HF-1"}')
    req.environ["CONTENT_LENGTH"] = "200"  # the client promised more, then closed
    with pytest.raises(MalformedRequest, match="ended after 16 of its 200 bytes"):
        read_body(req, 4096)


@pytest.mark.parametrize("text", ["\ud800x", "x\udfff", "a\x00b", "\x1b[2J", "\x7f\x08"])
def test_unstorable_text_in_a_body_names_its_field(text):
    with pytest.raises(Invalid) as caught:
        parsed(json.dumps(dict(UNIT, name_kk=text)).encode())
    assert set(caught.value.errors) == {"name_kk"}


@pytest.mark.parametrize("body, en_part", [
    (b'{"name": "x", }', "line 1, column 15"),
    (b'{"name": "\xff"}', "byte 10 is not UTF-8"),
    (b'{"share": NaN}', "NaN is not a JSON value"),
    (b'{"share": 1e999}', "the number 1e999 is too large"),
])
def test_a_bad_body_is_described_in_the_reader_language_without_the_parser_words(body, en_part):
    """Issue 13: only positions come from Python's parser, never its English sentence."""
    with pytest.raises(MalformedRequest) as refused:
        parsed(body)
    kk, ru, en = (refused.value.detail_in(lang) for lang in ("kk", "ru", "en"))
    assert en_part in en
    assert kk.startswith("сұрау денесі жарамды UTF-8 JSON емес: ")
    assert ru.startswith("тело запроса не является корректным JSON в UTF-8: ")
    for text in (kk, ru):
        assert not any(word in text for word in (
            "Expecting", "codec", "decode", "beyond", "is not", "line", "too large"))
