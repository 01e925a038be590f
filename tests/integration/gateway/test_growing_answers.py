"""A service one release ahead of the gateway adds a field to what it answers over RPC: the
older gateway still answers 200 and passes the field on (it reads RPC results as they come,
and its OpenAPI document does not forbid additional properties)."""
from kelisim.entrypoints import expected
from services.registry.entrypoints.service import RegistryService
from tests.integration.gateway.helpers import API, kgu_id, ok

ADDED = {"added_in_a_later_release": {"any": ["shape", 1]}}


class NewerRegistry(RegistryService):
    @expected
    def list_regions(self):
        return [dict(region, **ADDED) for region in super().list_regions()]

    @expected
    def get_org_unit(self, unit_id):
        return dict(super().get_org_unit(unit_id), **ADDED)


def test_an_older_gateway_answers_what_a_newer_service_sends(start_gateway, start):
    gateway = start_gateway(registry=False)
    start(NewerRegistry, gateway.registry_db)

    regions = ok(gateway.get(f"{API}/regions"))
    assert len(regions) == 20 and all(r["added_in_a_later_release"] for r in regions)
    unit = ok(gateway.get(f"{API}/org-units/{kgu_id(gateway, 'KZ-61')}"))
    assert unit["region_code"] == "KZ-61" and unit["added_in_a_later_release"]
    document = ok(gateway.get("/openapi.json", who=None))
    assert document["components"]["schemas"]["OrgUnit"].get(
        "additionalProperties", True) is not False
