"""Each service's contract names the service, the events it publishes and the client others
ask it with, without importing its insides (that part: test_imports.py)."""
import importlib

import pytest

from kelisim.config import SERVICES
from kelisim.events.catalogue import all_events


@pytest.mark.parametrize("service", SERVICES)
def test_a_contract_names_its_service_and_the_events_it_publishes(service):
    contract = importlib.import_module(f"services.{service}.contract")
    assert contract.SERVICE == service
    published = {t for t, spec in all_events().items() if spec.source == service}
    assert set(contract.event_types()) == published
    importlib.import_module(f"services.{service}.contract.schemas")


def test_the_registry_events_and_its_client_are_in_its_contract():
    from services.registry.contract import event_types
    from services.registry.contract.client import RegistryClient

    assert "org_unit_updated" in event_types()

    class Registry:
        def list_org_units(self, query):
            return [{"id": 1, "kind": "kgu", "region_code": "KZ-61"}] if query == {"kind": "kgu"} else []

    client = RegistryClient(Registry())
    assert client.kgus() == {"KZ-61": {"id": 1, "kind": "kgu", "region_code": "KZ-61"}}
    assert client.rgu() is None
