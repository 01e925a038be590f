"""The event envelope: built against the catalogue, and parsed defensively on receipt."""
import uuid
from datetime import datetime

import pytest

from kelisim.events import catalogue
from kelisim.events.envelope import (
    Envelope,
    MalformedEvent,
    new_envelope,
    parse_envelope,
    uuid4_text,
)

STRUCTURE = {"id": 7, "type": "council_of_mothers", "name": "Аналар кеңесі", "org_unit_id": 3,
             "region_code": "KZ-61", "level": "city", "member_count": 12,
             "accreditation": None, "version": 1}


def envelope(**overrides):
    built = new_envelope("structure_created", STRUCTURE, source="registry",
                         correlation_id="corr-1", regions=["KZ-61"]).to_message()
    built.update(overrides)
    return built


def test_new_envelope_carries_identity_time_source_and_regions():
    built = new_envelope("structure_created", STRUCTURE, source="registry",
                         correlation_id="corr-1", regions=["KZ-75", "KZ-61", "KZ-75"])

    assert uuid.UUID(built.id)
    assert built.type == "structure_created" and built.version == 1
    assert datetime.fromisoformat(built.occurred_at).utcoffset().total_seconds() == 0
    assert built.source == "registry" and built.correlation_id == "corr-1"
    assert built.regions == ["KZ-61", "KZ-75"]
    assert built.data == STRUCTURE


def test_each_envelope_has_its_own_id():
    first, second = envelope(), envelope()

    assert first["id"] != second["id"]


def test_new_envelope_keeps_only_catalogued_fields_and_accepts_dates_as_text():
    unit = {"id": 1, "code": "KGU-KZ-61", "name_kk": "К", "name_ru": "К", "name_en": "K",
            "kind": "kgu", "level": "regional", "region_code": "KZ-61", "parent_id": 1,
            "opened_on": "2020-01-01", "closed_on": None, "version": 3}

    built = new_envelope("org_unit_created", unit, source="registry", correlation_id="c")

    assert "name_en" not in built.data
    assert built.data["opened_on"] == "2020-01-01"
    assert built.regions == []


def test_new_envelope_refuses_a_payload_that_breaks_the_schema():
    with pytest.raises(ValueError, match="member_count"):
        new_envelope("structure_created", {**STRUCTURE, "member_count": "many"},
                     source="registry", correlation_id="c")
    with pytest.raises(ValueError, match="version"):
        new_envelope("structure_created", {k: v for k, v in STRUCTURE.items() if k != "version"},
                     source="registry", correlation_id="c")


def test_new_envelope_of_an_unknown_type_fails():
    with pytest.raises(KeyError, match="no_such_event"):
        new_envelope("no_such_event", {}, source="registry", correlation_id="c")


def test_parse_round_trips_a_built_envelope():
    message = envelope()

    parsed = parse_envelope(message)

    assert isinstance(parsed, Envelope)
    assert parsed.to_message() == message


def test_parse_tolerates_payload_fields_it_does_not_know():
    message = envelope(data={**STRUCTURE, "added_in_a_later_release": True})

    assert parse_envelope(message).id == message["id"]


@pytest.mark.parametrize("body", [
    None,
    "a string",
    ["a", "list"],
    {},
    envelope(type="no_such_event"),
    envelope(data={**STRUCTURE, "member_count": "many"}),
    envelope(data={"id": 7}),
    envelope(version=2),
    envelope(version="2"),
    envelope(version="one"),
    envelope(id="not-a-uuid"),
    envelope(occurred_at="2024-05-01T10:00:00"),
    envelope(occurred_at="yesterday"),
    envelope(regions="KZ-61"),
    envelope(data="not an object"),
    envelope(extra_field=1),
    {k: v for k, v in envelope().items() if k != "correlation_id"},
], ids=[
    "none", "string", "list", "empty", "unknown-type", "bad-payload", "incomplete-payload",
    "newer-version", "newer-version-as-text", "version-not-a-number", "bad-id", "naive-time",
    "bad-time", "regions-not-a-list", "data-not-an-object", "extra-envelope-field",
    "no-correlation-id",
])
def test_parse_rejects_anything_that_is_not_a_valid_envelope(body):
    with pytest.raises(MalformedEvent):
        parse_envelope(body)


def test_malformed_event_is_a_value_error():
    assert issubclass(MalformedEvent, ValueError)


def test_catalogue_knows_every_registry_event():
    events = catalogue.all_events()

    registry_events = {t for t, spec in events.items() if spec.source == "registry"}
    assert registry_events == {"org_unit_created", "org_unit_updated", "structure_created",
                               "structure_updated", "person_created", "person_updated",
                               "organisation_created", "organisation_updated"}
    assert all(spec.version >= 1 and spec.type == t for t, spec in events.items())


def test_catalogue_refuses_an_event_type_twice():
    with pytest.raises(ValueError, match="twice"):
        catalogue.event("registry", "structure_created")(catalogue.EventData)
    assert catalogue.get("structure_created").schema is not catalogue.EventData


def test_catalogue_lookup_of_unknown_type():
    with pytest.raises(KeyError, match="nope"):
        catalogue.get("nope")


def test_an_envelope_id_is_a_random_uuid4_as_uuid_prints_it():
    ids = [uuid4_text() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text


def test_a_batch_of_envelopes_may_share_the_time_it_gives():
    data = {"id": 1, "full_name": "A", "org_unit_id": 2, "region_code": "KZ-61", "version": 1}
    given = new_envelope("person_created", data, source="registry", correlation_id="c",
                         occurred_at="2026-11-30T10:00:00+00:00")
    now = new_envelope("person_created", data, source="registry", correlation_id="c")
    assert given.occurred_at == "2026-11-30T10:00:00+00:00"
    assert now.occurred_at.endswith("+00:00") and now.occurred_at > given.occurred_at
