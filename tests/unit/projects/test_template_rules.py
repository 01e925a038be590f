"""The template's rules in its domain module: one item's errors, the registry's names."""
import pytest

from kelisim.errors import Invalid
from services.projects.domain import template


def item(**fields):
    return {"key": "a", "kind": "task", "duration": 5, "level": "region", **fields}


def texts(errors):
    return {field: str(text) for field, text in errors.items()}


def test_one_items_errors_name_each_broken_rule_by_field():
    by_key = {"p": item(key="p", kind="milestone", duration=0), "rgu": item(key="rgu", level="rgu")}
    found = texts(template.item_errors(
        item(parent="p", duration=0, after=[{"key": "gone"}], within="Q5",
             responsible={"A": "org:MISD"}), by_key, set()))
    assert found == {"within": "Q1 to Q4, H1 or H2", "parent": "a milestone has no children",
                     "duration": "a task lasts at least 1 working day",
                     "after": "no item gone",
                     "responsible": "an organisation outside the Assembly is never Accountable"}
    assert template.item_errors(item(), by_key, set()) == {}
    rgu = texts(template.item_errors(item(level="rgu", after=[{"key": "p"}],
                                          responsible={"C": ["org:akimat"]}), by_key, set()))
    assert rgu == {"after": "an RGU item cannot wait for a regional one",
                   "responsible": "org:akimat names a region's akimat: regional items only"}


def test_a_recurring_item_is_a_leaf_with_room_for_its_occurrences():
    by_key = {"a": {}, "a.1": {}}
    found = texts(template.item_errors(item(repeat="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1",
                                            on="05-01"), by_key, {"a"}))
    assert found == {"repeat": "a recurring item has no children",
                     "key": "a.1 would be the key of an occurrence"}


def test_a_templates_structure_types_and_organisations_are_the_registrys():
    items = [item(responsible={"R": ["mediation_council", "org:MISD"], "C": ["org:akimat"]})]
    template.check_structure_types(items, {"mediation_council"})
    with pytest.raises(Invalid) as types:
        template.check_structure_types(items, {"youth_movement_hq"})
    assert str(types.value.errors["items"]) == "no structure type mediation_council"
    template.check_organisations(items, {"MISD": {"id": 1}})
    with pytest.raises(Invalid) as organisations:
        template.check_organisations(items, {})
    assert str(organisations.value.errors["items"]) == "no organisation MISD"
