"""The four base projects, the fifth programme (the action plan of the 2022–2026 concept), the
concept's indicators and the templates, loaded idempotently."""
from services.projects.service_layer import projects, reference


def test_four_projects_in_three_languages_with_their_indicators(uow):
    listed = projects.list_projects(uow())
    assert [p["code"] for p in listed] == ["civic-identity", "cultural-diversity",
                                           "ethnocultural-genesis", "mediation",
                                           "action-plan-2022-2026"]
    mediation = projects.get_project(uow(), "mediation")
    assert mediation["title_kk"].startswith("Этносаралық ортадағы")
    assert mediation["title_ru"].startswith("Развитие института медиации")
    assert "mediators" in mediation["goal_en"]
    tolerance = {i["code"]: i for i in mediation["indicators"]}["tolerance"]
    assert tolerance["targets"]["2026"] == "69.5" and tolerance["targets"]["2022"] == "67.5"


def test_templates_have_phases_milestones_dependencies_and_responsibility(uow):
    template = projects.get_template(uow(), "mediation")
    items = template["items"]
    kinds = [i["kind"] for i in items]
    assert kinds.count("task") >= 25 and "phase" in kinds and "milestone" in kinds
    by_key = {i["key"]: i for i in items}
    assert by_key["rgu.method"]["level"] == "rgu"
    assert by_key["train.q1"]["responsible"]["R"] == ["mediation_council"]
    assert {"key": "rgu.method", "lag": 0} in by_key["train.selection"]["after"]
    for code in ("civic-identity", "cultural-diversity", "ethnocultural-genesis"):
        assert len(projects.get_template(uow(), code)["items"]) >= 15


def test_loading_again_adds_nothing(uow):
    assert reference.load_reference_data(uow()) == 0
