"""The registry's nameko entrypoints: each builds its arguments and calls the service layer."""
from kelisim.audit import AuditEntries
from kelisim.db.provider import Database
from kelisim.entrypoints import use_case
from kelisim.service import ServiceBase
from services.registry.adapters.orm import start_mappers
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer import org_units, organisations, people, queries, structures

start_mappers()


class RegistryService(AuditEntries, ServiceBase):
    name = "registry"
    uow = Database(repositories=RegistryRepository)

    list_regions = use_case(queries.list_regions)
    list_structure_types = use_case(queries.list_structure_types)
    list_org_units = use_case(org_units.list_org_units, query={})
    get_org_unit = use_case(org_units.get_org_unit, "unit_id")
    create_org_unit = use_case(org_units.create_org_unit, "data")
    update_org_unit = use_case(org_units.update_org_unit, "unit_id", "data")
    list_structures = use_case(structures.list_structures, query={})
    get_structure = use_case(structures.get_structure, "structure_id")
    create_structure = use_case(structures.create_structure, "data")
    update_structure = use_case(structures.update_structure, "structure_id", "data")
    list_people = use_case(people.list_people, query={})
    create_person = use_case(people.create_person, "data")
    get_person = use_case(people.get_person, "person_id")
    update_person = use_case(people.update_person, "person_id", "data")
    list_organisations = use_case(organisations.list_organisations, query={})
    get_organisation = use_case(organisations.get_organisation, "organisation_id")
    create_organisation = use_case(organisations.create_organisation, "data")
    update_organisation = use_case(organisations.update_organisation, "organisation_id", "data")
    statistics = use_case(queries.statistics, region=None)
    kgu_of_region = use_case(queries.kgu_of_region, "region_code")
    audit_log = use_case(queries.audit_log, entity=None, entity_id=None, region=None, limit=100, offset=0)
