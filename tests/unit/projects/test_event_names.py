"""Events carry every name they mention in each language, and the reasons the system makes
are messages with names, not ids: a Kazakh reader gets Kazakh names."""
from datetime import date, timedelta

from kelisim.i18n import translate
from services.projects.service_layer import overdue, tasks
from tests.support_projects import assignees_of


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


def test_a_project_s_names_are_read_once_per_database_not_per_event(rolled_out, uow, registry,
                                                                     sessions, events):
    """Every task event names its base project in three languages; the titles (reference
    data, never renamed by the service) are read from the database once, not by each
    change that emits an event (issue 17: an eighth of an assignment's use case)."""
    import sqlalchemy as sa

    from services.projects.service_layer import assignments

    task = next(t for t in tasks.list_tasks(uow(), {"region": "KZ-61", "limit": 200})["items"]
                if t["kind"] != "phase")
    registry.people.update({n: {"id": n, "full_name": f"Адам {n}", "region_code": "KZ-61"}
                            for n in (601, 602)})
    engine = sessions.kw["bind"]
    read = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "FROM projects" in statement:
            read.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for person in (601, 602):
            assignments.add_assignment(uow(), assignees_of(registry), task["id"],
                                       {"role": "I", "kind": "person", "id": person})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    named = [e["data"]["project_name"] for e in events("task_assigned")[-2:]]
    first = events("task_assigned")[0]["data"]["project_name"]
    assert named == [first, first] and first["kk"] and first["ru"] and first["en"]
    assert read == []  # the rollout before them read the titles already
