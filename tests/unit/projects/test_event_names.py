"""Events carry every name they mention in each language, and the reasons the system makes
are messages with names, not ids: a Kazakh reader gets Kazakh names."""
from datetime import date, timedelta

from kelisim.i18n import translate
from services.projects.service_layer import overdue, tasks


def test_slips_the_system_causes_carry_names_in_both_languages(rolled_out, uow, events):
    region = {t["template_key"]: t for t in
              tasks.list_tasks(uow(), {"region": "KZ-61", "limit": 200})["items"]}
    plan_task, budget = region["org.plan"], region["org.budget"]
    day = date.fromisoformat(plan_task["due_date"]) + timedelta(days=2)
    overdue.scan_overdue(uow(), day)

    slipped = {e["data"]["task_id"]: e["data"] for e in events("deadline_slipped")}
    data = slipped[budget["id"]]
    assert data["task_title"] == budget["title"] and data["task_title_kk"] == budget["title_kk"]
    assert data["project_name"]["kk"] and data["project_name"]["ru"] \
        and data["project_name"]["kk"] != data["project_name"]["ru"]
    reason = data["reason_message"]
    assert translate(reason, "kk") == f"«{plan_task['title_kk']}» тапсырмасының мерзімі өтті"
    assert translate(reason, "ru") == f"задача «{plan_task['title']}» просрочена"
    assert str(plan_task["id"]) not in translate(reason, "en")
    [late] = [e["data"] for e in events("task_overdue") if e["data"]["task_id"] == plan_task["id"]]
    assert late["task_title_kk"] == plan_task["title_kk"] and late["project_name"]["en"]
    assigned = events("task_assigned")[0]["data"]
    assert assigned["task_title_kk"] and assigned["project_name"]["kk"]
