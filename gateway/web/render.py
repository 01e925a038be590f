"""Templates rendered in the reader's language: one Jinja2 environment, texts from the
same gettext catalogues as the API's problems (kelisim/i18n.py), formats by Babel.

A template writes ``{{ _("Sign in") }}`` or ``{{ _("{n} overdue", n=3) }}`` (msgids are
English, as everywhere; add them to kelisim/locale/*.po), and formats values with filters
that follow the page's language: ``|date`` (dd.mm.yyyy), ``|datetime`` (Asia/Almaty),
``|money`` (``1 500 000,00 ₸``), ``|number``, ``|percent``, ``|period`` (``2026-Q3``),
``|name`` (a kk/ru/en name dict, or a record with ``name_kk``/``name_ru``/``title_*``),
``|text`` (a catalogue message a service sent, or a system-written reason).
"""
import json

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from gateway.http.localise import localise
from gateway.web import assets
from kelisim import i18n

TEMPLATES = assets.HERE / "templates"


def _lang(context):
    return context.get("lang") or i18n.DEFAULT_LANGUAGE


def _filter(format_function):
    @pass_context
    def apply(context, value, *args):
        return "" if value is None or value == "" else format_function(value, _lang(context),
                                                                       *args)
    return apply


@pass_context
def _name(context, value, field="name"):
    """A name in the page's language: a {kk, ru, en} dict, or ``<field>_kk``/``_ru``/``_en``
    keys of a record (falling back kk → ru → en, then ``<field>``)."""
    lang = _lang(context)
    if value is None:
        return ""
    if isinstance(value, dict) and any(k in value for k in i18n.LANGUAGES):
        return i18n.pick_name(value, lang)
    if isinstance(value, dict):
        for candidate in (lang, *i18n.LANGUAGES):
            text = value.get(f"{field}_{candidate}")
            if text:
                return text
        return value.get(field) or ""
    return str(value)


@pass_context
def _text(context, value):
    """A service's text in the page's language (a message dict, or a system reason)."""
    lang = _lang(context)
    if isinstance(value, dict):
        return localise(value, lang)
    return i18n.translate(value, lang) if isinstance(value, str) else value


# what a JSON text must not hold raw inside <script type="application/json">: "</script>"
# ends the element and "<!--<script>" makes the parser run past the real end tag (the rest
# of the page is swallowed into the script); as \uXXXX escapes JSON.parse reads the same
_SCRIPT_UNSAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                  0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(value):
    """``value`` (anything json.dumps takes) as JSON text safe to write, unescaped, inside a
    ``<script type="application/json">`` element: no ``<``, ``>`` or ``&`` in it. Returns
    a str; TypeError for a value JSON cannot hold."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_UNSAFE)


def make_environment():
    """The environment of every page; templates are read once and kept (auto_reload off:
    a release restarts the gateway)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      auto_reload=False, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(
        date=_filter(i18n.format_date), datetime=_filter(i18n.format_datetime),
        money=_filter(i18n.format_money), number=_filter(i18n.format_number),
        percent=_filter(i18n.format_percent), period=_filter(i18n.format_period),
        name=_name, text=_text)
    env.globals.update(asset=assets.url, LANGUAGES=i18n.LANGUAGES)
    return env


ENVIRONMENT = make_environment()


def translator(lang):
    """``_(msgid, **params)`` for templates: the catalogue text in ``lang``."""
    def gettext(msgid, **params):
        return i18n.Msg(msgid, **params).render(lang)
    return gettext


def render(template, lang, **context):
    """The HTML of ``template`` (a file under templates/) in ``lang`` (kk, ru or en)."""
    return ENVIRONMENT.get_template(template).render(lang=lang, _=translator(lang), **context)
