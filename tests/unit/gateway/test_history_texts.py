"""Issue 19's records in the pages' histories read as words in the reader's language: a
task's date conflict, a file attached, an assignment, the deliverable flag (plan and task
pages), an event's changed fields and its files (the event page). They were shown as the
stored Python dicts and field codes: «constraint_conflict {'constraint': 'on', ...}»,
«attachment {'attachment_id': 4, ...}», «deliverable False → True», «attach», «participants»."""
import pytest

from gateway.entrypoints.web_events import changed_fields, what_was_done
from gateway.entrypoints.web_plans import field_label
from gateway.web.render import render
from kelisim.i18n import Msg
from kelisim.labels import label

CONFLICT = {"constraint": "on", "date": "2026-04-30", "predecessor_id": 9,
            "earliest_start": "2026-05-26", "would_be_due": "2026-06-02", "chain": [6, 9, 12]}
FILE = {"attachment_id": 4, "filename": "Хаттама.pdf", "media_type": "application/pdf",
        "size": 45, "sha256": "5a83" * 16}
AKIMAT = {"role": "C", "kind": "organisation", "id": 25, "name": "Акимат Туркестанской области",
          "region_code": "KZ-61"}


def entry(action, changes, reason=None):
    return {"entity": "task", "entity_id": 12, "action": action, "changes": changes,
            "reason": reason, "occurred_at": "2026-11-30T09:42:45+00:00",
            "actor_id": "token:3", "actor_name": "Turkistan KGU"}


def task_history(lang):
    history = {"items": [
        entry("constraint", {"constraint_conflict": [None, CONFLICT]},
              "the predecessors make this task's date impossible"),
        entry("attach", {"attachment": [None, FILE]}),
        entry("detach", {"attachment": [FILE, None]}),
        entry("assigned", {"assignee": [None, AKIMAT]}),
        entry("update", {"deliverable": [False, True]}),
        entry("constraint", {"constraint_kind": ["on", None],
                             "constraint_conflict": [CONFLICT, None]},
              "dated by hand: the template's date constraint no longer applies"),
        entry("dependency_added", {"predecessor_id": [None, 9], "lag": [None, 2]}),
        entry("overdue", {"stage": [None, "month"]}, "214 days past the due date"),
    ]}
    return render("plan_history.html", lang, history=history, titles={12: "Акция"},
                  shown_count=None, field_label=lambda name: field_label(name, lang),
                  label=lambda kind, code: label(kind, code).render(lang))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_tasks_history_shows_conflicts_files_assignments_in_words(lang):
    html = task_history(lang)
    for raw in ("{&#39;", "{'", "attachment_id", "constraint_conflict", "constraint_kind",
                "assignee", "deliverable", "True", "False", "sha256", "lag", "stage",
                "month", "days past"):
        assert raw not in html, raw
    def text(msgid, **params):
        return Msg(msgid, **params).render(lang)
    assert "«Хаттама.pdf»" in html
    assert AKIMAT["name"] in html
    assert label("assignee_kind", "organisation").render(lang) in html
    assert label("raci_role", "C").render(lang) in html
    for msgid in ("Evidence document", "Assignment", "Date conflict", "Date constraint",
                  "Needs a document to be done", "Lag, working days", "yes", "no"):
        assert text(msgid) in html and text(msgid) != Msg(msgid).render("en"), msgid
    assert text("{date} cannot be kept: the predecessors let it start on {earliest} at the "
                "earliest", date="30.04.2026", earliest="26.05.2026") in html
    assert label("date_constraint", "on").render(lang) in html
    assert label("overdue_stage", "month").render(lang) in html
    assert text("{days} days past the due date", days=214) in html
    assert text("Overdue reminder") != "Overdue reminder"
    assert label("date_constraint", "on").render(lang) != label("date_constraint",
                                                                "on").render("en")


def event_entry(action, before, after):
    return {"action": action, "before": before, "after": after}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_events_history_names_its_fields_and_files_in_words(lang):
    was = {"participants": 35, "starts_at": "2026-02-10T06:00:00+00:00", "version": 1,
           "place": {"district": None}, "title_kk": "Отырыс"}
    now = {**was, "participants": 40, "starts_at": "2026-02-10T07:00:00+00:00", "version": 2,
           "place": {"district": "Сайрам"}, "title_kk": "Отырыс 1", "change_reason": "x"}
    assert changed_fields(event_entry("update", was, now), lang) == [
        Msg(msgid).render(lang) for msgid in ("Participants", "When", "Place",
                                              "Title in Kazakh")]
    attached = event_entry("attach", None, FILE)
    assert changed_fields(attached, lang) == ["«Хаттама.pdf»"]
    assert changed_fields(event_entry("detach", FILE, None), lang) == ["«Хаттама.pdf»"]
    assert what_was_done(attached, lang) == Msg("file attached").render(lang)
    assert what_was_done(event_entry("detach", FILE, None), lang) == \
        Msg("file removed").render(lang)
    assert what_was_done(event_entry("cancel", was, now), lang) == \
        Msg("cancelled").render(lang)
    for shown in (what_was_done(attached, lang), changed_fields(
            event_entry("update", was, {**was, "description": "x"}), lang)[0]):
        assert shown not in ("attach", "file attached", "description", "Description"), shown


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_reports_history_names_a_file_attached_or_removed(lang):
    """Was «attach» beside the saves and submits of a report's page."""
    history = [{"action": "attach", "before": None, "after": FILE,
                "occurred_at": "2026-11-30T09:44:57+00:00", "actor_name": "Turkistan KGU"},
               {"action": "detach", "before": FILE, "after": None,
                "occurred_at": "2026-11-30T09:45:57+00:00", "actor_name": "Turkistan KGU"}]
    html = render("_report_history.html", lang, history=history)
    for msgid in ("file attached", "file removed"):
        assert f"{Msg(msgid).render(lang)}: «Хаттама.pdf»" in html
    assert ">attach<" not in html and ">detach<" not in html
