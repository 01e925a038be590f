"""Templates: created by the RGU only, versioned by code, shipped ready in Kazakh and Russian."""
import pytest

from kelisim.errors import Forbidden, Invalid
from services.reports.service_layer import templates
from services.reports.service_layer.templates import load_reference_templates
from tests.support import AUDIT, COORDINATOR, OBSERVER
from tests.support_reports import mediation_template


def test_a_template_round_trips_with_exact_bounds(uow, rows):
    data = mediation_template(fields=mediation_template()["fields"] + [
        {"code": "share", "type": "percent", "label_kk": "Үлес", "label_ru": "Доля",
         "min": "10.5", "max": 90}])
    created = templates.create_template(uow(), data)

    assert created["version"] == 1 and created["code"] == "mediation-test"
    assert templates.get_template(uow(), created["id"]) == created
    assert created["fields"][-1]["min"] == "10.5" and created["fields"][-1]["max"] == "90"
    assert created["rules"] == [{"left": "resolved_by_mediation", "op": "<=",
                                 "right": "cases_received", "message": None}]
    [audit] = rows(AUDIT)
    assert (audit["action"], audit["entity"], audit["after"]) == (
        "create", "report_template", created)


def test_the_same_code_again_is_the_next_version_and_the_list_shows_the_newest(uow):
    first = templates.create_template(uow(), mediation_template())
    second = templates.create_template(uow(), mediation_template(due_days=20))

    assert (first["version"], second["version"]) == (1, 2)
    [listed] = templates.list_templates(uow(), {"code": "mediation-test"})
    assert listed["id"] == second["id"] and listed["due_days"] == 20
    assert templates.get_template(uow(), first["id"])["due_days"] == 10


@pytest.mark.parametrize("actor", [COORDINATOR, OBSERVER])
def test_only_the_rgu_defines_templates(uow, actor):
    with pytest.raises(Forbidden):
        templates.create_template(uow(actor), mediation_template())
    assert templates.list_templates(uow(), {}) == []


def test_an_inconsistent_template_names_what_is_wrong(uow):
    with pytest.raises(Invalid) as caught:
        templates.create_template(uow(), mediation_template(
            period_type="weekly", reporters="list",
            rules=[{"left": "notes", "op": "<=", "right": 3}]))
    assert set(caught.value.errors) == {"period_type"}
    with pytest.raises(Invalid) as rules:
        templates.create_template(uow(), mediation_template(
            reporters="list", rules=[{"left": "notes", "op": "<=", "right": 3}]))
    assert set(rules.value.errors) == {"reporter_ids", "rules.0"}


def test_the_shipped_templates_load_once(uow):
    assert load_reference_templates(uow()) == 7
    assert load_reference_templates(uow()) == 0
    shipped = {t["code"]: t for t in templates.list_templates(uow(), {})}

    assert {t["project_code"] for t in shipped.values()} == {
        None, "civic-identity", "cultural-diversity", "ethnocultural-genesis", "mediation"}
    mediation = shipped["mediation-quarterly"]
    assert mediation["title_kk"] == "Медиация бойынша тоқсандық есеп"
    assert mediation["title_ru"] == "Квартальный отчёт по медиации"
    assert {"left": "resolved_by_mediation", "op": "<=", "right": "cases_received"}.items() \
        <= mediation["rules"][0].items()
    census = shipped["structures-census-yearly"]
    assert census["period_type"] == "yearly"
    assert {"mediation_council_count", "mediation_council_members"} <= {
        f["code"] for f in census["fields"]}
    project = shipped["base-project-civic-identity"]
    assert {f["code"]: f["type"] for f in project["fields"]}["budget_spent"] == "money"
    assert all(t["period_type"] == "quarterly" for c, t in shipped.items() if c != census["code"])
    assert len(templates.list_templates(uow(), {"project": "mediation"})) == 1
