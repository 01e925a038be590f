"""Marshmallow schemas compiled once into plain functions: "surely what marshmallow does",
or "ask marshmallow".

A consumer of a burst of events spent more CPU in marshmallow's ``load`` of each envelope
and payload than in anything else but its database, and a producer of a slip's 10 000
events more in ``new_envelope``'s load-then-dump than in the rest of its RPC
(bench/README.md). One compiler serves both, from the schema's fields, on one of two
sides:

- the WIRE side (:func:`compile_check`, parse_envelope): a received message, JSON values.
  ``check(data) -> bool`` is True only when ``schema.load`` accepts ``data``;
- the TYPED side (:func:`compile_dump`, kelisim.events.payloads): a payload our code
  builds from typed domain events. ``dump(data)`` gives what
  ``schema.dump(schema.load(data))`` gives, key for key and in the schema's order
  (unknown keys dropped, a missing optional field given its ``load_default``, dates as
  ISO text, dicts and lists copied), or raises :class:`Slow`.

On both sides a value is taken only when it has exactly the type the field takes as it is
(a ``str`` for ``String``, an ``int`` for ``Integer``: not a bool, not the text "7"), a
required field is present, ``None`` only where allowed, the field's validators pass on the
loaded value, and nested schemas, list items and dict keys and values are taken the same
way; an unknown key only where the schema excludes or includes unknown keys. The sides
differ where the values differ: a ``Date`` is ISO text parsed by the field's own parser on
the wire, a ``date`` object (dumped as ISO text) when typed; ``Boolean``, ``UUID``,
``Decimal`` and ``AwareDateTime`` are checked on the wire only, and the typed side also
refuses fields with ``data_key``, ``attribute``, ``dump_default``, ``load_only`` or
``dump_only`` (their dump is not the value taken). Anything else (a field type not known
here, a schema hook, a value marshmallow would coerce, a failing validator) is the
caller's cue to use marshmallow as before: same rules, same errors, only the common case
is cheaper. tests/unit/core/test_checks.py and test_event_payloads.py hold both sides to
marshmallow for every catalogued event.
"""
import decimal
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields, missing

Check = Callable[[Any], bool]
Take = Callable[[Any], Any]  # a value -> its output, or raises Slow


class Slow(Exception):
    """This value is not one the compiled function takes: ask marshmallow."""


_SLOW = Slow()


def compile_check(schema: Schema) -> Check | None:
    """A function ``check(data) -> bool`` for ``schema`` (an instance), True only for data
    that ``schema.load`` accepts; None when the schema has parts it cannot check (hooks,
    an unknown field type): then load with marshmallow. Raises nothing."""
    take = _schema(schema, typed=False)
    if take is None:
        return None

    def check(data: Any) -> bool:
        try:
            take(data)
        except Slow:
            return False
        return True

    return check


def compile_dump(schema: Schema) -> Callable[[Any], dict[str, Any]] | None:
    """A function ``dump(data) -> dict`` for ``schema`` (an instance) giving what
    ``schema.dump(schema.load(data))`` gives, for typed ``data``; it raises :class:`Slow`
    for data it does not take (then use marshmallow). None when the schema has parts it
    does not compile."""
    return _schema(schema, typed=True)


def _schema(schema: Schema, typed: bool) -> Take | None:
    if any(schema._hooks.values()) or schema.many or schema.unknown not in (RAISE, EXCLUDE,
                                                                            INCLUDE):
        return None
    steps = []
    for name, field in (schema.fields if typed else schema.load_fields).items():
        if typed and (field.data_key is not None or field.attribute is not None
                      or field.load_only or field.dump_only
                      or field.dump_default is not missing):
            return None
        take = _field(field, typed)
        if take is None:
            return None
        default = field.load_default if typed else missing
        steps.append((field.data_key or name, name, take, field.required,
                      default is not missing, default))
    strict_keys = schema.unknown == RAISE
    known = {key for key, *_ in steps}

    def run(data: Any) -> dict[str, Any]:
        if type(data) is not dict:
            raise _SLOW
        if strict_keys:
            for key in data:
                if key not in known:
                    raise _SLOW
        out = {}
        for key, name, take, required, has_default, default in steps:
            if key in data:
                out[name] = take(data[key])
            elif required:
                raise _SLOW
            elif has_default:  # marshmallow dumps the loaded default as it dumps any value
                out[name] = take(default() if callable(default) else default)
        return out

    return run


def _field(field: Any, typed: bool) -> Take | None:
    """The take of one field's value: None where allowed, the kind's take, then the field's
    validators on the loaded value (the value itself on the typed side); any failure is
    Slow. None for a field not compiled."""
    if field.pre_load or field.post_load:
        return None
    take = _kind(field, typed)
    if take is None:
        return None
    validators = tuple(field.validators)
    allow_none = field.allow_none
    if typed and not validators:  # the typed takes raise nothing but Slow
        def bare(value: Any) -> Any:
            if value is None:
                if allow_none:
                    return None
                raise _SLOW
            return take(value)
        return bare

    def checked(value: Any) -> Any:
        if value is None:
            if allow_none:
                return None
            raise _SLOW
        try:
            out = take(value)
            loaded = value if typed else out
            for validator in validators:
                if validator(loaded) is False:
                    raise _SLOW
        except Slow:
            raise
        except Exception:  # any failure: let marshmallow say it
            raise _SLOW from None
        return out

    return checked


def _kind(field: Any, typed: bool) -> Take | None:  # noqa: C901  (one branch per field type)
    """The take of a non-None value of ``field`` by its type, validators aside."""
    from kelisim.events.catalogue.projects import IntList  # it loads as List does

    kind = type(field)
    if kind is fields.String:
        return _exactly(str)
    if kind is fields.Integer:
        return _exactly(int)
    if kind is fields.Date:
        if typed:
            return _iso_date if field.format in (None, "iso") else None
        return _iso(field)
    if kind in (fields.List, IntList):
        return _list(field, typed)
    if kind is fields.Dict:
        return _dict(field, typed)
    if (kind is fields.Nested and not field.many and not field.only and not field.exclude
            and field.unknown is None):
        return _schema(field.schema, typed)
    if typed:
        return None
    if kind is fields.Boolean:
        return _exactly(bool)
    if kind is fields.UUID:
        return lambda value: uuid.UUID(_exactly(str)(value))
    if kind is fields.Decimal and field.places is None and not field.allow_nan:
        def finite(value: Any) -> Any:  # money travels as decimal strings
            found = decimal.Decimal(_exactly(str)(value))
            if not found.is_finite():
                raise _SLOW
            return found
        return finite
    if kind is fields.AwareDateTime and field.default_timezone is None:
        iso = _iso(field)
        if iso is None:
            return None

        def aware(value: Any) -> Any:
            found = iso(value)
            if found.tzinfo is None or found.utcoffset() is None:
                raise _SLOW
            return found
        return aware
    return None


def _exactly(kind: type) -> Take:
    def take(value: Any) -> Any:
        if type(value) is not kind:
            raise _SLOW
        return value
    return take


def _iso_date(value: Any) -> Any:
    if type(value) is not date:
        raise _SLOW
    return value.isoformat()


def _iso(field: Any) -> Take | None:
    """The parser of a date or datetime field in its ISO format (the one marshmallow's
    field uses), for a string; None for another format."""
    data_format = field.format or field.DEFAULT_FORMAT
    if data_format not in ("iso", "iso8601"):
        return None
    parse = field.DESERIALIZATION_FUNCS[data_format]

    def take(value: Any) -> Any:
        if type(value) is not str:  # a date/datetime object: marshmallow's own way
            raise _SLOW
        return parse(value)
    return take


def _list(field: Any, typed: bool) -> Take | None:
    inner = field.inner
    if (type(inner) is fields.Integer and not inner.validators and not inner.allow_none
            and not inner.pre_load and not inner.post_load):
        def ints(value: Any) -> Any:  # a slip's chain of up to 50 task ids: in one pass
            if type(value) is not list or not all(type(each) is int for each in value):
                raise _SLOW
            return list(value)
        return ints
    item = _field(inner, typed)
    if item is None:
        return None

    def take(value: Any) -> Any:
        if type(value) is not list:
            raise _SLOW
        return [item(each) for each in value]
    return take


def _dict(field: Any, typed: bool) -> Take | None:
    keys = _field(field.key_field, typed) if field.key_field is not None else None
    values = _field(field.value_field, typed) if field.value_field is not None else None
    if (field.key_field is not None and keys is None) or (
            field.value_field is not None and values is None):
        return None
    same = _same

    def take(value: Any) -> Any:
        if type(value) is not dict:
            raise _SLOW
        if keys is None and values is None:
            return dict(value)
        return {(keys or same)(key): (values or same)(item) for key, item in value.items()}
    return take


def _same(value: Any) -> Any:
    return value
