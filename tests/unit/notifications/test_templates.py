"""Every notified event type has a Kazakh and a Russian title and body, from its payload."""
import pytest

from kelisim.events import catalogue
from services.notifications.domain.model import CRITICAL_TYPES, NOTIFIED_TYPES
from services.notifications.domain.templates import render
from tests.unit.notifications.conftest import SAMPLES, envelope

KAZAKH_LETTERS = set("әғқңөұүһі")


@pytest.mark.parametrize("event_type", NOTIFIED_TYPES)
def test_each_notified_type_renders_in_kazakh_and_russian(event_type):
    data = envelope(event_type, SAMPLES[event_type], ["KZ-61"],
                    source=catalogue.get(event_type).source).data
    text = render(event_type, data)
    for part in (text.title_kk, text.title_ru, text.body_kk, text.body_ru):
        assert part.strip() and "{" not in part and "None" not in part
    assert text.title_kk != text.title_ru and text.body_kk != text.body_ru
    assert KAZAKH_LETTERS & set((text.title_kk + text.body_kk).lower())


def test_the_notified_types_are_exactly_the_projects_and_reports_catalogue():
    catalogued = {t for t, spec in catalogue.all_events().items()
                  if spec.source in ("projects", "reports")}
    assert set(NOTIFIED_TYPES) == catalogued
    assert set(CRITICAL_TYPES) <= catalogued


def test_a_task_assignment_names_project_task_assignee_role_and_due_date():
    text = render("task_assigned", envelope("task_assigned", SAMPLES["task_assigned"]).data)
    assert text.title_kk == "Жаңа тапсырма: Медиаторлар тренингі"
    assert text.title_ru == "Новая задача: Медиаторлар тренингі"
    assert "Медиация институтын дамыту" in text.body_kk and "15.04.2026" in text.body_kk
    assert "Развитие института медиации" in text.body_ru
    assert "КГУ 61 (ответственный)" in text.body_ru and "жауапты орындаушы" in text.body_kk


def test_money_and_slips_read_as_written():
    overrun = render("budget_overrun", SAMPLES["budget_overrun"])
    assert "1250000.50 ₸" in overrun.body_ru and "1000000.00 ₸" in overrun.body_kk
    slipped = render("deadline_slipped", SAMPLES["deadline_slipped"])
    assert "с 15.04.2026 на 01.05.2026" in slipped.body_ru and "кешігу" in slipped.body_kk
