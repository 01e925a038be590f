"""kombu's ``json`` serializer on orjson: the same messages, a tenth of the CPU.

Every RPC call and reply and every event between kelisim's components is JSON (nameko's
``serializer: json``, kombu's ``kombu.utils.json``). A page of 50 tasks is ~50 kB of it,
and kombu's encoder and decoder (the standard library's, with a Python ``default`` and an
``object_hook`` called for every object) were ~1.3 ms each way of it on this machine;
orjson takes ~0.07 ms to encode and ~0.45 ms to decode the same page.

What travels is what kombu's serializer writes, so a component without this module (a
standalone proxy, ``kelisim listen``, a consumer outside kelisim) reads it unchanged:

- datetimes, dates, times, Decimals and bytes go through kombu's own encoder
  (``{"__type__": "date", "__value__": "2026-01-05"}``), and a message holding such a
  tag is decoded by kombu's own decoder, which turns them back into those types;
- text is UTF-8 as is (kombu escaped every non-ASCII character: Kazakh and Russian
  bodies are about half as large now); dict keys that are not strings are written as
  strings, as the standard library does.

Source: orjson (https://github.com/ijl/orjson), kombu.serialization.

Integers beyond 64 bits travel exactly, as before: orjson writes none, so such a message
is written by kombu's encoder, and a message holding a run of 19 or more digits (what
orjson would read as a float) is read by kombu's decoder. kelisim's own integers are within
32 bits, but a client's body is passed on as the client wrote it: ``{"cases_received":
10**30}`` in ``PUT /api/v1/reports/<id>`` is the reports service's 422 naming the field,
where an ``EncodeError`` in the gateway's RPC call was a 500.

Differences, all outside what kelisim sends (its ids are text, README "The HTTP API"): a
UUID object travels as its text (kombu tagged it and read back a UUID); a float NaN or
infinity is written as ``null`` (the standard library wrote ``NaN``, which is not JSON). A
message orjson cannot read (``NaN`` from another writer) is read by kombu's decoder.
"""
from __future__ import annotations

from typing import Any

import orjson
from kombu.serialization import registry
from kombu.utils import json as kombu_json

CONTENT_TYPE = "application/json"
_TAG = b'"__type__"'
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
# 19 digits in a row: perhaps an integer beyond orjson's 64 bits (-2**63 - 1 has 19), which
# it would read as a float; a false alarm (a long decimal, digits in a text) costs only speed.
# Bytes are searched with every digit made "0" and a run of 19 of them looked for (C string
# search): the regular expression took ~0.6 ms on a 38 kB page of 50 tasks, 4x orjson's
# decoding of it; this takes ~0.03 ms.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_DIGITS = b"0" * 19
_KOMBU_ENCODER = kombu_json.JSONEncoder()
_installed = False


def dumps(value: Any) -> bytes:
    """``value`` as UTF-8 JSON bytes, kombu's tags for the types JSON lacks.

    An integer beyond 64 bits (orjson refuses it) is written by kombu's encoder, exactly.
    Raises TypeError (ValueError for a circular reference) for what kombu cannot encode
    either; kombu turns it into ``kombu.exceptions.EncodeError``."""
    try:
        return orjson.dumps(value, default=_KOMBU_ENCODER.default, option=_OPTIONS)
    except orjson.JSONEncodeError:  # e.g. "Integer exceeds 64-bit range": kombu's encoder
        text: str = kombu_json.dumps(value)
        return text.encode("utf-8")


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """The value of a JSON message (bytes or text); kombu's tags turned back into types,
    integers beyond 64 bits read exactly (by kombu's decoder)."""
    if isinstance(data, memoryview):
        data = data.tobytes()
    elif isinstance(data, str):  # py-amqp hands a message's body over decoded
        try:  # searched as bytes: the regular expression on text took 0.3 ms per 30 kB
            data = data.encode("utf-8")  # page answered, ten times this and the search
        except UnicodeEncodeError:  # a lone surrogate, which orjson refuses too
            return kombu_json.loads(data)
    if _TAG not in data and not _long_digits(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # e.g. NaN written by the standard library: kombu reads it as before
    return kombu_json.loads(data)


def _long_digits(data: bytes | bytearray) -> bool:
    """Whether ``data`` holds 19 or more ASCII digits in a row."""
    return _NINETEEN_DIGITS in data.translate(_DIGITS_AS_ZERO)


def install() -> None:
    """Make this module kombu's ``json`` serializer in this process (idempotent).

    Every publisher naming ``serializer="json"`` (nameko's RPC and events, the outbox
    relays) then encodes with :func:`dumps`, and every ``application/json`` message is
    decoded by :func:`loads`."""
    global _installed
    if not _installed:
        registry.register("json", dumps, loads, content_type=CONTENT_TYPE,
                          content_encoding="utf-8")
        _installed = True
