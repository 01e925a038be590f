"""The registry over real RPC and the real broker, on SQLite and on PostgreSQL."""
import uuid

import pytest
import sqlalchemy as sa
from kombu import Connection, Queue
from nameko.rpc import get_rpc_exchange
from prometheus_client import REGISTRY

from kelisim.db.tables import platform_tables
from kelisim.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from kelisim.events.envelope import parse_envelope
from tests.support import COORDINATOR, OBSERVER, wait_for

# the registry runs for every test here: rpc only calls it
pytestmark = pytest.mark.usefixtures("registry")

OUTBOX = platform_tables(sa.MetaData())[0]


def kgu_id(service, region):
    return service.kgu_of_region(region)["org_unit"]["id"]


def branch(service, region="KZ-61", code="BR-1"):
    return service.create_org_unit({
        "code": code, "name_kk": "Түркістан филиалы", "name_ru": "Туркестанский филиал",
        "kind": "kgu_branch", "level": "city", "region_code": region,
        "parent_id": kgu_id(service, region), "opened_on": "2021-01-01"})


def test_registry_round_trip(rpc):
    with rpc("registry") as registry:
        assert registry.ping() == {"service": "registry", "ok": True}
        regions = registry.list_regions()
        assert len(regions) == 20 and {r["code"] for r in regions} >= {"KZ-10", "KZ-79"}
        assert {r["code"]: r["name_kk"] for r in regions}["KZ-59"] == "Солтүстік Қазақстан облысы"
        assert len(registry.list_structure_types()) == 10

        unit = branch(registry)
        structure = registry.create_structure({
            "type": "ethnocultural_association", "name": "Украин этномәдени орталығы",
            "org_unit_id": unit["id"], "member_count": 40, "accreditation": "accredited"})
        person = registry.create_person({"full_name": "Олена Петренко",
                                         "structure_id": structure["id"]})
        updated = registry.update_structure(structure["id"], {"version": 1,
                                                              "member_count": 41})

        assert registry.get_org_unit(unit["id"]) == unit
        assert registry.get_structure(structure["id"]) == updated
        assert registry.list_structures({"region": "KZ-61"})["items"] == [updated]
        assert registry.list_people({"structure_id": structure["id"]}) == [person]
        stats = registry.statistics("KZ-61")
        audit = registry.audit_log("structure", structure["id"])

    assert updated["version"] == 2 and updated["member_count"] == 41
    assert person["region_code"] == "KZ-61"
    assert stats["totals"] == {"ethnocultural_association": {"structures": 1, "members": 41}}
    assert [entry["action"] for entry in audit] == ["update", "create"]
    assert audit[0]["before"]["member_count"] == 40 and audit[0]["actor_id"] == "admin-1"


def test_errors_come_back_as_kelisim_errors(rpc):
    with rpc("registry") as registry:
        unit = branch(registry)

        with pytest.raises(NotFound):
            registry.get_structure(999999)
        with pytest.raises(Conflict) as conflict:
            branch(registry, code=unit["code"])
        with pytest.raises(Invalid) as unknown_region:
            registry.create_org_unit({
                "code": "BR-2", "name_kk": "X", "name_ru": "X", "kind": "kgu_branch",
                "level": "city", "region_code": "KZ-98", "parent_id": unit["parent_id"]})
        with pytest.raises(Invalid) as missing_unit:
            registry.create_structure({"type": "council_of_mothers", "name": "X",
                                       "org_unit_id": 999999})
        with pytest.raises(Invalid) as bad_input:
            registry.create_structure({"type": "council_of_mothers", "member_count": -3,
                                       "org_unit_id": "one"})
        with pytest.raises(StaleVersion) as stale:
            registry.update_org_unit(unit["id"], {"version": 5, "name_ru": "X"})
        still_serving = registry.ping()

    assert conflict.value.errors == {"code": "already exists"}
    assert unknown_region.value.errors == {"region_code": "no region with code KZ-98"}
    assert "org_unit_id" in missing_unit.value.errors
    assert set(bad_input.value.errors) == {"name", "member_count", "org_unit_id"}
    assert stale.value.errors == {"version": "current version is 1"}
    assert still_serving["ok"]


def test_roles_over_rpc(rpc):
    with rpc("registry") as registry:
        turkistan = branch(registry)
        almaty = branch(registry, region="KZ-75", code="BR-75")

    with rpc("registry", COORDINATOR) as registry:
        assert registry.get_org_unit(turkistan["id"]) == turkistan
        with pytest.raises(NotFound):
            registry.get_org_unit(almaty["id"])
        with pytest.raises(Forbidden):
            registry.create_structure({"type": "council_of_mothers", "name": "X",
                                       "org_unit_id": almaty["id"]})
        with pytest.raises(Forbidden):
            registry.list_structures({"region": "KZ-75"})
        assert registry.create_structure({"type": "council_of_mothers", "name": "Ана",
                                          "org_unit_id": turkistan["id"]})["id"]

    with rpc("registry", OBSERVER) as registry:
        assert registry.list_structures()["total"] == 1
        with pytest.raises(Forbidden):
            registry.update_org_unit(turkistan["id"], {"version": 1, "name_ru": "X"})


def test_create_publishes_its_event_through_the_outbox(rpc, registry_events, registry_db,
                                                       session_factory):
    correlation_id = f"corr-{uuid.uuid4()}"
    rpc_calls = REGISTRY.get_sample_value("kelisim_entrypoint_calls_total", {
        "service": "registry", "entrypoint": "create_structure", "kind": "rpc",
        "outcome": "ok"}) or 0
    with rpc("registry") as registry:
        unit = branch(registry)
    body, _ = registry_events.next()
    assert body["type"] == "org_unit_created" and body["data"]["opened_on"] == "2021-01-01"

    with rpc("registry", COORDINATOR, correlation_id=correlation_id) as registry:
        structure = registry.create_structure({
            "type": "council_of_mothers", "name": "Аналар кеңесі",
            "org_unit_id": unit["id"], "member_count": 12})

    body, message = registry_events.next()
    envelope = parse_envelope(body)
    assert envelope.type == "structure_created" and envelope.version == 1
    assert uuid.UUID(envelope.id) and envelope.occurred_at.endswith("+00:00")
    assert envelope.source == "registry"
    assert envelope.correlation_id == correlation_id
    assert envelope.regions == ["KZ-61"]
    assert envelope.data["id"] == structure["id"] and envelope.data["name"] == "Аналар кеңесі"
    assert message.delivery_info["exchange"] == "registry.events"
    assert message.delivery_info["routing_key"] == "structure_created"
    assert message.properties["delivery_mode"] == 2
    assert message.headers["nameko.correlation_id"] == correlation_id
    assert registry_events.pending() == 0

    def published_at():  # marked after the broker confirmed, so it may trail the delivery
        with session_factory(registry_db)() as session:
            return session.execute(sa.select(OUTBOX.c.published_at)
                                   .where(OUTBOX.c.event_id == envelope.id)).scalar_one()

    assert wait_for(published_at) is not None
    # counted after the reply is sent, so it may trail the caller a little
    wait_for(lambda: REGISTRY.get_sample_value("kelisim_entrypoint_calls_total", {
        "service": "registry", "entrypoint": "create_structure", "kind": "rpc",
        "outcome": "ok"}) == rpc_calls + 1)


def test_refused_write_publishes_nothing(rpc, registry_events):
    with rpc("registry") as registry:
        unit = branch(registry)
    registry_events.next()

    with rpc("registry", OBSERVER) as registry:
        with pytest.raises(Forbidden):
            registry.create_structure({"type": "council_of_mothers", "name": "X",
                                       "org_unit_id": unit["id"]})
    with rpc("registry") as registry:
        with pytest.raises(Invalid):
            registry.create_structure({"type": "council_of_mothers", "name": "X",
                                       "org_unit_id": unit["id"], "accreditation": "pending"})
        registry.update_org_unit(unit["id"], {"version": 1, "name_ru": "Событие"})

    body, _ = registry_events.next()
    assert body["type"] == "org_unit_updated" and body["data"]["changed"] == ["name_ru"]


def test_a_request_that_cannot_be_decoded_is_dropped_and_the_service_keeps_answering(
        registry, rpc):
    with Connection(registry["AMQP_URI"]) as conn:
        conn.Producer().publish(
            b"{this is not json", exchange=get_rpc_exchange(registry),
            routing_key="registry.ping", content_type="application/json",
            content_encoding="utf-8", reply_to="nobody", correlation_id="garbage")
        queue = Queue("rpc-registry", channel=conn.default_channel)

        with rpc("registry") as service:  # the garbage ahead of this call is dropped, not fatal
            assert service.ping()["ok"] is True
        wait_for(lambda: queue.queue_declare(passive=True).message_count == 0)


def test_a_new_person_takes_the_region_of_what_they_are_attached_to(rpc):
    """The attachment's region, read as one column since the org unit is no longer loaded
    (a national unit has none); an unknown unit or structure names its field."""
    with rpc("registry") as registry:
        rgu = registry.list_org_units({"kind": "rgu"})[0]
        council = registry.create_structure({"type": "council_of_mothers", "name": "Ана кеңесі",
                                             "org_unit_id": kgu_id(registry, "KZ-75")})
        in_kgu = registry.create_person({"full_name": "Айгүл", "org_unit_id": kgu_id(registry,
                                                                                     "KZ-61")})
        in_council = registry.create_person({"full_name": "Гүлнар",
                                             "structure_id": council["id"]})
        national = registry.create_person({"full_name": "Ерлан", "org_unit_id": rgu["id"]})
        with pytest.raises(Invalid) as no_unit:
            registry.create_person({"full_name": "X", "org_unit_id": 999999})
        with pytest.raises(Invalid) as no_structure:
            registry.create_person({"full_name": "X", "structure_id": 999999})

    assert (in_kgu["region_code"], in_council["region_code"]) == ("KZ-61", "KZ-75")
    assert national["region_code"] is None and rgu["region_code"] is None
    assert list(no_unit.value.errors) == ["org_unit_id"]
    assert list(no_structure.value.errors) == ["structure_id"]
