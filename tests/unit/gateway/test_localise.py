"""System texts inside answers read in the reader's language (issue 13, part 1)."""
import pytest

from gateway.http.localise import localise, localised_json
from gateway.http.responses import to_json
from kelisim.i18n import _
from services.projects.service_layer import approval, baselines


def test_the_no_baseline_note_reads_in_the_reader_language():
    answer = {"earned_value": {"note": baselines.NO_BASELINE}}
    kk = localise(answer, "kk")["earned_value"]["note"]
    ru = localise(answer, "ru")["earned_value"]["note"]
    en = localise(answer, "en")["earned_value"]["note"]
    assert en.startswith("no baseline yet")
    assert kk.startswith("базалық жоспар әлі жоқ") and "РММ" in kk
    assert ru.startswith("базового плана ещё нет") and "РГУ" in ru


@pytest.mark.parametrize("stored, kk, ru", [
    (approval.REASON["approved"], "РММ іске асыру жоспарын бекітті", "РГУ утвердило план реализации"),
    (str(baselines.APPROVED_BY_RGU), "РММ бекітті", "утверждён РГУ"),
    (str(baselines.APPROVED_AT_ROLLOUT), "РММ жоспары, өңірлерге таратылған кезде бекітілді",
     "план РГУ, утверждён при развёртывании в регионах"),
    (str(_("created from the template")), "үлгіден жасалды", "создано по шаблону"),
    (str(_("rollout of {template} for {year}", template="civic-identity", year=2027)),
     "civic-identity жобасын 2027 жылға өңірлерге тарату",
     "развёртывание civic-identity в регионах на 2027 год"),
    (str(_("rescheduled after task {task}", task=268)),
     "268 тапсырмасынан кейін мерзімі ауыстырылды", "срок перенесён вслед за задачей 268"),
])
def test_system_reasons_in_history_read_in_the_reader_language(stored, kk, ru):
    history = [{"action": "update", "reason": stored}]
    assert localise(history, "kk")[0]["reason"] == kk
    assert localise(history, "ru")[0]["reason"] == ru
    assert localise(history, "en")[0]["reason"] == stored


def test_a_typed_reason_stays_as_typed_inside_a_system_reason():
    stored = str(_("rescheduled after task {task}: {reason}", task=268,
                   reason="әкімдік мерзімді ауыстырды"))
    assert localise({"reason": stored}, "ru")["reason"] == (
        "срок перенесён вслед за задачей 268: әкімдік мерзімді ауыстырды")
    assert localise({"reason": "the hall was booked"}, "kk") == {"reason": "the hall was booked"}


def test_an_answer_is_never_changed_and_copied_only_where_a_text_is_rendered():
    reason = str(_("created from the template"))
    tasks = [{"id": n, "assignments": [{"assignee": {"name": "КГУ"}}]} for n in range(3)]
    answer = {"items": tasks, "history": [{"id": 9, "reason": "typed"}, {"reason": reason}]}
    snapshot = repr(answer)
    ru = localise(answer, "ru")
    assert repr(answer) == snapshot
    assert ru["items"] is tasks  # nothing to render: walked, not copied
    assert ru["history"][0] is answer["history"][0]
    assert ru["history"][1] == {"reason": "создано по шаблону"}
    assert localise(tasks, "kk") is tasks


@pytest.mark.parametrize("answer", [
    {"items": [{"id": 1, "title": 'a "msgid" and a "reason" typed', "note": None}]},
    {"items": [{"title": "no system text", "n": [1, 2.5, None, True]}], "total": 1},
    [{"action": "update", "reason": str(baselines.APPROVED_BY_RGU)}],
    {"earned_value": {"note": baselines.NO_BASELINE}},
    {"summary": _("rollout of {template} for {year}", template="mediation", year=2026).to_dict()},
])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_json_of_an_answer_is_that_of_its_localised_answer(answer, lang):
    """The walk is left out only where it would change nothing."""
    assert localised_json(answer, lang) == to_json(localise(answer, lang))
