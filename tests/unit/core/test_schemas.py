"""kelisim.schemas.load: one Invalid naming every bad field, whatever marshmallow reports."""
from decimal import Decimal

import pytest
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kelisim.errors import Invalid, KelisimError
from kelisim.schemas import (
    REGION_CODE,
    PageQuery,
    QuerySchema,
    SortField,
    StrictSchema,
    load,
    load_query,
    page_of,
    schema_of,
)


class Address(StrictSchema):
    city = fields.Str(required=True)


class Member(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1))
    age = fields.Int(strict=True, validate=validate.Range(0, 150))
    region = fields.Str(validate=REGION_CODE)
    tags = fields.List(fields.Str())
    address = fields.Nested(Address)


class Period(StrictSchema):
    start = fields.Int(required=True)
    end = fields.Int(required=True)

    @validates_schema
    def ordered(self, data, **kwargs):
        if data["end"] < data["start"]:
            raise ValidationError("end comes before start")


def errors_of(schema, data, **kwargs):
    with pytest.raises(Invalid) as caught:
        load(schema, data, **kwargs)
    assert isinstance(caught.value, KelisimError) and caught.value.status == 422
    return caught.value.errors


def test_valid_data_is_loaded():
    assert load(Member(), {"name": "Айгүл", "age": 30, "region": "KZ-61"}) == {
        "name": "Айгүл", "age": 30, "region": "KZ-61"}


def test_every_bad_field_is_named_with_its_messages_joined():
    errors = errors_of(Member(), {"age": "thirty", "region": "Astana", "colour": "red"})

    assert set(errors) == {"name", "age", "region", "colour"}
    assert errors["name"] == "Missing data for required field."
    assert errors["region"] == "not a region code like KZ-61"
    assert errors["colour"] == "Unknown field."
    assert all(isinstance(message, str) for message in errors.values())


def test_nested_and_list_errors_stay_nested_with_text_keys():
    errors = errors_of(Member(), {"name": "A", "tags": ["ok", 5], "address": {"zip": 1}})

    assert errors["tags"] == {"1": "Not a valid string."}
    assert errors["address"] == {"city": "Missing data for required field.",
                                 "zip": "Unknown field."}


def test_schema_level_errors_are_under_schema():
    assert errors_of(Period(), {"start": 5, "end": 1}) == {"_schema": "end comes before start"}


@pytest.mark.parametrize("data", ["text", ["a", "list"], 42])
def test_input_that_is_not_an_object_is_invalid(data):
    assert "_schema" in errors_of(Member(), data)


def test_none_is_an_empty_object():
    assert errors_of(Member(), None) == {"name": "Missing data for required field."}


def test_a_schema_class_is_built_once_and_loads_as_an_instance_does():
    built = []

    class Counted(Member):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    for _ in range(3):
        assert load(Counted, {"name": "Айгүл", "age": 30}) == {"name": "Айгүл", "age": 30}
        assert errors_of(Counted, {"age": "thirty"}) == errors_of(Member(), {"age": "thirty"})
        assert load(Counted, {"age": 3}, partial=True) == {"age": 3}
    assert len(built) == 1 and schema_of(Counted) is built[0]


def test_partial_load_skips_missing_required_fields():
    assert load(Member(), {"age": 3}, partial=True) == {"age": 3}


def test_query_schemas_refuse_unknown_parameters_by_name_and_default_the_page():
    assert errors_of(PageQuery(), {"utm_source": "x"}) == {
        "utm_source": "unknown query parameter"}
    assert load(PageQuery(), {}) == {"limit": 50, "offset": 0}
    assert set(errors_of(PageQuery(), {"limit": 0, "offset": -1})) == {"limit", "offset"}
    assert issubclass(PageQuery, QuerySchema)


def test_page_of_dumps_items_with_their_schema():
    class Item(Schema):
        id = fields.Int()

    page = page_of(Item)().dump({"items": [{"id": 1, "secret": "x"}], "total": 1,
                                 "limit": 50, "offset": 0})

    assert page == {"items": [{"id": 1}], "total": 1, "limit": 50, "offset": 0}
    assert page_of(Item).__name__ == "ItemPageSchema"


def test_a_sort_takes_allowed_names_in_order_with_a_minus_for_descending():
    class Sorted(QuerySchema):
        sort = SortField(("due_date", "title", "id"))

    assert load(Sorted(), {"sort": "due_date,-title"}) == {
        "sort": [("due_date", False), ("title", True)]}
    for bad in ("password", "due_date,due_date", "", "-"):
        assert "sort" in errors_of(Sorted(), {"sort": bad})


class Dated(StrictSchema):
    day = fields.Date()
    moment = fields.AwareDateTime()
    name = fields.Str()


@pytest.mark.parametrize("data", [{"day": "0001-01-01"}, {"day": "9999-12-31"},
                                  {"moment": "9999-12-31T23:59:59-05:00"},
                                  {"moment": "0001-01-01T00:00:00+05:00"}])
def test_dates_and_times_beyond_the_calendar_are_refused_naming_the_field(data):
    assert set(errors_of(Dated(), data)) == set(data)


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "\x0b", "\ud800x", "x\udc00"])
def test_text_no_database_can_store_is_refused_naming_the_field(text):
    assert set(errors_of(Dated(), {"name": text})) == {"name"}
    assert set(errors_of(QuerySchema.from_dict({"q": fields.Str()})(), {"q": text})) == {"q"}


def test_tabs_and_line_breaks_are_text():
    assert load(Dated(), {"name": "a\tb\r\nc"}) == {"name": "a\tb\r\nc"}


def test_exact_decimals_are_refused_rather_than_rounded():
    from services.projects.contract.schemas import BudgetLineCreateSchema, IndicatorActualSchema
    assert errors_of(IndicatorActualSchema(), {"value": "69.255", "version": 1}) == {
        "value": "at most 2 decimal places: the amount is kept exactly, never rounded"}
    assert load(IndicatorActualSchema(), {"value": "69.2", "version": 1})["value"] == \
        Decimal("69.20")
    assert set(errors_of(BudgetLineCreateSchema(), {"category": "media",
                                                    "planned": "1.005"})) == {"planned"}


class DatedQuery(PageQuery):
    due_after = fields.Date()
    sort = SortField(("due_date", "title", "id"))


def test_a_remembered_query_loads_as_the_schema_does_and_is_fresh_each_time():
    schema = DatedQuery()
    params = {"limit": "20", "sort": "-due_date,title", "due_after": "2026-03-01"}
    first = load_query(schema, params)
    assert first == load(schema, params) == load_query(schema, dict(params))
    first["sort"].append(("id", False))
    first.pop("limit")
    again = load_query(schema, params)
    assert again == load(schema, params) and again is not first
    assert load_query(schema, None) == load(schema, {})
    # told apart by type: an integer field refuses True, and 1 is not True
    assert load_query(schema, {"limit": 1})["limit"] == 1
    with pytest.raises(Invalid):
        load_query(schema, {"limit": True})
    with pytest.raises(Invalid):  # not remembered: refused again
        load_query(schema, {"limit": "0"})
    with pytest.raises(Invalid):
        load_query(schema, {"limit": "0"})
