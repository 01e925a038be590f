"""Every text a person reads, in Kazakh (the state language, the default), Russian or English.

The texts live in gettext catalogues, ``kelisim/locale/<lang>/LC_MESSAGES/messages.po``
(template ``kelisim/locale/messages.pot``), read with Babel's ``read_po`` the first time a
language is needed: nothing has to be compiled, so a fresh clone works as it is. The msgid
is the English text with ``{name}`` placeholders (str.format); ``make messages`` extracts
the msgids of ``_()`` calls into the template and merges it into the three catalogues.

Code writes ``_("project {code} not found", code=code)``: a :class:`Msg` that is rendered
later, in the reader's language. A Msg crosses RPC and the broker as a plain dict
(:meth:`Msg.to_dict`), so a service raises it and the gateway renders it for the caller's
``Accept-Language``. Parameters may be Msgs themselves (an enum label inside a sentence).

Formats follow the reader's language (Babel / CLDR): dates dd.mm.yyyy, amounts grouped
with the tenge sign (``1 500 000,00 ₸``), month and quarter names, Asia/Almaty time.
"""
import functools
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import babel.core
from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names, get_quarter_names
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from kelisim.clock import LOCAL_TIME, local_time  # noqa: F401  (LOCAL_TIME: kept importable here)

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"   # the state language
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Msg:
    """A text to be read, not yet in any language: a msgid and its parameters."""

    __slots__ = ("msgid", "params", "context")

    def __init__(self, msgid: str, context: str | None = None, **params: Any) -> None:
        self.msgid = msgid
        self.context = context
        self.params = params

    def render(self, lang: str | None) -> str:
        """The text in ``lang`` (kk, ru or en), parameters rendered in it too (a Msg or a
        :func:`name` parameter in ``lang``; any other text, such as a title a person typed,
        as it is)."""
        params = {key: _param(value, lang) for key, value in self.params.items()}
        template = gettext(self.msgid, lang, self.context)
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):  # a broken translation: say it in English
            return self.msgid.format(**params)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form that :func:`translate` renders again (over RPC, in events)."""
        found: dict[str, Any] = {"msgid": self.msgid, "params": {name: _plain(value)
                                                 for name, value in self.params.items()}}
        if self.context:
            found["context"] = self.context
        return found

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.msgid, self.context, self.params) == (
            other.msgid, other.context, other.params)

    def __hash__(self) -> int:
        return hash(self.msgid)


def _param(value: Any, lang: str | None) -> Any:
    kind = type(value)
    if kind is str or kind is int:  # the most common parameters, written as they are
        return value
    if kind is Msg:
        return value.render(lang)
    if kind is dict and not isinstance(value.get("msgid"), str):  # not a Msg's dict form
        return pick_name(value, lang) if _is_name(value) else value
    if as_message(value) is not None or _is_name(value):
        return translate(value, lang)
    if isinstance(value, date):  # datetime too
        return format_date(value, lang)
    return value


def _(msgid: str, **params: Any) -> Msg:
    """Mark ``msgid`` (English, ``{name}`` placeholders) for translation; see :class:`Msg`."""
    return Msg(msgid, **params)


def C_(context: str, msgid: str) -> Msg:
    """A :class:`Msg` of ``msgid`` in ``context`` (gettext's msgctxt): one English word that
    is two words in Kazakh or Russian, e.g. a plan's and a report's status."""
    return Msg(msgid, context=context)


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogue and return it unchanged (gettext's no-op marker): for
    labels kept in tables and for libraries that need a str (marshmallow's ``error=``);
    :func:`translate` and :func:`gettext` render it later."""
    return msgid


def _plain(value: Any) -> Any:
    if isinstance(value, Msg):
        return value.to_dict()
    if isinstance(value, date):  # dates read dd.mm.yyyy in every language
        return format_date(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def name(kk: str | None = None, ru: str | None = None, en: str | None = None) -> dict[str, str]:
    """A name in the languages it exists in, ``{"kk": ..., "ru": ...}``: as a parameter of a
    :class:`Msg` (or through :func:`translate`) it reads in the reader's language, in
    another one only when it has none in that language."""
    return {lang: text for lang, text in (("kk", kk), ("ru", ru), ("en", en)) if text}


_NAME_FALLBACK = {"kk": ("kk", "ru", "en"), "ru": ("ru", "kk", "en"), "en": ("en", "ru", "kk")}


_LANGUAGE_SET = frozenset(LANGUAGES)


def _is_name(value: Any) -> bool:
    return (isinstance(value, dict) and bool(value) and "msgid" not in value
            and value.keys() <= _LANGUAGE_SET)


def pick_name(value: dict[str, str], lang: str | None) -> str:
    """The text of a :func:`name` for a reader of ``lang``."""
    for candidate in _NAME_FALLBACK[language_or_default(lang)]:
        if value.get(candidate):
            return value[candidate]
    return ""


def is_message(value: Any) -> bool:
    return isinstance(value, Msg) or (isinstance(value, dict) and "msgid" in value)


def as_message(value: Any) -> Msg | None:
    """A :class:`Msg` from a Msg or its dict form; None for anything else."""
    if isinstance(value, Msg):
        return value
    if isinstance(value, dict) and isinstance(value.get("msgid"), str):
        params = {k: as_message(v) or v for k, v in (value.get("params") or {}).items()}
        return Msg(value["msgid"], context=value.get("context"), **params)
    return None


def translate(value: Any, lang: str | None) -> Any:
    """``value`` for a reader of ``lang``: a Msg (or its dict) rendered; a plain string
    that is a known msgid (or matches one with placeholders) translated; anything else
    as it is. Dicts and lists are translated item by item."""
    message = as_message(value)
    if message is not None:
        return message.render(lang)
    if isinstance(value, str):
        return _translate_text(value, lang)
    if _is_name(value):
        return pick_name(value, lang)
    if isinstance(value, dict):
        return {k: translate(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [translate(v, lang) for v in value]
    return value


def recognise(text: str) -> Msg | None:
    """The :class:`Msg` an English ``text`` was made from (a catalogue msgid, with the
    parameters read back from it), or None."""
    if text in _catalogue("en"):
        return Msg(text)
    for pattern, msgid in _patterns():
        match = pattern.match(text)
        if match:
            return Msg(msgid, **match.groupdict())
    return None


def _translate_text(text: str, lang: str | None) -> str:
    """A text that arrived already written in English (marshmallow's messages, an error
    raised with a plain string): translated when the catalogue knows it."""
    catalogue = _catalogue(lang)
    found = catalogue.get(text)
    if found:
        return found
    for pattern, msgid in _patterns():
        match = pattern.match(text)
        if match:
            params = {k: _translate_text(v, lang) for k, v in match.groupdict().items()}
            try:
                return str(catalogue.get(msgid, msgid)).format(**params)
            except (KeyError, IndexError, ValueError):
                return text
    return text


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """(regex, msgid) for every msgid with placeholders, most specific first."""
    found = []
    for msgid in _catalogue("en"):
        if not isinstance(msgid, str) or not _PLACEHOLDER.search(msgid):
            continue
        parts, names, last = [], set(), 0
        for m in _PLACEHOLDER.finditer(msgid):
            parts.append(re.escape(msgid[last:m.start()]))
            name = m.group(1)
            parts.append(f"(?P={name})" if name in names else f"(?P<{name}>.+?)")
            names.add(name)
            last = m.end()
        parts.append(re.escape(msgid[last:]))
        fixed = _PLACEHOLDER.sub("", msgid)
        literal = len(re.findall(r"[A-Za-z]", fixed))
        if literal < 4:  # "{month} {year}" would match any two words
            continue
        # as many letters: the one with more fixed text (": " before a reason) is the more
        # specific, else "after task {task}" swallows "after task {task}: {reason}"
        rank = (literal, len(fixed.replace(" ", "")))
        found.append((rank, re.compile("^" + "".join(parts) + "$", re.S), msgid))
    found.sort(key=lambda item: (-item[0][0], -item[0][1]))
    return [(pattern, msgid) for _rank, pattern, msgid in found]


def gettext(msgid: str, lang: str | None, context: str | None = None) -> str:
    """The translation of ``msgid`` (in ``context``) in ``lang``; the msgid when there is none."""
    if context:
        return _catalogue(lang).get((context, msgid)) or msgid
    return _catalogue(lang).get(msgid) or msgid


def preload() -> None:
    """Read every language's catalogue and the placeholder patterns now (~75 ms of CPU,
    once per process): ``kelisim serve`` does it before its service starts, so the first
    event or request that needs a text (a rollout's first batch of notifications) does
    not wait for it."""
    for lang in LANGUAGES:
        _catalogue(lang)
    _patterns()


@functools.cache
def _catalogue(lang: str | None) -> dict[str | tuple[str, str], str]:
    """{msgid or (context, msgid): msgstr} of one language, read from its .po file once."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    with open(catalogue_path(lang), "rb") as po:
        catalogue = read_po(po, locale=lang)
    return {(m.context, m.id) if m.context else m.id: m.string for m in catalogue
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string}


def catalogue_path(lang: str | None = None) -> Path:
    """The .po file of ``lang``, or the .pot template when ``lang`` is None."""
    if lang is None:
        return LOCALE_DIR / f"{DOMAIN}.pot"
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def negotiate(accept_language: str | None, default: str=DEFAULT_LANGUAGE) -> str:
    """The language of an ``Accept-Language`` header (RFC 9110 quality values): the best of
    kk, ru, en the reader accepts; Kazakh when the header is missing or names none of them."""
    if not accept_language:
        return default
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _sep, params = piece.partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, number = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0].split("_")[0]
        if quality > 0 and primary in LANGUAGES:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else default


def language_or_default(lang: str | None) -> str:
    """``lang`` when it is one of ours, else Kazakh."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def babel_locale(lang: str | None) -> babel.core.Locale:
    try:
        return Locale.parse(language_or_default(lang))
    except UnknownLocaleError:  # pragma: no cover - CLDR has all three
        return Locale.parse("en")


def format_date(value: date | str | None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """dd.mm.yyyy in every language (how dates are written in Kazakhstan); "—" for none."""
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime):
        value = local_time(value).date()
    elif not isinstance(value, date):
        value = date.fromisoformat(str(value)[:10])
    return value.strftime("%d.%m.%Y")


def format_datetime(value: datetime | str | None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """dd.mm.yyyy HH:MM in Asia/Almaty time."""
    if value is None or value == "":
        return "—"
    return local_time(value).strftime("%d.%m.%Y %H:%M")


def format_number(value: Decimal | float | str | None, lang: str | None = DEFAULT_LANGUAGE,
                  digits: int | None = None) -> str:
    """A number grouped the reader's way (``1 500 000,5`` in kk and ru, ``1,500,000.5`` in en)."""
    if value in (None, ""):
        return "—"
    pattern = "#,##0" if digits == 0 else ("#,##0.###" if digits is None
                                          else "#,##0." + "0" * digits)
    return str(format_decimal(Decimal(str(value)), format=pattern, locale=babel_locale(lang)))


def format_money(amount: Decimal | float | str | None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """KZT with two decimals and the tenge sign after the number: ``1 500 000,00 ₸``."""
    if amount in (None, ""):
        return "—"
    return format_number(amount, lang, digits=2) + "\u00a0₸"


def format_percent(value: Any, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """``value`` percent (87.5 -> ``87,5 %`` in kk/ru, ``87.5%`` in en)."""
    if value in (None, ""):
        return "—"
    number = format_number(round(Decimal(str(value)), 1), lang, digits=None)
    return f"{number}%" if language_or_default(lang) == "en" else f"{number}\u00a0%"


def month_name(month: str | int, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The stand-alone name of month 1-12 in ``lang`` (наурыз, март, March): lower-case in
    Kazakh and Russian, as inside a sentence (CLDR capitalises the Kazakh stand-alone
    names: «Қаңтар»); English keeps its capital."""
    found = str(get_month_names("wide", context="stand-alone", locale=babel_locale(lang))[int(month)])
    return found if language_or_default(lang) == "en" else found.lower()


def quarter_name(quarter: str | int, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The name of quarter 1-4 in ``lang`` (III тоқсан, 3-й квартал, 3rd quarter)."""
    return str(get_quarter_names("wide", context="stand-alone", locale=babel_locale(lang))[int(quarter)])


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<q>Q[1-4])|(?P<h>H[12])|(?P<m>\d{2})))?$")


def format_period(period: str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """A reporting period (``2026``, ``2026-Q3``, ``2026-H2``, ``2026-07``) in words."""
    match = _PERIOD.match(str(period or ""))
    if not match:
        return str(period or "—")
    year = match["year"]
    if match["q"]:
        return _("{quarter} {year}", quarter=quarter_name(match["q"][1], lang),
                   year=year).render(lang)
    if match["h"]:
        return _("half {half} of {year}", half=match["h"][1], year=year).render(lang)
    if match["m"]:
        return _("{month} {year}", month=month_name(match["m"], lang), year=year).render(lang)
    return _("year {year}", year=year).render(lang)
