"""The fifth programme: the action plan annexed to the Assembly's 2022–2026 development
concept (seeds/002), held like the base projects: items with their co-executors outside the
Assembly, what each closes with and the indicator it serves; rolled out like the others."""
import pytest

from kelisim.errors import Invalid
from services.projects.domain import template as templates
from services.projects.domain.template import CLOSING_FORMS
from services.projects.service_layer import projects
from services.projects.service_layer import tasks as task_cases
from services.projects.service_layer.reference import template_items
from services.projects.service_layer.rollout import rollout

CODE = "action-plan-2022-2026"


def test_the_programme_is_a_fifth_project_in_three_languages_with_the_three_indicators(uow):
    programme = projects.get_project(uow(), CODE)
    assert programme["title_kk"].startswith("Қазақстан халқы Ассамблеясының 2022–2026")
    assert programme["title_ru"].startswith("План действий по реализации Концепции")
    assert programme["title_en"].startswith("Action plan")
    assert {i["code"] for i in programme["indicators"]} == {
        "public-accord", "tolerance", "social-mood"}


def test_every_item_says_what_it_closes_with_and_the_indicator_it_serves():
    items = template_items(CODE)
    work = [i for i in items if i["kind"] != "phase"]
    assert len(work) >= 50
    assert all(i["closes_with"] in CLOSING_FORMS for i in work)
    assert {i["indicator"] for i in work if i["key"] != "done"} == {
        "public-accord", "tolerance", "social-mood"}
    assert all(i["title_kk"] and i["title_ru"] and i["title_en"] for i in items)
    by_key = {i["key"]: i for i in items}
    assert by_key["d12.session"]["closes_with"] == "protocol"
    assert by_key["d3.print"]["closes_with"] == "publication"
    assert by_key["reg.kazakhtanu"]["closes_with"] == "information_sent"
    # co-executors outside the Assembly: the ministry, the institute, «Атамекен», akimats
    assert set(templates.organisation_codes(items)) >= {
        "MISD", "MFA", "MCS", "MSHE", "IAER", "ATAMEKEN", "CCS", "ASSEMBLY-YOUTH"}
    assert templates.names_akimats(items)
    regional = [i for i in items if i["level"] == "region" and i["kind"] != "phase"]
    assert regional and all("org:akimat" in i["responsible"]["C"] + i["responsible"]["R"]
                            for i in regional)
    assert sum(i["level"] == "rgu" for i in items) > 3 * len(regional)


def test_an_organisation_is_never_accountable_and_org_akimat_is_regional():
    item = {"key": "x", "kind": "task", "title_ru": "x", "title_kk": "x", "duration": 1,
            "after": [], "level": "rgu", "responsible": {"A": "org:MISD"}}
    with pytest.raises(Invalid) as never_a:
        templates.validate([item])
    assert "items.0.responsible" in never_a.value.texts["errors"]
    with pytest.raises(Invalid):
        templates.validate([{**item, "responsible": {"C": ["org:akimat"]}}])
    templates.validate([{**item, "responsible": {"R": ["org:MISD"], "C": ["org:akimat"]},
                         "level": "region"}])
    with pytest.raises(Invalid) as unknown:
        templates.check_indicators([{**item, "indicator": "happiness"}], {"tolerance"})
    assert "items.0.indicator" in unknown.value.texts["errors"]


def test_a_rollout_names_the_co_executors_the_plan_names(uow, registry):
    made = rollout(uow(), registry, CODE, {"year": 2026, "regions": ["KZ-61", "KZ-75"]})
    assert [p["region_code"] for p in made["created"]] == ["KZ-61", "KZ-75"]
    akimat = registry.organisation("AKIMAT-KZ-61")
    misd = registry.organisation("MISD")
    page = task_cases.list_tasks(uow(), {"project": CODE, "assignee_kind": "organisation",
                                         "assignee_id": akimat["id"], "limit": 200})
    assert page["total"] >= 5 and {t["region_code"] for t in page["items"]} == {"KZ-61"}
    rgu_side = task_cases.list_tasks(uow(), {"project": CODE, "assignee_kind": "organisation",
                                             "assignee_id": misd["id"], "limit": 200})
    assert rgu_side["total"] >= 20
    for task in page["items"][:3] + rgu_side["items"][:3]:
        roles = {a["role"] for a in task_cases.get_task(uow(), task["id"])["assignments"]
                 if a["assignee"]["kind"] == "organisation"}
        assert roles and "A" not in roles


def test_an_earlier_database_gets_the_programme_and_its_indicators_on_the_next_load(uow):
    from services.projects.service_layer import reference
    with uow() as unit:
        for indicator in unit.repo.indicators():
            indicator.projects = [p for p in indicator.projects if p != CODE]
        unit.commit()
    assert reference.load_reference_data(uow()) == 3
    programme = projects.get_project(uow(), CODE)
    assert len(programme["indicators"]) == 3
    assert reference.load_reference_data(uow()) == 0


def test_a_2026_rollout_keeps_every_dated_item_on_its_day_and_in_its_period(uow, registry):
    """The template's dates and cadences (services/projects/domain/template.py format):
    1 May actions due on 30 April 2026 (1 May is a holiday, a Friday), the Council three
    times a year, the quarterly monitoring four, ten radio materials; nothing conflicts."""
    made = rollout(uow(), registry, CODE, {"year": 2026, "regions": ["KZ-61"]})
    assert made["constraint_conflicts"] == []
    tasks = {t["template_key"]: t for t in task_cases.list_tasks(
        uow(), {"project": CODE, "limit": 200})["items"]}
    for key in ("d12.session", "reg.unity-day", "reg.volunteers"):
        assert tasks[key]["due_date"] == "2026-04-30", key
    assert tasks["d2.gratitude"]["due_date"] == "2026-02-27"  # 1 March 2026 is a Sunday
    assert tasks["reg.children"]["due_date"] == "2026-06-01"
    assert [tasks[f"d12.council.{n}"]["due_date"] for n in (1, 2, 3)] == [
        "2026-02-20", "2026-06-19", "2026-10-20"]
    assert len([k for k in tasks if k.startswith("d2.monitoring.")]) == 4
    assert len([k for k in tasks if k.startswith("d3.radio.")]) == 10
    for task in tasks.values():
        if task["constraint_kind"] == "within":
            assert task["constraint_start"] <= task["start_date"] <= task["due_date"] \
                <= task["constraint_due"], task["template_key"]
        elif task["constraint_kind"] == "on":
            assert task["due_date"] == task["constraint_due"], task["template_key"]
    assert tasks["d2.youth-session"]["due_date"] <= "2026-03-31"  # within Q1
