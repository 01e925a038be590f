"""Marshmallow helpers shared by every service's contract."""
import functools
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, pre_load, validate

from kelisim.errors import Invalid
from kelisim.i18n import N_, Msg, _, recognise

# marshmallow's own messages arrive as English text; listed here for the catalogue, the
# gateway translates them (kelisim.i18n.translate matches the ones with numbers too)
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input type."),
    N_("Invalid type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid utf-8 string."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("String does not match expected pattern."),
    N_("Must be one of: {choices}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
)
REGION_CODE = validate.Regexp(r"^KZ-\d{2}$", error=N_("not a region code like KZ-61"))


INTEGER_RANGE = (-(2**31), 2**31 - 1)  # the databases' INTEGER columns (ids, counts)
# every date and time anyone sends: far beyond the platform's own years, yet narrow enough
# that a time converts to UTC (and to every database's type) without overflowing
DATE_RANGE = (date(1900, 1, 1), date(9998, 12, 31))
# C0 control characters other than tab, line feed and carriage return: never text a person
# typed, and NUL cannot be stored by PostgreSQL at all
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # half a UTF-16 pair: no database encodes it
TEXT_RULE = _("must not contain NUL or other control characters, or unpaired surrogates")


def _too_big(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]
    if isinstance(value, (list, tuple)):
        return any(_too_big(v) for v in value)
    return False  # a dict is a JSON document (report values): kept as sent


def _bad_text(value: Any) -> bool:
    """Whether a string anywhere in ``value`` (a JSON value) cannot be stored as text."""
    if isinstance(value, str):
        return bool(_CONTROL.search(value) or _SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_bad_text(k) or _bad_text(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_bad_text(v) for v in value)
    return False


def _refuse_outside(data: dict[str, Any], outside: Callable[[Any], bool],
                    bounds: tuple[Any, Any]) -> dict[str, Any]:
    """``data`` (a loaded dict) as it is, or ValidationError naming each field whose value
    ``outside`` finds out of ``bounds`` ("must be from {low} to {high}")."""
    if isinstance(data, dict):
        bad = sorted(str(name) for name, value in data.items() if outside(value))
        if bad:
            low, high = bounds
            raise ValidationError({name: [_("must be from {low} to {high}", low=low, high=high)]
                                   for name in bad})
    return data


def _out_of_time(value: Any) -> bool:
    """Whether a loaded date or datetime (or one in a list) lies outside DATE_RANGE."""
    if isinstance(value, (list, tuple)):
        return any(_out_of_time(v) for v in value)
    if isinstance(value, datetime):
        try:
            day = value.astimezone(UTC).date() if value.tzinfo else value.date()
        except OverflowError:
            return True
        return not DATE_RANGE[0] <= day <= DATE_RANGE[1]
    if isinstance(value, date):
        return not DATE_RANGE[0] <= value <= DATE_RANGE[1]
    return False


class _StorableInput:
    """Input every database can store: text with a NUL or another control character (tab
    and line breaks aside) or an unpaired surrogate is refused (PostgreSQL cannot store NUL,
    no database can encode a lone surrogate), and so are an integer beyond the INTEGER
    columns' range and a date or time outside DATE_RANGE (converting such a time to UTC
    overflows)."""

    @pre_load
    def _refuse_unstorable_text(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict):
            bad = sorted(str(name).encode("utf-8", "backslashreplace").decode()
                         for name, value in data.items() if _bad_text(name) or _bad_text(value))
            if bad:
                raise ValidationError({name: [TEXT_RULE] for name in bad})
        return data

    @post_load
    def _refuse_huge_integers(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return _refuse_outside(data, _too_big, INTEGER_RANGE)

    @post_load
    def _refuse_distant_dates(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return _refuse_outside(data, _out_of_time, DATE_RANGE)


# the only text a decimal may be: ASCII digits, an optional minus sign and decimal point
# (no exponent, underscore, whitespace, leading plus or non-ASCII digits, which Decimal() and
# int() would accept: issue 11.4, "money is exact or refused")
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)


class StrictDecimal(fields.Decimal):
    """A marshmallow Decimal whose text form must match DECIMAL_TEXT (``1e3``, `` 12 ``,
    ``1_000``, ``+5`` or ``١٢`` are refused as "Not a valid number."); JSON numbers load as
    before."""

    def _validated(self, value: Any) -> Decimal:
        if isinstance(value, str) and not DECIMAL_TEXT.fullmatch(value):
            raise self.make_error("invalid")
        number: Decimal = super()._validated(value)
        return number


class ExactDecimal(StrictDecimal):
    """A decimal sent as a string (or a JSON number), kept exactly: a value with more than
    ``places`` decimal places is refused, never rounded (marshmallow's own ``places`` rounds
    half to even, so 1.005 became 1.00), and so is one outside [``minimum``, ``maximum``],
    NaN and infinity. Loaded as a Decimal with exactly ``places`` places; dumped as text."""

    def __init__(self, places: int = 2, minimum: Decimal | int | None = None,
                 maximum: Decimal | int | None = None, unit: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("as_string", True)
        kwargs["allow_nan"] = False
        super().__init__(**kwargs)
        self.exact_places = places
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = None if maximum is None else Decimal(maximum)
        self.unit = unit

    def _validated(self, value: Any) -> Decimal:
        number: Decimal = super()._validated(value)
        if (self.minimum is not None and number < self.minimum) or \
                (self.maximum is not None and number > self.maximum):
            raise ValidationError([_("from {low} to {high}{unit}", low=_plain(self.minimum),
                                     high=_plain(self.maximum), unit=self.unit)])
        step = Decimal(1).scaleb(-self.exact_places)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -self.exact_places and number != number.quantize(step):
            raise ValidationError([_("at most {places} decimal places: the amount is kept "
                                     "exactly, never rounded", places=self.exact_places)])
        return number.quantize(step)


def _plain(number: Decimal | int | None) -> str:
    return "any" if number is None else format(number, "f")


# Money in KZT, exact to the tiyn: under 10^13 an amount has at most 15 significant digits,
# so the double a spreadsheet (XLSX) or a JSON number reader makes of it is still exact
MAX_MONEY = Decimal("9999999999999.99")


def money(**kwargs: Any) -> ExactDecimal:
    """A money field: KZT from 0 to MAX_MONEY, at most 2 decimal places (refused, not rounded)."""
    metadata = {"type": "string", "format": "decimal", "example": "1500000.00",
                "pattern": r"^\d{1,13}(\.\d{1,2})?$",
                "description": "KZT, exact, as a decimal string: 0 to 9999999999999.99, "
                               "at most 2 decimal places (more are refused, not rounded)"}
    metadata.update(kwargs.pop("metadata", {}))
    return ExactDecimal(places=2, minimum=0, maximum=MAX_MONEY, unit=" KZT", metadata=metadata,
                        **kwargs)


class StrictSchema(_StorableInput, Schema):
    """Input schema: unknown fields are an error, not silently dropped."""

    class Meta:
        unknown = RAISE


UNKNOWN_PARAMETER = N_("unknown query parameter")


class QuerySchema(_StorableInput, Schema):
    """Query-string schema: an unknown parameter is an error naming it (422), so a client
    never believes it filtered by something that was silently dropped."""

    error_messages = {"unknown": UNKNOWN_PARAMETER}

    class Meta:
        unknown = RAISE


class SortField(fields.Field):  # type: ignore[type-arg]
    """``sort=due_date,-title``: comma-separated names from a fixed list, ``-`` for
    descending. Loads as ``[(name, descending)]``; an unknown name is an error."""

    def __init__(self, allowed: tuple[str, ...], **kwargs: Any) -> None:
        self.allowed = tuple(allowed)
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", "comma-separated, '-' for descending; one of: "
                            + ", ".join(self.allowed))
        metadata.setdefault("example", ",".join(self.allowed[:2]))
        name = "-?(?:" + "|".join(self.allowed) + ")"
        metadata.setdefault("pattern", f"^{name}(?:,{name})*$")
        super().__init__(metadata={"type": "string", **metadata}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[tuple[str, bool]]:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(_("a comma-separated list of field names"))  # type: ignore[arg-type]  # a Msg
        keys: list[tuple[str, bool]] = []
        seen: set[str] = set()
        for part in value.split(","):
            part = part.strip()
            name, descending = (part[1:], True) if part.startswith("-") else (part, False)
            if name not in self.allowed:
                raise ValidationError(_("cannot sort by {name}; one of: {allowed}",  # type: ignore[arg-type]  # a Msg
                                        name=name, allowed=", ".join(self.allowed)))
            if name in seen:
                raise ValidationError(_("{name} is named twice", name=name))  # type: ignore[arg-type]  # a Msg
            seen.add(name)
            keys.append((name, descending))
        return keys

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return ",".join(("-" if descending else "") + name for name, descending in value)


def text_search(**kwargs: Any) -> fields.String:
    """``q``: a case-insensitive substring of a name, in Kazakh or Russian (Cyrillic)."""
    metadata = {"description": "case-insensitive text in the name (Kazakh or Russian)"}
    metadata.update(kwargs.pop("metadata", {}))
    return fields.Str(validate=validate.Length(1, 200), metadata=metadata, **kwargs)


class PageQuery(QuerySchema):
    limit = fields.Int(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Int(load_default=0, validate=validate.Range(0, 10_000_000))


def listing(items: list[Any], total: int, query: dict[str, Any]) -> dict[str, Any]:
    """A listing's answer: one page of ``items`` (dumped), the ``total`` matching, and the
    ``limit`` and ``offset`` of ``query`` (a loaded :class:`PageQuery`); see :func:`page_of`."""
    return {"items": items, "total": total, "limit": query["limit"], "offset": query["offset"]}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """An output schema for one page of ``item_schema`` items."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Int(),
        "limit": fields.Int(),
        "offset": fields.Int(),
    }, name=f"{item_schema.__name__.removesuffix('Schema')}PageSchema")


@functools.cache
def schema_of(schema_cls: type[Schema]) -> Schema:
    """One instance per schema class, reused by every call: building a marshmallow schema
    (it deep-copies its declared fields: 30-100 µs) cost more than loading a request with
    it, and a schema holds no state between loads (marshmallow 4 has no ``context``)."""
    return schema_cls()


def load(schema: Schema | type[Schema], data: Any, partial: bool = False) -> dict[str, Any]:
    """Validate ``data`` with ``schema`` (an instance, or a class: its one instance,
    :func:`schema_of`); raise :class:`Invalid` naming each bad field."""
    if isinstance(schema, type):
        schema = schema_of(schema)
    try:
        loaded: dict[str, Any] = schema.load(data if data is not None else {}, partial=partial)
        return loaded
    except ValidationError as exc:
        raise Invalid(_("the request has invalid fields"), _flatten(exc.messages)) from None


MAX_LOADED_QUERIES = 512
_loaded_queries: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()


def load_query(schema: Schema | type[Schema], params: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`load` of a query (``params``: a :class:`QuerySchema`'s parameters as sent),
    the answers of the last MAX_LOADED_QUERIES distinct ones remembered: loading a query
    depends on its parameters alone (text, numbers, dates, sort lists), and marshmallow
    took ~0.1 ms of every task-list read on each side of the RPC. Parameters are told
    apart by type as well as value (``1`` is not ``True``). Returns a fresh dict each
    time, its lists copied; an invalid query is not remembered (Invalid each time)."""
    params = params if params is not None else {}
    try:
        key = (schema, *((name, type(value), value) for name, value in params.items()))
        loaded = _loaded_queries.get(key)
    except TypeError:  # a value that cannot be a key (a list): loaded as it is
        return load(schema, params)
    if loaded is None:
        loaded = load(schema, params)
        _loaded_queries[key] = loaded
        if len(_loaded_queries) > MAX_LOADED_QUERIES:
            _loaded_queries.popitem(last=False)
    return {name: list(value) if isinstance(value, list) else value
            for name, value in loaded.items()}


def _flatten(messages: Any) -> dict[str, Any]:
    """marshmallow's messages as {field: message}; a message stays a Msg (translated by
    the gateway), several for one field are joined."""
    if isinstance(messages, dict):
        return {str(k): _flatten(v) if isinstance(v, dict) else _joined(v)
                for k, v in messages.items()}
    return {"_schema": _joined(messages)}


def _joined(value: Any) -> Msg | str:
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return _joined(value[0])
        return _("{first}; {rest}", first=_joined(value[0]), rest=_joined(value[1:]))
    if isinstance(value, Msg):
        return value
    return recognise(str(value)) or str(value)
