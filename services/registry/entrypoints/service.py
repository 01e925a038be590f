"""The registry's nameko entrypoints: each builds its arguments and calls the service layer."""
from kelisim.audit import AuditEntries
from kelisim.db.provider import Database
from kelisim.errors import KelisimError
from kelisim.rpc import rpc
from kelisim.service import ServiceBase
from services.registry.adapters.orm import start_mappers
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer import org_units, organisations, people, queries, structures

start_mappers()
expected = rpc(expected_exceptions=KelisimError)


class RegistryService(AuditEntries, ServiceBase):
    name = "registry"
    uow = Database(repositories=RegistryRepository)

    @expected
    def list_regions(self):
        return queries.list_regions(self.uow)

    @expected
    def list_structure_types(self):
        return queries.list_structure_types(self.uow)

    @expected
    def list_org_units(self, query=None):
        return org_units.list_org_units(self.uow, query or {})

    @expected
    def get_org_unit(self, unit_id):
        return org_units.get_org_unit(self.uow, unit_id)

    @expected
    def create_org_unit(self, data):
        return org_units.create_org_unit(self.uow, data)

    @expected
    def update_org_unit(self, unit_id, data):
        return org_units.update_org_unit(self.uow, unit_id, data)

    @expected
    def list_structures(self, query=None):
        return structures.list_structures(self.uow, query or {})

    @expected
    def get_structure(self, structure_id):
        return structures.get_structure(self.uow, structure_id)

    @expected
    def create_structure(self, data):
        return structures.create_structure(self.uow, data)

    @expected
    def update_structure(self, structure_id, data):
        return structures.update_structure(self.uow, structure_id, data)

    @expected
    def list_people(self, query=None):
        return people.list_people(self.uow, query or {})

    @expected
    def create_person(self, data):
        return people.create_person(self.uow, data)

    @expected
    def get_person(self, person_id):
        return people.get_person(self.uow, person_id)

    @expected
    def update_person(self, person_id, data):
        return people.update_person(self.uow, person_id, data)

    @expected
    def list_organisations(self, query=None):
        return organisations.list_organisations(self.uow, query or {})

    @expected
    def get_organisation(self, organisation_id):
        return organisations.get_organisation(self.uow, organisation_id)

    @expected
    def create_organisation(self, data):
        return organisations.create_organisation(self.uow, data)

    @expected
    def update_organisation(self, organisation_id, data):
        return organisations.update_organisation(self.uow, organisation_id, data)

    @expected
    def statistics(self, region=None):
        return queries.statistics(self.uow, region)

    @expected
    def kgu_of_region(self, region_code):
        return queries.kgu_of_region(self.uow, region_code)

    @expected
    def audit_log(self, entity=None, entity_id=None, region=None, limit=100, offset=0):
        return queries.audit_log(self.uow, entity, entity_id, region, limit, offset)
