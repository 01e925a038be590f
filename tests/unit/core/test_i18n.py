"""The catalogues are whole (every text in kk, ru and en) and the formats are the reader's."""
import ast
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from nameko.exceptions import deserialize, serialize

from kelisim import i18n
from kelisim.errors import Invalid, NotFound
from kelisim.i18n import LANGUAGES, _, catalogue_path, negotiate, translate
from kelisim.labels import LABELS, label

ROOT = Path(__file__).resolve().parents[3]
KEYWORDS = {"_": None, "N_": None, "C_": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}")


def _template():
    with open(catalogue_path(), "rb") as pot:
        return {(m.context, m.id) for m in read_po(pot) if m.id}


def _catalogue(lang):
    with open(catalogue_path(lang), "rb") as po:
        return {(m.context, m.id): m.string for m in read_po(po, locale=lang) if m.id}


def _extracted():
    """What `make messages` extracts: babel.cfg's methods over the Makefile's folders."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    extracted = set()
    for package in ("kelisim", "kelisim_platform", "services", "gateway"):
        for _path, _line, message, _comments, context in extract_from_dir(
                ROOT / package, method_map, options_map, keywords=KEYWORDS):
            extracted.add((context, message))
    return extracted


def test_every_text_in_the_code_is_in_the_template():
    """A new _() text without `make messages` fails here."""
    missing = sorted(_extracted() - _template(), key=str)
    assert not missing, f"run `make messages`; not in messages.pot: {missing[:10]}"


def test_make_messages_keeps_every_text_of_the_template():
    """Every entry of the template is found where `make messages` looks (babel.cfg), so
    running it keeps every translation: it read the Python code only, and would have
    dropped (``--ignore-obsolete``) the 400-odd texts of the pages' templates and the
    report templates' rule messages with their Kazakh and Russian."""
    dropped = sorted(_template() - _extracted(), key=str)
    assert not dropped, f"`make messages` would drop these translations: {dropped[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_entry_has_a_translation_in_each_language(lang):
    catalogue = _catalogue(lang)
    missing = sorted((key for key in _template() if not catalogue.get(key)), key=str)
    assert not missing, f"{lang}: {len(missing)} entries without a translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_msgid(lang):
    wrong = {key: text for key, text in _catalogue(lang).items()
             if text and set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(key[1]))}
    assert not wrong


def test_raci_words_are_the_project_managers_ones():
    kk = {code: label("raci_role", code).render("kk") for code in "RACI"}
    ru = {code: label("raci_role", code).render("ru") for code in "RACI"}
    assert kk == {"R": "Жауапты орындаушы", "A": "Есеп беретін (бекітуші)", "C": "Кеңесші",
                  "I": "Хабардар етілетін"}
    assert ru == {"R": "Ответственный исполнитель", "A": "Утверждающий (подотчётный)",
                  "C": "Консультант", "I": "Информируемый"}


def test_kazakh_endings_never_hang_on_a_placeholder():
    """A Kazakh case ending or the conjunction мен/бен/пен follows the sound of the word before
    it (5-тен, 10-нан; 8 бен 9): glued to a placeholder it is wrong for some values, so the kk
    texts say «{low} – {high} аралығында» or put the ending on a noun («{old} күнінен»)."""
    ending = "[дтн][еа]н|[гкқғ][еа]|[дтн][еа]|[нтд][іы]ң|[нтд][іы]"  # from, to, at, of, object
    hanging = re.compile(r"\}-(" + ending + r")(?![а-яәғқңөұүһі])|\} (мен|бен|пен) ")  # {n}-ескерту is fine
    wrong = {key[1]: text for key, text in _catalogue("kk").items() if hanging.search(text)}
    assert not wrong


def test_a_report_is_submitted_in_the_official_words():
    """kelisim/locale/GLOSSARY.md: submit a report = ұсыну / представить (not «тапсыру», «сдать»)."""
    kk, ru = _catalogue("kk"), _catalogue("ru")
    keys = [key for key in kk if re.search(r"\bsubmit", key[1], re.I)]
    assert len(keys) >= 6
    for key in keys:
        assert re.search(r"ұсын", kk[key]) and not re.search(r"тапсыр(ыл|у|ған)", kk[key]), kk[key]
        assert re.search(r"(?i)представ", ru[key]) and not re.search(r"(?i)сда|сдач", ru[key]), ru[key]


@pytest.mark.parametrize("kind", sorted(LABELS))
def test_every_label_reads_differently_from_its_english_word_in_kazakh(kind):
    for code, message in LABELS[kind].items():
        assert message.render("kk") != message.render("en"), (kind, code)
        assert message.render("ru") != message.render("en"), (kind, code)


@pytest.mark.parametrize("header, lang", [
    (None, "kk"), ("", "kk"), ("de-DE", "kk"), ("ru-RU,ru;q=0.9,en;q=0.5", "ru"),
    ("en;q=0.1, kk;q=0.5", "kk"), ("kk-KZ", "kk"), ("en-GB,en", "en"), ("ru;q=0, en", "en"),
    ("*", "kk"), ("ru;q=bad, en;q=0.2", "en"),
])
def test_the_reader_language_comes_from_accept_language(header, lang):
    assert negotiate(header) == lang


def test_a_message_crosses_rpc_and_renders_in_each_language():
    raised = NotFound(_("{what} not found", what=_("task {id}", id=553)))
    received = deserialize(serialize(raised))
    assert received.detail_in("kk") == "553 тапсырмасы табылмады"
    assert received.detail_in("ru") == "задача 553: не найдено"
    assert received.detail == received.detail_in("en") == "task 553 not found"


def test_field_messages_and_marshmallow_texts_are_translated():
    raised = Invalid(_("the request has invalid fields"),
                     {"limit": "Must be greater than or equal to 1 and less than or equal to 200.",
                      "name": "Missing data for required field.",
                      "lag": _("from 0 to {max} working days", max=30)})
    received = deserialize(serialize(raised))
    assert received.errors_in("kk") == {"limit": "Кемінде 1 және ең көбі 200 болуы керек.",
                                        "name": "Міндетті өріс толтырылмаған.",
                                        "lag": "0-ден 30 жұмыс күніне дейін"}
    assert received.errors_in("ru")["name"] == "Обязательное поле не заполнено."


def test_text_a_person_wrote_is_left_as_it_is():
    assert translate("Қате өріс", "ru") == "Қате өріс"
    assert translate("Медиация институтын танымал ету", "en") == "Медиация институтын танымал ету"


def test_dates_amounts_and_periods_in_the_reader_language():
    assert i18n.format_date(date(2026, 3, 5), "en") == "05.03.2026"
    assert i18n.format_datetime(datetime(2026, 3, 5, 20, 30, tzinfo=UTC)) \
        == "06.03.2026 01:30"  # Asia/Almaty, UTC+5
    assert i18n.format_money(Decimal("1500000"), "kk") == "1\xa0500\xa0000,00\xa0₸"
    assert i18n.format_money(Decimal("1500000"), "ru") == "1\xa0500\xa0000,00\xa0₸"
    assert i18n.format_money(Decimal("1500000"), "en") == "1,500,000.00\xa0₸"
    assert i18n.format_period("2026-Q3", "kk") == "2026 ж. \u0406\u0406\u0406 тоқсан"  # CLDR
    assert i18n.format_period("2026-03", "ru") == "март 2026 г."
    assert i18n.format_period("2026-Q3", "en") == "3rd quarter 2026"


def _error_names():
    """The names of every error a problem is made of: the client's (KelisimError), the
    services' behind the gateway (UpstreamError, whose detail the gateway translates too)
    and a timed proxy's ``timeout_error`` (kelisim.rpc; the gateway's is a 504)."""
    import gateway.errors  # noqa: F401  (registers the gateway's own errors)
    import kelisim.workdays.calendar  # noqa: F401
    from gateway.errors import UpstreamError
    from kelisim.errors import KelisimError

    found, todo = {"timeout_error"}, [KelisimError, UpstreamError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def _english_only(node):
    """A text written as a plain or f-string literal (not a catalogue message)."""
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                               and isinstance(node.value, str) and node.value)


def test_no_problem_text_is_a_literal_outside_the_catalogue():
    """Every detail and field message raised to a client is a _() text: a literal would
    reach a Kazakh or Russian reader in English. Errors made without ``raise`` count too
    (/health's 503 is made and answered: its "failing: ..." was English, as the 504s of
    the timed proxies, ``self.timeout_error(f"...")``)."""
    names, found = _error_names(), []
    for package in ("kelisim", "services", "gateway"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and any(
                        isinstance(t, ast.Subscript) and getattr(t.value, "id", None) == "errors"
                        for t in node.targets) and _english_only(node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name not in names:
                    continue
                texts = list(node.args[:1]) + [k.value for k in node.keywords
                                                if k.arg == "detail"]
                if len(node.args) > 1 and isinstance(node.args[1], ast.Dict):
                    texts += node.args[1].values
                found += [f"{path.relative_to(ROOT)}:{node.lineno}" for text in texts
                          if _english_only(text)]
    assert not found, f"wrap these in _(): {found}"


def test_every_problem_title_reads_in_kazakh_and_russian():
    import gateway.errors  # noqa: F401
    from kelisim.errors import KelisimError

    todo, untranslated = [KelisimError], []
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if translate(cls.title, "kk") == cls.title or translate(cls.title, "ru") == cls.title:
            untranslated.append(cls.__name__)
    assert not untranslated


def test_a_reschedule_reason_naming_an_overdue_task_is_translated_whole():
    """The overdue job's cascade writes "rescheduled after task 526: «…» is overdue"; the
    shorter msgid "rescheduled after task {task}" matched it too (as many letters), so
    the page read "526: «…» is overdue тапсырмасынан кейін…" with English inside. The
    msgid with more literal text (": ") is the more specific one and is tried first."""
    from kelisim.i18n import translate

    text = "rescheduled after task 526: «Семинар-тренинг (II квартал)» is overdue"
    kk = translate(text, "kk")
    assert "is overdue" not in kk and kk.startswith("526 тапсырмасынан кейін")
    assert "«Семинар-тренинг (II квартал)» тапсырмасының мерзімі өтті" in kk
    assert "is overdue" not in translate(text, "ru")


def test_preload_reads_every_catalogue_before_a_text_needs_it():
    i18n._catalogue.cache_clear()
    i18n._patterns.cache_clear()
    i18n.preload()
    assert i18n._catalogue.cache_info().currsize == len(LANGUAGES)
    assert i18n._patterns.cache_info().currsize == 1
