"""Every notified event type reads whole in Kazakh, Russian and English: the sentences from
the catalogue, the names in the reader's language, dates, amounts and periods its way."""
import re

import pytest

from kelisim.events import catalogue
from services.notifications.domain.model import CRITICAL_TYPES, NOTIFIED_TYPES, STREAMED_REPORTS_TYPES
from services.notifications.domain.naming import names_for
from services.notifications.domain.templates import render
from tests.support_notifications import CIVIC, MEDIATION, SAMPLES, TASK_KK, TASK_RU, envelope

KAZAKH_LETTERS = set("әғқңөұүһі")
# the Kazakh and Russian forms of every name the samples mention (task, project, template,
# assignee, the tasks of a reason the system made)
NAMES = [(TASK_KK, TASK_RU), (MEDIATION["kk"], MEDIATION["ru"]), (CIVIC["kk"], CIVIC["ru"]),
         ("Тоқсандық есеп", "Квартальный отчёт"), ("Түркістан облысының КММ", "КГУ 61"),
         ("Тренингті өткізу", "Проведение тренинга")]
UNIT_NAMES = {16: {"kk": "Түркістан облысының КММ", "ru": "КГУ 61"}}


class Directory:
    def org_unit(self, unit_id):
        found = UNIT_NAMES.get(unit_id)
        return {"id": unit_id, "name_kk": found["kk"], "name_ru": found["ru"]} if found else None

    def structure(self, structure_id):
        return None

    def person(self, person_id, region=None):
        return None


def sample(event_type):
    data = envelope(event_type, SAMPLES[event_type], ["KZ-61"],
                    source=catalogue.get(event_type).source).data
    if event_type == "deadline_slipped":  # a reason the system made, naming two tasks
        data["reason_message"] = {"msgid": "«{task}» now follows «{predecessor}»", "params": {
            "task": {"kk": TASK_KK, "ru": TASK_RU},
            "predecessor": {"kk": "Тренингті өткізу", "ru": "Проведение тренинга"}}}
    return data


@pytest.mark.parametrize("event_type", NOTIFIED_TYPES)
def test_each_notified_type_renders_in_kazakh_russian_and_english(event_type):
    text = render(event_type, sample(event_type))
    for lang in ("kk", "ru", "en"):
        for part in (text.title(lang), text.body(lang)):
            assert part.strip() and "{" not in part and "None" not in part, (lang, part)
    assert text.title_kk != text.title_ru and text.body_kk != text.body_ru
    assert KAZAKH_LETTERS & set((text.title_kk + text.body_kk).lower())


@pytest.mark.parametrize("event_type", NOTIFIED_TYPES)
def test_a_kazakh_text_never_embeds_a_russian_name_that_has_a_kazakh_form(event_type):
    data = sample(event_type)
    text = render(event_type, data, names_for(data, Directory()))
    kazakh = text.title_kk + " " + text.body_kk
    russian = text.title_ru + " " + text.body_ru
    for kk, ru in NAMES:
        assert ru not in kazakh, f"{event_type}: «{ru}» in the Kazakh text: {kazakh}"
        assert kk not in russian, f"{event_type}: «{kk}» in the Russian text: {russian}"


def test_the_notified_types_are_exactly_the_projects_and_reports_catalogue():
    catalogued = {t for t, spec in catalogue.all_events().items()
                  if spec.source in ("projects", "reports")}
    assert set(NOTIFIED_TYPES) | set(STREAMED_REPORTS_TYPES) == catalogued
    assert not set(NOTIFIED_TYPES) & set(STREAMED_REPORTS_TYPES)
    assert set(CRITICAL_TYPES) <= catalogued


def test_a_task_assignment_names_project_task_assignee_role_and_due_date():
    data = sample("task_assigned")
    text = render("task_assigned", data, names_for(data, Directory()))
    assert text.title_kk == f"Жаңа тапсырма: {TASK_KK}"
    assert text.title_ru == f"Новая задача: {TASK_RU}"
    assert MEDIATION["kk"] in text.body_kk and "15.04.2026" in text.body_kk
    assert MEDIATION["ru"] in text.body_ru
    assert "Ответственный исполнитель: КГУ 61" in text.body_ru
    assert "Жауапты орындаушы: Түркістан облысының КММ" in text.body_kk


def test_raci_words_in_notices_and_no_person_called_an_organisation():
    consulted = render("task_assigned", dict(sample("task_assigned"), role="C"))
    assert "Кеңесші: " in consulted.body_kk and "Консультант: " in consulted.body_ru
    assert "орындаушы" not in consulted.body_kk.replace(TASK_KK, "")  # C is no executor
    person = {"kind": "person", "id": 1, "name": "Әлия Сейітова"}
    reassigned = render("task_reassigned", dict(sample("task_reassigned"), assignee=person,
                                                role="A"))
    assert "ұйым" not in reassigned.body_kk and "Әлия Сейітова" in reassigned.body_kk
    assert "Есеп беретін (бекітуші)" in reassigned.body_kk


def test_money_dates_periods_and_system_reasons_read_the_reader_way():
    overrun = render("budget_overrun", sample("budget_overrun"))
    assert "1\xa0250\xa0000,50\xa0₸" in overrun.body_ru and "1\xa0000\xa0000,00\xa0₸" in overrun.body_kk
    assert "1,250,000.50\xa0₸" in overrun.body("en")
    assert "«мероприятия»" in overrun.body_ru and "«іс-шаралар»" in overrun.body_kk
    slipped = render("deadline_slipped", sample("deadline_slipped"))
    assert "с 15.04.2026 на 01.05.2026" in slipped.body_ru
    assert f"Себебі: «{TASK_KK}» тапсырмасы енді «Тренингті өткізу» тапсырмасынан кейін тұр" \
        in slipped.body_kk
    assert f"Причина: задача «{TASK_RU}» теперь следует за «Проведение тренинга»" in slipped.body_ru
    assert not re.search(r"task \d+", slipped.body("en"))  # names, not ids
    due = render("report_due_soon", sample("report_due_soon"))
    assert "2026 ж. \u0406 тоқсан" in due.body_kk and "1-й квартал 2026 г." in due.body_ru
    assert "Квартальный отчёт" in due.title_ru and "Тоқсандық есеп" in due.title_kk


def test_a_person_typed_reason_is_kept_as_typed():
    slipped = render("deadline_slipped", dict(sample("deadline_slipped"), reason_message=None,
                                              reason="Invalid value."))
    assert "Себебі: Invalid value." in slipped.body_kk
