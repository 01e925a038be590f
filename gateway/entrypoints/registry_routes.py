"""Routes of the structures registry (served by the registry service over RPC)."""
from gateway import schemas as gateway_schemas
from gateway.http import route
from gateway.service_layer import audit
from kelisim.audit import AuditQuery
from services.registry.contract import schemas

API = "/api/v1"


class RegistryRoutes:
    """Mixed into GatewayService, which provides ``registry`` (an RPC proxy) and ``auth``."""

    # reference data
    @route("GET", f"{API}/regions", summary="List the regions", tag="registry",
           response=schemas.RegionSchema, many=True)
    def list_regions(self, req):
        return self.registry.list_regions()

    @route("GET", f"{API}/structure-types", summary="List the types of public structures",
           tag="registry", response=schemas.StructureTypeSchema, many=True)
    def list_structure_types(self, req):
        return self.registry.list_structure_types()

    @route("GET", f"{API}/regions/<region_code>/kgu",
           summary="Get the KGU of a region and its contacts", tag="registry",
           response=schemas.KguContactsSchema)
    def kgu_of_region(self, req, region_code):
        return self.registry.kgu_of_region(region_code)

    @route("GET", f"{API}/statistics", summary="Get structure and member statistics",
           tag="registry", query=gateway_schemas.StatisticsQuery,
           response=schemas.StatisticsSchema)
    def statistics(self, req):
        return self.registry.statistics(req.query.get("region"))

    # registry: org units
    @route("GET", f"{API}/org-units", summary="List org units", tag="org units",
           query=schemas.OrgUnitQuery, response=schemas.OrgUnitSchema, many=True)
    def list_org_units(self, req):
        return self.registry.list_org_units(req.params)

    @route("POST", f"{API}/org-units", summary="Create an org unit", tag="org units",
           body=schemas.OrgUnitCreateSchema, response=schemas.OrgUnitSchema, status=201)
    def create_org_unit(self, req):
        return self.registry.create_org_unit(req.body)

    @route("GET", f"{API}/org-units/<int:unit_id>", summary="Get an org unit", tag="org units",
           response=schemas.OrgUnitSchema)
    def get_org_unit(self, req, unit_id):
        return self.registry.get_org_unit(unit_id)

    @route("PATCH", f"{API}/org-units/<int:unit_id>",
           summary="Change an org unit (send the version you read)", tag="org units",
           body=schemas.OrgUnitPatchSchema, response=schemas.OrgUnitSchema)
    def update_org_unit(self, req, unit_id):
        return self.registry.update_org_unit(unit_id, req.body)

    # registry: public structures
    @route("GET", f"{API}/structures", summary="List public structures, a page at a time",
           tag="structures", query=schemas.StructureQuery, response=schemas.StructurePageSchema)
    def list_structures(self, req):
        return self.registry.list_structures(req.params)

    @route("POST", f"{API}/structures", summary="Create a public structure", tag="structures",
           body=schemas.StructureCreateSchema, response=schemas.StructureSchema, status=201)
    def create_structure(self, req):
        return self.registry.create_structure(req.body)

    @route("GET", f"{API}/structures/<int:structure_id>", summary="Get a public structure",
           tag="structures", response=schemas.StructureSchema)
    def get_structure(self, req, structure_id):
        return self.registry.get_structure(structure_id)

    @route("PATCH", f"{API}/structures/<int:structure_id>",
           summary="Change a public structure (send the version you read)", tag="structures",
           body=schemas.StructurePatchSchema, response=schemas.StructureSchema)
    def update_structure(self, req, structure_id):
        return self.registry.update_structure(structure_id, req.body)

    # registry: people
    @route("GET", f"{API}/people", summary="List responsible people", tag="people",
           query=schemas.PersonQuery, response=schemas.PersonSchema, many=True)
    def list_people(self, req):
        return self.registry.list_people(req.params)

    @route("POST", f"{API}/people", summary="Add a responsible person", tag="people",
           body=schemas.PersonCreateSchema, response=schemas.PersonSchema, status=201)
    def create_person(self, req):
        return self.registry.create_person(req.body)

    @route("GET", f"{API}/people/<int:person_id>", summary="Get a responsible person",
           tag="people", response=schemas.PersonSchema)
    def get_person(self, req, person_id):
        return self.registry.get_person(person_id)

    @route("PATCH", f"{API}/people/<int:person_id>",
           summary="Change a person's name, position or contacts (send the version you read)",
           tag="people", body=schemas.PersonPatchSchema, response=schemas.PersonSchema)
    def update_person(self, req, person_id):
        return self.registry.update_person(person_id, req.body)

    # registry: organisations outside the Assembly (co-executors)
    @route("GET", f"{API}/organisations",
           summary="List organisations outside the Assembly (co-executors), a page at a time",
           tag="organisations", query=schemas.OrganisationQuery,
           response=schemas.OrganisationPageSchema)
    def list_organisations(self, req):
        return self.registry.list_organisations(req.params)

    @route("POST", f"{API}/organisations",
           summary="Add an organisation outside the Assembly (RGU only)", tag="organisations",
           body=schemas.OrganisationCreateSchema, response=schemas.OrganisationSchema,
           status=201, roles=("rgu_admin",))
    def create_organisation(self, req):
        return self.registry.create_organisation(req.body)

    @route("GET", f"{API}/organisations/<int:organisation_id>",
           summary="Get an organisation outside the Assembly", tag="organisations",
           response=schemas.OrganisationSchema)
    def get_organisation(self, req, organisation_id):
        return self.registry.get_organisation(organisation_id)

    @route("PATCH", f"{API}/organisations/<int:organisation_id>",
           summary="Change an organisation's names or contacts (RGU only; send the version "
                   "you read)", tag="organisations", body=schemas.OrganisationPatchSchema,
           response=schemas.OrganisationSchema, roles=("rgu_admin",))
    def update_organisation(self, req, organisation_id):
        return self.registry.update_organisation(organisation_id, req.body)

    # audit: every service's writes
    @route("GET", f"{API}/audit",
           summary="Read the audit log of every service's writes, newest first", tag="audit",
           query=AuditQuery, response=gateway_schemas.AuditPageSchema,
           roles=("rgu_admin", "observer"), names=True)
    def audit_log(self, req):
        return audit.merged_page({name: getattr(self, name) for name in audit.AUDITED},
                                 req.params)
