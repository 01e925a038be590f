"""Answers in the reader's language: what a service wrote for people, rendered at the edge.

A service answers with texts not yet in any language: a message (:class:`kelisim.i18n.Msg`
as its dict, ``{"msgid": ..., "params": ...}``, e.g. a summary's ``note``) or, in fields
kept as text in the database (``reason`` of history, baselines and the audit view), the
English rendering of a system-made message. :func:`localise` renders the first and
translates the second when the catalogue knows it (kelisim/i18n.py ``translate``); a
reason a person typed is not a catalogue text and stays as typed.
"""
from gateway.http.responses import to_json
from kelisim.i18n import as_message, translate

# fields whose text the system may have written from a catalogue message
SYSTEM_TEXT_FIELDS = frozenset({"reason", "note"})
_CONTAINERS = (dict, list)
# what an answer's JSON holds when localise may change it: a key "msgid" or a system text
# field's key (a string that merely contains one is written with its quotes escaped)
_NEEDLES = tuple(f'"{key}"'.encode() for key in ("msgid", *sorted(SYSTEM_TEXT_FIELDS)))


def _is_message_dict(value):
    return (isinstance(value, dict) and isinstance(value.get("msgid"), str)
            and set(value) <= {"msgid", "params", "context"})


def localise(value, lang):
    """``value`` (a JSON-ready answer: dicts, lists, scalars) with every message rendered
    in ``lang`` (kk, ru or en) and every system-written ``reason``/``note`` translated.
    ``value`` is never changed: a container holding something to render is copied, one
    holding nothing of the kind is returned as it is (a page of 50 tasks, some 2 000
    values, is walked without being copied)."""
    if isinstance(value, dict):
        if "msgid" in value and _is_message_dict(value):
            return as_message(value).render(lang)
        changed = None
        for key, item in value.items():
            if isinstance(item, _CONTAINERS):
                new = localise(item, lang)
            elif key in SYSTEM_TEXT_FIELDS and isinstance(item, str):
                new = translate(item, lang)
            else:
                continue
            if new is not item:
                if changed is None:
                    changed = {}
                changed[key] = new
        return value if changed is None else {**value, **changed}
    if isinstance(value, list):
        copied = None
        for index, item in enumerate(value):
            new = localise(item, lang) if isinstance(item, _CONTAINERS) else item
            if copied is not None:
                copied.append(new)
            elif new is not item:
                copied = value[:index]
                copied.append(new)
        return value if copied is None else copied
    return value


def localised_json(value, lang):
    """``to_json(localise(value, lang))``, the walk left out when the JSON of ``value``
    names no message and no system text field (then localise returns ``value`` as it is):
    a page of 50 tasks holds none, and walking its ~2 000 values took 3x as long as
    writing its JSON. TypeError as :func:`to_json`."""
    body = to_json(value)
    if any(needle in body for needle in _NEEDLES):
        return to_json(localise(value, lang))
    return body
