"""The report form's view model: a report template's fields as typed inputs, the values a
person typed read back into the JSON the reports service takes, and the template's checks
as data attributes for report-form.js, their messages already in the reader's language.

The messages are the reports service's own (services/reports/domain/templates.py), so a
value refused while typing reads the same as when the server refuses it.
"""
import re
from decimal import Decimal, InvalidOperation

from kelisim.i18n import _, pick_name, translate

NUMERIC = ("integer", "decimal", "money", "percent")
PLACES = {"decimal": 6, "money": 2, "percent": 2}  # as the service's templates.PLACES
UNITS = {"money": "₸", "percent": "%"}
MAX_TEXT = 4000
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
SIGNS = {"<=": "≤", ">=": "≥", "!=": "≠", "==": "="}  # a rule's operator as people write it


def normalise_number(text):
    """A number as typed (``"1 500,5"``, ``" 12 "``) as the service reads numbers: spaces
    (also no-break and thin ones) removed, a single decimal comma made a point. Anything
    else is left as typed, for the service to name what is wrong with it."""
    compact = _SPACES.sub("", text or "")
    if compact.count(",") == 1 and "." not in compact:
        compact = compact.replace(",", ".")
    return compact


def typed_value(kind, raw):
    """The JSON value of one field typed as ``raw`` (a form's text): None when left empty;
    a whole number as an int (a text that is none stays text, so the service names the
    error); decimal, money and percent as decimal text; text, choice and date as typed."""
    if raw is None:
        return None
    if kind in NUMERIC:
        number = normalise_number(raw)
        if not number:
            return None
        if kind == "integer" and _INTEGER.fullmatch(number):
            return int(number)
        return number
    if kind == "text":
        return raw if raw.strip() else None
    return raw.strip() or None


def typed_values(fields, form):
    """``{code: value}`` of every field of the template (``fields``: the template's field
    dicts) from a posted ``form`` (``{name: text}``); a field left empty is None (the PUT
    replaces all values, and the service skips empty ones)."""
    return {spec["code"]: typed_value(spec["type"], form.get(f"f_{spec['code']}"))
            for spec in fields}


def shown(value):
    """A stored value as an input shows it (None as empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def label_of(spec, lang):
    """A field's label in ``lang``: the templates carry Kazakh and Russian labels, so an
    English reader gets the Russian one, as names fall back elsewhere (i18n.pick_name)."""
    return pick_name({"kk": spec.get("label_kk"), "ru": spec.get("label_ru")}, lang) \
        or spec["code"]


def _plain(number):
    text = format(Decimal(str(number)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def field_messages(spec, lang):
    """``{check: message}`` in ``lang`` for report-form.js: ``required``, ``type``,
    ``places``, ``min``, ``max`` as they apply to the field ``spec``."""
    kind = spec["type"]
    found = {"required": _("required: a value is needed to submit")}
    if kind == "integer":
        found["type"] = _("type: must be a whole number")
    elif kind in PLACES:
        found["type"] = _("type: must be a number")
        found["places"] = _("type: {type} takes at most {places} decimal places", type=kind,
                            places=PLACES[kind])
    elif kind == "date":
        found["type"] = _("type: must be a date like 2026-03-31")
    elif kind == "text":
        found["length"] = _("length: at most {max_text} characters", max_text=MAX_TEXT)
    if spec.get("min") is not None:
        found["min"] = _("min: must be at least {min}", min=spec["min"])
    elif kind == "money":
        found["min"] = _("min: money must not be negative")
    elif kind == "percent":
        found["min"] = _("range: a percent is between 0 and 100")
    if spec.get("max") is not None:
        found["max"] = _("max: must be at most {max}", max=spec["max"])
    elif kind == "percent":
        found["max"] = _("range: a percent is between 0 and 100")
    return {check: message.render(lang) for check, message in found.items()}


def bounds(spec):
    """``(min, max)`` of a numeric field as plain decimal text (None where unbounded):
    the template's own, else what the type allows (money from 0, percent 0 to 100)."""
    low, high = spec.get("min"), spec.get("max")
    if low is None and spec["type"] in ("money", "percent"):
        low = 0
    if high is None and spec["type"] == "percent":
        high = 100
    return (None if low is None else _plain(low), None if high is None else _plain(high))


def form_fields(template, values, errors, lang, figures=None, typed=None):
    """The inputs of the report form, one dict per template field, in the template's order:
    ``code``, ``name`` (the form field), ``type``, ``label`` (in ``lang``), ``unit`` (₸ or %),
    ``required``, ``choices``, ``min``/``max`` (text), ``places``, ``value`` (the text to
    show: what was typed when ``typed`` is given, else the stored value), ``error`` (the
    message beside it, in ``lang``), ``messages`` (report-form.js's checks) and
    ``register`` (the events register's figure for the field, if it has one)."""
    errors, figures = errors or {}, figures or {}
    found = []
    for spec in template["fields"]:
        code, kind = spec["code"], spec["type"]
        low, high = bounds(spec) if kind in NUMERIC else (None, None)
        value = (typed or {}).get(f"f_{code}") if typed is not None else shown(
            (values or {}).get(code))
        found.append({
            "code": code, "name": f"f_{code}", "id": f"field-{code}", "type": kind,
            "label": label_of(spec, lang), "unit": UNITS.get(kind),
            "required": bool(spec.get("required")), "choices": spec.get("choices") or [],
            "min": low, "max": high, "places": PLACES.get(kind, 0 if kind == "integer"
                                                          else None),
            "value": value or "", "error": errors.get(code),
            "messages": field_messages(spec, lang), "register": figures.get(code)})
    return found


def rule_checks(template, lang):
    """The template's cross-field rules for report-form.js: ``left`` and ``right`` (a list
    of field codes, summed, or a number as text), ``op`` and ``message`` in ``lang`` (the
    template's own message, translated when the catalogue knows it, else the rule written
    with the fields' labels); ``target`` is the field the message is shown beside (the
    first field of the left side, as the service does)."""
    labels = {spec["code"]: label_of(spec, lang) for spec in template["fields"]}
    found = []
    for rule in template.get("rules") or []:
        sides = [_side(rule["left"]), _side(rule["right"])]
        fields = [code for side in sides if isinstance(side, list) for code in side]
        if not fields:
            continue
        written = " ".join((_side_text(sides[0], labels), SIGNS.get(rule["op"], rule["op"]),
                            _side_text(sides[1], labels)))
        message = translate(rule["message"], lang) if rule.get("message") else \
            _("must satisfy {rule}", rule=written).render(lang)
        found.append({"left": sides[0], "op": rule["op"], "right": sides[1],
                      "target": fields[0], "message": f"{written}: {message}"})
    return found


def _side(side):
    if isinstance(side, str):
        return [side]
    if isinstance(side, list):
        return list(side)
    try:
        return _plain(side)
    except (InvalidOperation, ValueError):
        return str(side)


def _side_text(side, labels):
    if isinstance(side, list):
        return " + ".join(labels.get(code, code) for code in side)
    return side


def field_errors(exc, lang):
    """The ``errors`` of a service's refusal in ``lang``, with the template's own rule
    messages (a rule's ``text``, written by whoever made the template) translated too when
    the catalogue knows them, as the reference templates' are."""
    return translate(_known_texts(exc.texts.get("errors", exc.errors)), lang)


def _known_texts(value):
    if isinstance(value, dict):
        if isinstance(value.get("msgid"), str) and isinstance(value.get("params"), dict):
            return {**value, "params": {
                key: {"msgid": item} if key == "text" and isinstance(item, str)
                and "{" not in item else _known_texts(item)
                for key, item in value["params"].items()}}
        return {key: _known_texts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_known_texts(item) for item in value]
    return value


def split_errors(errors, fields):
    """``(by field, the rest)`` of a 422's ``errors`` (``{name: message}``): messages of the
    template's fields go beside them; any other (the version, ``values``) above the form."""
    codes = {spec["code"] for spec in fields}
    beside, rest = {}, []
    for key, message in (errors or {}).items():
        code = key.split(".", 1)[1] if key.startswith("values.") else key
        if code in codes:
            beside[code] = as_text(message)
        else:
            rest.append(as_text(message))
    return beside, rest


def as_text(message):
    """One line of text of an error's message (a list of them, or nested field errors)."""
    if isinstance(message, list):
        return " ".join(as_text(m) for m in message)
    if isinstance(message, dict):
        return " ".join(f"{k}: {as_text(v)}" for k, v in message.items())
    return str(message)
