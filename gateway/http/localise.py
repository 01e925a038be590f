"""Answers in the reader's language: what a service wrote for people, rendered at the edge.

A service answers with texts not yet in any language: a message (:class:`kelisim.i18n.Msg`
as its dict, ``{"msgid": ..., "params": ...}``, e.g. a summary's ``note``) or, in fields
kept as text in the database (``reason`` of history, baselines and the audit view), the
English rendering of a system-made message. :func:`localise` renders the first and
translates the second when the catalogue knows it (kelisim/i18n.py ``translate``); a
reason a person typed is not a catalogue text and stays as typed.
"""
from kelisim.i18n import as_message, translate

# fields whose text the system may have written from a catalogue message
SYSTEM_TEXT_FIELDS = frozenset({"reason", "note"})


def _is_message_dict(value):
    return (isinstance(value, dict) and isinstance(value.get("msgid"), str)
            and set(value) <= {"msgid", "params", "context"})


def localise(value, lang):
    """``value`` (a JSON-ready answer: dicts, lists, scalars) with every message rendered
    in ``lang`` (kk, ru or en) and every system-written ``reason``/``note`` translated;
    returns a new value, ``value`` is left as it was."""
    if _is_message_dict(value):
        return as_message(value).render(lang)
    if isinstance(value, dict):
        found = {}
        for key, item in value.items():
            if key in SYSTEM_TEXT_FIELDS and isinstance(item, str):
                found[key] = translate(item, lang)
            else:
                found[key] = localise(item, lang)
        return found
    if isinstance(value, list):
        return [localise(item, lang) for item in value]
    return value
