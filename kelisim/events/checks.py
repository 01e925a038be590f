"""A fast check of a message against a marshmallow schema: "surely valid", or "ask
marshmallow".

A consumer of a burst of events spent more CPU in marshmallow's ``load`` of each envelope
and payload (field objects, error bookkeeping, a loaded copy it then threw away) than in
anything else but its database. :func:`compile_check` reads a schema's fields once and
returns a plain function over the message that answers True only when marshmallow would
accept it too: every value of exactly the type the field takes as it is (a ``str`` for
``Str``, an ``int`` for ``Int``, an ISO string the field's own parser reads for ``Date``
and ``AwareDateTime``, …), required fields present, ``None`` only where allowed, the
field's validators passing, nested schemas and list items checked the same way, unknown
keys only where the schema ignores or includes them. Anything else (a field type it does
not know, a schema hook, a value marshmallow would coerce) answers False, and the caller
loads the message with marshmallow as before: same rules, same errors, only the common
case is cheaper.
"""
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields

Check = Callable[[Any], bool]


def compile_check(schema: Schema) -> Check | None:
    """A function ``check(data) -> bool`` for ``schema`` (an instance), True only for data
    that ``schema.load`` accepts; None when the schema has parts it cannot check (hooks,
    an unknown field type): then load with marshmallow. Raises nothing."""
    if any(schema._hooks.values()) or schema.many:
        return None
    known = {}
    for name, field in schema.load_fields.items():
        check = _field_check(field)
        if check is None:
            return None
        known[field.data_key or name] = (check, field.required, field.allow_none)
    if schema.unknown not in (RAISE, EXCLUDE, INCLUDE):
        return None
    strict_keys = schema.unknown == RAISE
    required = [key for key, (_, needed, _) in known.items() if needed]
    items = list(known.items())

    def check_data(data: Any) -> bool:
        if type(data) is not dict:
            return False
        for key in required:
            if key not in data:
                return False
        if strict_keys:
            for key in data:
                if key not in known:
                    return False
        for key, (field_check, _, allow_none) in items:
            if key in data:
                value = data[key]
                if value is None:
                    if not allow_none:
                        return False
                elif not field_check(value):
                    return False
        return True

    return check_data


def _plain(field: Any) -> bool:
    """Nothing runs on the value but the field's own parsing and validators."""
    return not field.pre_load and not field.post_load


def _with_validators(field: Any, convert: Callable[[Any], Any]) -> Check:
    validators = list(field.validators)

    def check(value: Any) -> bool:
        try:
            output = convert(value)
            for validator in validators:
                if validator(output) is False:
                    return False
        except Exception:  # any failure: let marshmallow say it
            return False
        return True

    return check


def _same(value: Any) -> Any:
    return value


def _exactly(kind: type) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(kind.__name__)
        return value
    return convert


def _field_check(field: Any) -> Check | None:  # noqa: C901  (one branch per field type)
    if not _plain(field):
        return None
    kind = type(field)
    if kind is fields.String:
        return _with_validators(field, _exactly(str))
    if kind is fields.Integer:
        return _with_validators(field, _exactly(int))
    if kind is fields.Boolean:
        return _with_validators(field, _exactly(bool))
    if kind is fields.UUID:
        def as_uuid(value: Any) -> Any:
            if type(value) is not str:
                raise TypeError("str")
            return uuid.UUID(value)
        return _with_validators(field, as_uuid)
    if kind is fields.Decimal and field.places is None and not field.allow_nan:
        def finite(value: Any) -> Any:  # money travels as decimal strings
            if type(value) is not str:
                raise TypeError("str")
            found = decimal.Decimal(value)
            if not found.is_finite():
                raise ValueError("not finite")
            return found
        return _with_validators(field, finite)
    parse = _iso(field) if kind in (fields.Date, fields.AwareDateTime) else None
    if kind is fields.Date and parse is not None:
        return _with_validators(field, parse)
    if kind is fields.AwareDateTime and parse is not None and field.default_timezone is None:
        iso = parse

        def aware(value: Any) -> Any:
            found = iso(value)
            if found.tzinfo is None or found.utcoffset() is None:
                raise ValueError("naive")
            return found
        return _with_validators(field, aware)
    if kind is fields.Dict:
        return _dict_check(field)
    if isinstance(field, fields.List) and _is_plain_list(field):
        inner = _item_check(field.inner)
        if inner is None:
            return None
        whole = _with_validators(field, _same)

        def each(value: Any) -> bool:
            if type(value) is not list:
                return False
            for item in value:
                if not inner(item):
                    return False
            return whole(value)
        return each
    if (kind is fields.Nested and not field.many and field.only is None and not field.exclude
            and field.unknown is None):
        nested = compile_check(field.schema)
        if nested is None:
            return None
        whole = _with_validators(field, _same)
        return lambda value: nested(value) and whole(value)
    return None


def _is_plain_list(field: Any) -> bool:
    from kelisim.events.catalogue.projects import IntList  # its fast path loads as List does

    return type(field) in (fields.List, IntList)


def _item_check(field: Any) -> Check | None:
    """A list item or dict value: None allowed only where the field allows it."""
    check = _field_check(field)
    if check is None:
        return None
    allow_none = field.allow_none
    return lambda value: (allow_none if value is None else check(value))


def _dict_check(field: Any) -> Check | None:
    keys = _item_check(field.key_field) if field.key_field is not None else None
    values = _item_check(field.value_field) if field.value_field is not None else None
    if (field.key_field is not None and keys is None) or (
            field.value_field is not None and values is None):
        return None
    whole = _with_validators(field, _same)

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return False
        if keys is not None or values is not None:
            for key, item in value.items():
                if (keys is not None and not keys(key)) or (
                        values is not None and not values(item)):
                    return False
        return whole(value)
    return check


def _iso(field: Any) -> Callable[[Any], Any] | None:
    """The parser of a date or datetime field in its ISO format (the one marshmallow's
    field uses), for a string; None for another format."""
    data_format = field.format or field.DEFAULT_FORMAT
    if data_format not in ("iso", "iso8601"):
        return None
    parse = field.DESERIALIZATION_FUNCS[data_format]

    def convert(value: Any) -> Any:
        if type(value) is not str:  # a date/datetime object: marshmallow's own way
            raise TypeError("str")
        return parse(value)
    return convert
