"""Every write leaves one audit row and one outbox event in its transaction; a failed
write leaves neither."""
import pytest

import kelisim.db.uow
from kelisim.errors import Conflict, Forbidden, Invalid, StaleVersion
from kelisim.events.envelope import parse_envelope
from services.registry.service_layer import org_units, people, queries, structures
from tests.support import AUDIT, COORDINATOR, OBSERVER, OUTBOX

KAZAKH = "Қазақстан халқы Ассамблеясының «Ұлы дала» этномәдени бірлестігі — ғңқөұүһі"
RUSSIAN = "Этнокультурное объединение «Великая степь» — ёжзщъыэюя ЁЖЗЩЪЫЭЮЯ"


def only_new(rows_before, rows_after):
    return rows_after[len(rows_before):]


@pytest.fixture
def writes(uow, kgu):
    """Each registry write, as (name, call, event type, entity)."""
    def create_unit(work):
        return org_units.create_org_unit(work, {
            "code": "BR-A", "name_kk": "Ф", "name_ru": "Ф", "kind": "kgu_branch",
            "level": "district", "region_code": "KZ-61", "parent_id": kgu("KZ-61"),
            "opened_on": "2020-05-05"})

    def create_structure(work):
        return structures.create_structure(work, {
            "type": "ethnocultural_association", "name": "Бірлестік",
            "org_unit_id": kgu("KZ-61"), "accreditation": "pending", "member_count": 9})

    def create_person(work):
        return people.create_person(work, {"full_name": "Адам", "org_unit_id": kgu("KZ-61")})

    return {
        "create_org_unit": (create_unit, "org_unit_created", "org_unit"),
        "create_structure": (create_structure, "structure_created", "structure"),
        "create_person": (create_person, "person_created", "person"),
    }


@pytest.mark.parametrize("write", ["create_org_unit", "create_structure", "create_person"])
def test_create_leaves_one_audit_row_and_one_valid_event(uow, rows, writes, write):
    call, event_type, entity = writes[write]
    audit_before, outbox_before = rows(AUDIT), rows(OUTBOX)

    created = call(uow(COORDINATOR, correlation_id="corr-42"))

    [audit] = only_new(audit_before, rows(AUDIT))
    assert audit["actor_id"] == COORDINATOR["id"]
    assert audit["actor_role"] == "kgu_coordinator"
    assert audit["correlation_id"] == "corr-42"
    assert (audit["action"], audit["entity"], audit["entity_id"]) == (
        "create", entity, str(created["id"]))
    assert audit["region_code"] == "KZ-61"
    assert audit["before"] is None and audit["after"] == created

    [row] = only_new(outbox_before, rows(OUTBOX))
    assert row["event_type"] == event_type and row["published_at"] is None
    envelope = parse_envelope(row["envelope"])
    assert row["event_id"] == envelope.id
    assert envelope.type == event_type and envelope.version == 1
    assert envelope.source == "registry"
    assert envelope.correlation_id == "corr-42"
    assert envelope.regions == ["KZ-61"]
    assert envelope.data["id"] == created["id"]


def test_update_audits_before_and_after_and_emits_changed_fields(uow, rows, branch):
    audit_before, outbox_before = rows(AUDIT), rows(OUTBOX)

    updated = org_units.update_org_unit(uow(), branch["id"], {
        "version": 1, "name_kk": "Жаңа атау", "closed_on": "2031-01-01"})

    [audit] = only_new(audit_before, rows(AUDIT))
    assert audit["action"] == "update"
    assert audit["before"] == branch and audit["after"] == updated
    [row] = only_new(outbox_before, rows(OUTBOX))
    envelope = parse_envelope(row["envelope"])
    assert envelope.type == "org_unit_updated"
    assert sorted(envelope.data["changed"]) == ["closed_on", "name_kk"]
    assert envelope.data["current"]["version"] == 2
    assert envelope.data["current"]["closed_on"] == "2031-01-01"


def test_structure_update_emits_changed_fields(uow, rows, branch):
    created = structures.create_structure(uow(), {
        "type": "council_of_mothers", "name": "Кеңес", "org_unit_id": branch["id"]})
    outbox_before = rows(OUTBOX)

    structures.update_structure(uow(), created["id"], {"version": 1, "member_count": 30})

    [row] = only_new(outbox_before, rows(OUTBOX))
    assert row["envelope"]["type"] == "structure_updated"
    assert row["envelope"]["data"]["changed"] == ["member_count"]
    assert row["envelope"]["data"]["current"]["member_count"] == 30


def test_audit_log_lists_writes_newest_first(uow, branch):
    org_units.update_org_unit(uow(), branch["id"], {"version": 1, "name_ru": "Второе"})

    entries = queries.audit_log(uow(), entity="org_unit", entity_id=branch["id"])

    assert [e["action"] for e in entries] == ["update", "create"]
    assert entries[0]["after"]["name_ru"] == "Второе"
    assert entries[0]["occurred_at"].endswith("+00:00")
    assert queries.audit_log(uow(COORDINATOR), region=None)[0]["region_code"] == "KZ-61"


@pytest.mark.parametrize("failing_write, error", [
    (lambda uow, unit: org_units.update_org_unit(uow(), unit["id"], {
        "version": 7, "name_ru": "X"}), StaleVersion),
    (lambda uow, unit: org_units.update_org_unit(uow(), unit["id"], {
        "version": 1, "opened_on": "2030-01-01", "closed_on": "2029-01-01"}), Invalid),
    (lambda uow, unit: org_units.create_org_unit(uow(), {
        "code": unit["code"], "name_kk": "X", "name_ru": "X", "kind": "kgu_branch",
        "level": "city", "region_code": "KZ-61", "parent_id": unit["parent_id"]}), Conflict),
    (lambda uow, unit: structures.create_structure(uow(OBSERVER), {
        "type": "council_of_mothers", "name": "X", "org_unit_id": unit["id"]}), Forbidden),
    (lambda uow, unit: structures.create_structure(uow(), {
        "type": "council_of_mothers", "name": "X", "org_unit_id": unit["id"],
        "accreditation": "accredited"}), Invalid),
])
def test_refused_write_leaves_nothing(uow, rows, branch, failing_write, error):
    audit_before, outbox_before = rows(AUDIT), rows(OUTBOX)

    with pytest.raises(error):
        failing_write(uow, branch)

    assert rows(AUDIT) == audit_before
    assert rows(OUTBOX) == outbox_before
    assert structures.list_structures(uow(), {})["total"] == 0


def test_failure_after_flush_and_audit_rolls_everything_back(uow, rows, kgu, monkeypatch):
    """The org unit row and its audit row are written before the event; all go together."""
    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is on fire")

    monkeypatch.setattr(kelisim.db.uow, "new_envelope", broken)
    audit_before, outbox_before = rows(AUDIT), rows(OUTBOX)

    with pytest.raises(RuntimeError):
        org_units.create_org_unit(uow(), {
            "code": "BR-HALF", "name_kk": "Ж", "name_ru": "П", "kind": "kgu_branch",
            "level": "rural", "region_code": "KZ-61", "parent_id": kgu("KZ-61")})

    assert rows(AUDIT) == audit_before and rows(OUTBOX) == outbox_before
    with uow() as work:
        assert work.repo.org_unit_by_code("BR-HALF") is None


def test_kazakh_and_russian_text_round_trips(uow, rows, kgu):
    unit = org_units.create_org_unit(uow(), {
        "code": "BR-TEXT", "name_kk": KAZAKH, "name_ru": RUSSIAN, "kind": "kgu_branch",
        "level": "city", "region_code": "KZ-61", "parent_id": kgu("KZ-61")})
    created = structures.create_structure(uow(), {
        "type": "ethnocultural_association", "name": KAZAKH, "org_unit_id": unit["id"]})

    assert org_units.get_org_unit(uow(), unit["id"])["name_kk"] == KAZAKH
    assert org_units.get_org_unit(uow(), unit["id"])["name_ru"] == RUSSIAN
    assert structures.get_structure(uow(), created["id"])["name"] == KAZAKH
    envelopes = [r["envelope"] for r in rows(OUTBOX)]
    assert envelopes[-2]["data"]["name_kk"] == KAZAKH
    assert envelopes[-1]["data"]["name"] == KAZAKH
    assert rows(AUDIT)[-2]["after"]["name_ru"] == RUSSIAN
