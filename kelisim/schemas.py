"""Marshmallow helpers shared by every service's contract."""
from marshmallow import (
    RAISE, Schema, ValidationError, fields, post_load, pre_load, validate)

from kelisim.errors import Invalid
from kelisim.i18n import Msg, N_, _, recognise

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


def _too_big(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]
    if isinstance(value, (list, tuple)):
        return any(_too_big(v) for v in value)
    return False  # a dict is a JSON document (report values): kept as sent


def _holds_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


class _StorableInput:
    """Input every database can store: text with a NUL character is refused (PostgreSQL
    cannot store it), and so is an integer beyond the INTEGER columns' range."""

    @pre_load
    def _refuse_nul_characters(self, data, **kwargs):
        if isinstance(data, dict):
            bad = sorted(str(name) for name, value in data.items()
                         if _holds_nul(name) or _holds_nul(value))
            if bad:
                raise ValidationError({name: [_("must not contain NUL characters")]
                                       for name in bad})
        return data

    @post_load
    def _refuse_huge_integers(self, data, **kwargs):
        if isinstance(data, dict):
            bad = sorted(str(name) for name, value in data.items() if _too_big(value))
            if bad:
                low, high = INTEGER_RANGE
                raise ValidationError({name: [_("must be from {low} to {high}", low=low, high=high)]
                                       for name in bad})
        return data


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


class SortField(fields.Field):
    """``sort=due_date,-title``: comma-separated names from a fixed list, ``-`` for
    descending. Loads as ``[(name, descending)]``; an unknown name is an error."""

    def __init__(self, allowed, **kwargs):
        self.allowed = tuple(allowed)
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", "comma-separated, '-' for descending; one of: "
                            + ", ".join(self.allowed))
        metadata.setdefault("example", ",".join(self.allowed[:2]))
        name = "-?(?:" + "|".join(self.allowed) + ")"
        metadata.setdefault("pattern", f"^{name}(?:,{name})*$")
        super().__init__(metadata={"type": "string", **metadata}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(_("a comma-separated list of field names"))
        keys, seen = [], set()
        for part in value.split(","):
            part = part.strip()
            name, descending = (part[1:], True) if part.startswith("-") else (part, False)
            if name not in self.allowed:
                raise ValidationError(_("cannot sort by {name}; one of: {allowed}",
                                        name=name, allowed=", ".join(self.allowed)))
            if name in seen:
                raise ValidationError(_("{name} is named twice", name=name))
            seen.add(name)
            keys.append((name, descending))
        return keys

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return ",".join(("-" if descending else "") + name for name, descending in value)


def text_search(**kwargs):
    """``q``: a case-insensitive substring of a name, in Kazakh or Russian (Cyrillic)."""
    metadata = {"description": "case-insensitive text in the name (Kazakh or Russian)"}
    metadata.update(kwargs.pop("metadata", {}))
    return fields.Str(validate=validate.Length(1, 200), metadata=metadata, **kwargs)


class PageQuery(QuerySchema):
    limit = fields.Int(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Int(load_default=0, validate=validate.Range(0, 10_000_000))


def page_of(item_schema):
    """An output schema for one page of ``item_schema`` items."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Int(),
        "limit": fields.Int(),
        "offset": fields.Int(),
    }, name=f"{item_schema.__name__.removesuffix('Schema')}PageSchema")


def load(schema, data, partial=False):
    """Validate ``data`` with ``schema``; raise :class:`Invalid` naming each bad field."""
    try:
        return schema.load(data if data is not None else {}, partial=partial)
    except ValidationError as exc:
        raise Invalid(_("the request has invalid fields"), _flatten(exc.messages)) from None


def _flatten(messages):
    """marshmallow's messages as {field: message}; a message stays a Msg (translated by
    the gateway), several for one field are joined."""
    if isinstance(messages, dict):
        return {str(k): _flatten(v) if isinstance(v, dict) else _joined(v)
                for k, v in messages.items()}
    return {"_schema": _joined(messages)}


def _joined(value):
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return _joined(value[0])
        return _("{first}; {rest}", first=_joined(value[0]), rest=_joined(value[1:]))
    if isinstance(value, Msg):
        return value
    return recognise(str(value)) or str(value)
