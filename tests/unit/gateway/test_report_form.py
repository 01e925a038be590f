"""The report form's view model (gateway/web/report_form.py) and the KGU home's task order."""
from gateway.entrypoints.web_region import tasks_in_order
from gateway.web import report_form

TEMPLATE = {"fields": [
    {"code": "cases", "type": "integer", "label_kk": "Түскен", "label_ru": "Поступило",
     "required": True, "min": "0", "max": "1000"},
    {"code": "resolved", "type": "integer", "label_kk": "Шешілген", "label_ru": "Урегулировано",
     "required": True, "min": "0"},
    {"code": "budget", "type": "money", "label_kk": "Бюджет", "label_ru": "Бюджет"},
    {"code": "share", "type": "percent", "label_kk": "Үлесі", "label_ru": "Доля"},
    {"code": "notes", "type": "text", "label_kk": "Ескерту", "label_ru": "Примечание"},
    {"code": "level", "type": "choice", "label_kk": "Деңгей", "label_ru": "Уровень",
     "choices": ["low", "high"]},
], "rules": [{"left": ["resolved"], "op": "<=", "right": "cases",
              "message": "cannot resolve more cases than were received"},
             {"left": "cases", "op": ">=", "right": 0}]}


def test_typed_text_becomes_the_json_the_service_takes():
    form = {"f_cases": " 1 500 ", "f_resolved": "12a", "f_budget": "2\u00a0500,50",
            "f_share": "", "f_notes": "  ", "f_level": "high"}
    assert report_form.typed_values(TEMPLATE["fields"], form) == {
        "cases": 1500, "resolved": "12a", "budget": "2500.50", "share": None, "notes": None,
        "level": "high"}
    # a value that is not a number stays as typed: the service names the field's error
    assert report_form.typed_value("decimal", "1,2,3") == "1,2,3"
    assert report_form.typed_value("integer", "-7") == -7
    assert report_form.typed_value("date", "2026-03-31") == "2026-03-31"
    assert report_form.typed_value("text", "қате\nжоқ") == "қате\nжоқ"


def test_the_fields_carry_labels_units_bounds_and_messages_in_the_readers_language():
    kk = report_form.form_fields(TEMPLATE, {"cases": 4, "budget": "10.00"}, {"cases": "жоқ"},
                                 "kk", {"cases": 5})
    cases, budget, share = kk[0], kk[2], kk[3]
    assert (cases["label"], cases["value"], cases["error"], cases["register"]) == \
        ("Түскен", "4", "жоқ", 5)
    assert (cases["min"], cases["max"], cases["places"], cases["required"]) == ("0", "1000", 0,
                                                                                   True)
    assert cases["messages"]["max"] == "ең көбі: 1000 мәнінен аспауы керек"
    assert cases["messages"]["required"] == "міндетті: ұсыну үшін мән керек"
    assert (budget["unit"], budget["min"], budget["max"], budget["places"]) == ("₸", "0", None, 2)
    assert (share["unit"], share["min"], share["max"]) == ("%", "0", "100")
    ru = report_form.form_fields(TEMPLATE, {}, {}, "ru")
    assert ru[0]["label"] == "Поступило" and ru[0]["value"] == "" and ru[0]["error"] is None
    assert ru[0]["messages"]["max"] == "максимум: не больше 1000"
    assert report_form.form_fields(TEMPLATE, {}, {}, "en")[0]["label"] == "Поступило"
    # a re-rendered form shows what was typed, not what is stored
    typed = report_form.form_fields(TEMPLATE, {"cases": 4}, {}, "kk", typed={"f_cases": "5 000"})
    assert typed[0]["value"] == "5 000" and typed[2]["value"] == ""


def test_rules_are_written_with_the_fields_labels_and_shown_beside_the_left_field():
    rules = report_form.rule_checks(TEMPLATE, "ru")
    assert rules[0]["left"] == ["resolved"] and rules[0]["right"] == ["cases"]
    assert rules[0]["target"] == "resolved"
    assert rules[0]["message"].startswith("Урегулировано ≤ Поступило: ")
    assert rules[1]["right"] == "0" and rules[1]["target"] == "cases"


def test_a_422_is_split_into_messages_beside_fields_and_the_rest():
    beside, rest = report_form.split_errors(
        {"cases": "min", "values.budget": ["a", "b"], "version": "stale"}, TEMPLATE["fields"])
    assert beside == {"cases": "min", "budget": "a b"} and rest == ["stale"]


def test_overdue_tasks_come_first_then_the_coming_ones_by_due_date():
    overdue = [{"id": 3, "due_date": "2026-05-02", "status": "planned", "kind": "task"},
               {"id": 1, "due_date": "2026-04-01", "status": "in_progress", "kind": "task"},
               {"id": 9, "due_date": "2026-01-01", "status": "planned", "kind": "phase"}]
    coming = [{"id": 7, "due_date": "2026-12-20", "status": "planned", "kind": "task"},
              {"id": 5, "due_date": "2026-12-01", "status": "done", "kind": "task"},
              {"id": 6, "due_date": "2026-12-05", "status": "planned", "kind": "milestone"}]
    assert [t["id"] for t in tasks_in_order(overdue, coming)] == [1, 3, 6, 7]
    assert [t["id"] for t in tasks_in_order(overdue, coming, limit=3)] == [1, 3, 6]
