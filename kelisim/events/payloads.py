"""An event's payload as the catalogue publishes it, without marshmallow's round trip.

``new_envelope`` used to ``load`` every payload against its catalogue schema and ``dump``
the result: 180–215 µs of CPU for a ``deadline_slipped``, 64 % of a 10 001-task slip's
RPC (bench/README.md, "Where the time goes"). Our own producers build payloads from typed
domain events (ints, texts, ``date`` objects, dicts of those), for which load-then-dump
only checks the types and turns dates into ISO text. :func:`dump` does exactly that in
one pass, from a plan compiled once per schema out of its marshmallow fields:

- a field is taken on the fast path only when its value has exactly the type the field
  loads (``type(v) is int`` for an Integer: not a bool, not the text "7"; ``date`` for a
  Date, not a datetime or ISO text; ``str`` for a String; a ``dict`` of texts for a
  Dict with text keys and values; a list of those for a List; a nested schema's dict);
  its validators (``OneOf`` of a RACI role, an assignee's kind) are run as marshmallow
  runs them; a missing required field, a ``None`` where none is allowed, any other type
  or a failing validator sends the WHOLE payload through marshmallow's load and dump,
  which gives the same result or raises the same error (ValueError naming the fields);
- the result is what ``schema.dump(schema.load(data))`` gives, field for field and in
  the schema's order (so its JSON is byte for byte the same): unknown keys dropped
  (the catalogue's EXCLUDE), a missing optional field given its ``load_default``,
  dates as ISO text, dicts and lists copied;
- a schema holding a field this module does not compile (Decimal, AwareDateTime,
  Boolean, a field with ``data_key``/``attribute``/``dump_default``, a hook) always goes
  through marshmallow: budget_overrun, report_submitted and the like are rare.

Data from outside our code (an RPC's arguments) is no different: the fast path accepts
only what marshmallow would accept and dump unchanged, everything else is marshmallow's.
tests/unit/core/test_event_payloads.py holds both paths equal for every catalogued event.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing

from kelisim.events import catalogue
from kelisim.events.catalogue.projects import IntList


class _Slow(Exception):
    """This value is not one the fast path takes: the payload goes through marshmallow."""


_SLOW = _Slow()
Convert = Callable[[Any], Any]


def dump(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as the catalogue's schema of ``event_type`` loads then dumps it.

    Raises KeyError for an uncatalogued type and ValueError (``event <type> does not
    match its schema: {field: [messages]}``) for a payload the schema refuses."""
    plan = _plan(event_type)
    if plan is not None and type(data) is dict:
        try:
            return plan(data)
        except _Slow:
            pass
    return _marshmallow(event_type, data)


def _marshmallow(event_type: str, data: Any) -> dict[str, Any]:
    schema = _schema(event_type)
    try:
        dumped: dict[str, Any] = schema.dump(schema.load(data))
    except ValidationError as exc:
        raise ValueError(f"event {event_type} does not match its schema: {exc.messages}") from exc
    return dumped


@functools.cache
def _schema(event_type: str) -> Schema:
    """One schema instance per event type: building one per event costs more than using it."""
    return catalogue.get(event_type).schema()


@functools.cache
def _plan(event_type: str) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """The compiled fast path of ``event_type``'s schema, or None if it has none."""
    try:
        return _schema_plan(_schema(event_type))
    except _Uncompiled:
        return None


class _Uncompiled(Exception):
    """A field (or schema) the fast path does not handle."""


def _schema_plan(schema: Schema) -> Callable[[dict[str, Any]], dict[str, Any]]:
    if any(schema._hooks.values()) or schema.unknown != EXCLUDE:  # a hook; unknown keys kept
        raise _Uncompiled
    steps = []
    for name, field in schema.dump_fields.items():
        if (field.data_key is not None or field.attribute is not None or field.load_only
                or field.dump_only or field.dump_default is not missing):
            raise _Uncompiled
        default = field.load_default
        steps.append((name, _field_plan(field), field.required, default is not missing,
                      default))

    def run(data: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, convert, required, has_default, default in steps:
            if name in data:
                out[name] = convert(data[name])
            elif required:
                raise _SLOW
            elif has_default:
                value = default() if callable(default) else default
                # marshmallow dumps the loaded default as it dumps any value
                out[name] = convert(value)
        return out

    return run


def _field_plan(field: fields.Field[Any]) -> Convert:
    """A function turning a value of ``field`` into its dumped form, or raising _Slow."""
    convert = _bare_plan(field)
    validators = tuple(field.validators)
    allow_none = field.allow_none
    if validators:
        inner = convert

        def convert(value: Any) -> Any:  # noqa: F811  (the checked version of inner)
            if value is None:
                if allow_none:
                    return None
                raise _SLOW
            for validator in validators:
                try:
                    validator(value)
                except ValidationError:
                    raise _SLOW from None
            return inner(value)
        return convert

    def checked(value: Any) -> Any:
        if value is None:
            if allow_none:
                return None
            raise _SLOW
        return convert(value)

    return checked


def _exact(kind: type) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not kind:
            raise _SLOW
        return value
    return convert


def _iso_date(value: Any) -> Any:
    if type(value) is not date:
        raise _SLOW
    return value.isoformat()


def _bare_plan(field: Any) -> Convert:
    """The conversion of a non-None value of ``field`` (a marshmallow field), validators
    aside; raises _Uncompiled for a field it does not handle."""
    kind = type(field)
    if kind in (fields.String, fields.Str):
        return _exact(str)
    if kind in (fields.Integer, fields.Int):
        return _exact(int)
    if kind is fields.Date and field.format in (None, "iso"):
        return _iso_date
    if kind is fields.Dict:
        return _dict_plan(field)
    if kind is fields.Nested and not field.many and not field.only and not field.exclude:
        nested = field.schema
        return _nested(_schema_plan(nested))
    if kind is IntList:  # a slip's chain of up to 50 task ids: checked in one pass
        def ints(value: Any) -> Any:
            if type(value) is not list or not all(type(each) is int for each in value):
                raise _SLOW
            return list(value)
        return ints
    if kind is fields.List:
        item = _field_plan(field.inner)

        def convert(value: Any) -> Any:
            if type(value) is not list:
                raise _SLOW
            return [item(each) for each in value]
        return convert
    raise _Uncompiled


def _nested(plan: Callable[[dict[str, Any]], dict[str, Any]]) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not dict:
            raise _SLOW
        return plan(value)
    return convert


def _dict_plan(field: fields.Dict) -> Convert:
    keys, values = field.key_field, field.value_field
    if keys is None and values is None:
        def copy(value: Any) -> Any:
            if type(value) is not dict:
                raise _SLOW
            return dict(value)
        return copy
    if (keys is None or type(keys) in (fields.String, fields.Str) and not keys.validators) and \
            values is not None and type(values) in (fields.String, fields.Str) and \
            not values.validators:
        values_none = values.allow_none

        def texts(value: Any) -> Any:
            if type(value) is not dict:
                raise _SLOW
            for key, text in value.items():
                if type(key) is not str or not (type(text) is str or
                                                 text is None and values_none):
                    raise _SLOW
            return dict(value)
        return texts
    raise _Uncompiled
