"""kombu's json serializer on orjson (kelisim/serialization.py): what travels is what
kombu's own serializer writes and reads, in UTF-8 as is."""
import math
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from kombu.exceptions import EncodeError
from kombu.serialization import dumps, loads
from kombu.utils import json as kombu_json

from kelisim import serialization

serialization.install()

VALUE = {"id": 7, "title": "Медиация — Қазақстан", "ok": True, "none": None, "share": 0.25,
         "day": date(2026, 1, 5), "at": datetime(2026, 1, 5, 9, 30, 1, 5, tzinfo=UTC),
         "naive": datetime(2026, 1, 5, 9, 30), "clock": time(9, 30), "kzt": Decimal("10.05"),
         "raw": b"\x00\xff", "list": [1, (2, 3), {"a": []}],
         5: "an integer key"}


def test_json_messages_are_utf8_and_read_back_with_their_types():
    content_type, encoding, body = dumps(VALUE, serializer="json")
    assert (content_type, encoding) == ("application/json", "utf-8")
    assert "Медиация — Қазақстан".encode() in body  # not \\u escapes
    back = loads(body, content_type, encoding)
    expected = dict(VALUE, list=[1, [2, 3], {"a": []}])
    del expected[5]
    assert back.pop("5") == "an integer key"
    assert back == expected
    assert type(back["day"]) is date and type(back["at"]) is datetime


def test_what_kombus_own_json_wrote_is_read_the_same():
    body = kombu_json.dumps(VALUE).encode()
    assert loads(body, "application/json", "utf-8") == kombu_json.loads(body)
    plain = kombu_json.dumps({"items": [{"title": "Тәуекел", "n": 2**63}]}).encode()
    assert loads(plain, "application/json", "utf-8") == {"items": [{"title": "Тәуекел",
                                                                    "n": 2**63}]}


def test_a_uuid_travels_as_its_text():
    _, _, body = dumps({"id": uuid.UUID(int=7)}, serializer="json")
    assert loads(body, "application/json", "utf-8") == {"id": str(uuid.UUID(int=7))}


def test_and_kombus_own_json_reads_what_is_written_now():
    _, _, body = dumps(VALUE, serializer="json")
    assert kombu_json.loads(body) == loads(body, "application/json", "utf-8")


def test_nan_from_another_writer_is_read_and_none_is_written():
    body = kombu_json.dumps({"x": float("nan")}).encode()
    assert math.isnan(loads(body, "application/json", "utf-8")["x"])
    assert serialization.loads(serialization.dumps({"x": float("inf")})) == {"x": None}


@pytest.mark.parametrize("n", [10**30, -(10**30), 2**64, -(2**63) - 1, 2**64 - 1, -(2**63)])
def test_an_integer_beyond_64_bits_travels_exactly(n):
    """A client's body is passed on as written: {"cases_received": 10**30} in a report was
    an EncodeError in the gateway's RPC call (a 500) once orjson wrote the messages."""
    _, _, body = dumps({"n": n, "title": "Тәуекел"}, serializer="json")
    back = loads(body, "application/json", "utf-8")
    assert back == {"n": n, "title": "Тәуекел"} and type(back["n"]) is int
    assert serialization.loads(body.decode()) == back  # text too
    assert loads(kombu_json.dumps({"n": n}).encode(), "application/json", "utf-8") == {"n": n}


def test_what_json_cannot_hold_is_refused():
    with pytest.raises(EncodeError):
        dumps({"x": object()}, serializer="json")


@pytest.mark.parametrize("text", [
    '{"due": {"__type__": "date", "__value__": "2026-01-05"}, "title": "Тәуекел"}',
    '{"n": 123456789012345678901234567890, "title": "Медиация"}',
    '{"phone": "8 701 000 00 00", "title": "Жаңғыру жолы", "id": 9223372036854775807}',
    '{"half": "\ud800", "title": "Тәуекел"}',  # a lone surrogate in the text itself
])
def test_a_body_handed_over_as_text_reads_as_kombu_reads_it(text):
    """py-amqp gives the body decoded: text is read as the bytes would be, and what
    orjson cannot read (kombu's tags, long integers, a lone surrogate) by kombu."""
    assert serialization.loads(text) == kombu_json.loads(text)
