"""Routes of the structures registry (served by the registry service over RPC)."""
from gateway import schemas as gateway_schemas
from gateway.http import forward, route
from gateway.service_layer import audit
from kelisim.audit import AuditQuery
from services.registry.contract import schemas

API = "/api/v1"


class RegistryRoutes:
    """Mixed into GatewayService, which provides ``registry`` (an RPC proxy) and ``auth``."""

    # reference data
    list_regions = forward("GET", f"{API}/regions", "registry.list_regions",
                           summary="List the regions", tag="registry",
                           response=schemas.RegionSchema, many=True)

    list_structure_types = forward("GET", f"{API}/structure-types",
                                   "registry.list_structure_types",
                                   summary="List the types of public structures", tag="registry",
                                   response=schemas.StructureTypeSchema, many=True)

    kgu_of_region = forward("GET", f"{API}/regions/<region_code>/kgu", "registry.kgu_of_region",
                            summary="Get the KGU of a region and its contacts", tag="registry",
                            response=schemas.KguContactsSchema)

    @route("GET", f"{API}/statistics", summary="Get structure and member statistics",
           tag="registry", query=gateway_schemas.StatisticsQuery,
           response=schemas.StatisticsSchema)
    def statistics(self, req):
        return self.registry.statistics(req.query.get("region"))

    # registry: org units
    list_org_units = forward("GET", f"{API}/org-units", "registry.list_org_units",
                             summary="List org units", tag="org units", query=schemas.OrgUnitQuery,
                             response=schemas.OrgUnitSchema, many=True)

    create_org_unit = forward("POST", f"{API}/org-units", "registry.create_org_unit",
                              summary="Create an org unit", tag="org units",
                              body=schemas.OrgUnitCreateSchema, response=schemas.OrgUnitSchema,
                              status=201)

    get_org_unit = forward("GET", f"{API}/org-units/<int:unit_id>", "registry.get_org_unit",
                           summary="Get an org unit", tag="org units",
                           response=schemas.OrgUnitSchema)

    update_org_unit = forward("PATCH", f"{API}/org-units/<int:unit_id>",
                              "registry.update_org_unit",
                              summary="Change an org unit (send the version you read)",
                              tag="org units", body=schemas.OrgUnitPatchSchema,
                              response=schemas.OrgUnitSchema)

    # registry: public structures
    list_structures = forward("GET", f"{API}/structures", "registry.list_structures",
                              summary="List public structures, a page at a time", tag="structures",
                              query=schemas.StructureQuery, response=schemas.StructurePageSchema)

    create_structure = forward("POST", f"{API}/structures", "registry.create_structure",
                               summary="Create a public structure", tag="structures",
                               body=schemas.StructureCreateSchema,
                               response=schemas.StructureSchema, status=201)

    get_structure = forward("GET", f"{API}/structures/<int:structure_id>",
                            "registry.get_structure", summary="Get a public structure",
                            tag="structures", response=schemas.StructureSchema)

    update_structure = forward("PATCH", f"{API}/structures/<int:structure_id>",
                               "registry.update_structure",
                               summary="Change a public structure (send the version you read)",
                               tag="structures", body=schemas.StructurePatchSchema,
                               response=schemas.StructureSchema)

    # registry: people
    list_people = forward("GET", f"{API}/people", "registry.list_people",
                          summary="List responsible people", tag="people",
                          query=schemas.PersonQuery, response=schemas.PersonSchema, many=True)

    create_person = forward("POST", f"{API}/people", "registry.create_person",
                            summary="Add a responsible person", tag="people",
                            body=schemas.PersonCreateSchema, response=schemas.PersonSchema,
                            status=201)

    get_person = forward("GET", f"{API}/people/<int:person_id>", "registry.get_person",
                         summary="Get a responsible person", tag="people",
                         response=schemas.PersonSchema)

    update_person = forward("PATCH", f"{API}/people/<int:person_id>", "registry.update_person",
                            summary="Change a person's name, position or contacts (send the "
                                    "version you read)", tag="people",
                            body=schemas.PersonPatchSchema, response=schemas.PersonSchema)

    # registry: organisations outside the Assembly (co-executors)
    list_organisations = forward("GET", f"{API}/organisations", "registry.list_organisations",
                                 summary="List organisations outside the Assembly "
                                         "(co-executors), a page at a time", tag="organisations",
                                 query=schemas.OrganisationQuery,
                                 response=schemas.OrganisationPageSchema)

    create_organisation = forward("POST", f"{API}/organisations", "registry.create_organisation",
                                  summary="Add an organisation outside the Assembly (RGU only)",
                                  tag="organisations", body=schemas.OrganisationCreateSchema,
                                  response=schemas.OrganisationSchema, status=201,
                                  roles=("rgu_admin",))

    get_organisation = forward("GET", f"{API}/organisations/<int:organisation_id>",
                               "registry.get_organisation",
                               summary="Get an organisation outside the Assembly",
                               tag="organisations", response=schemas.OrganisationSchema)

    update_organisation = forward("PATCH", f"{API}/organisations/<int:organisation_id>",
                                  "registry.update_organisation",
                                  summary="Change an organisation's names or contacts (RGU only; "
                                          "send the version you read)", tag="organisations",
                                  body=schemas.OrganisationPatchSchema,
                                  response=schemas.OrganisationSchema, roles=("rgu_admin",))

    # audit: every service's writes
    @route("GET", f"{API}/audit",
           summary="Read the audit log of every service's writes, newest first", tag="audit",
           query=AuditQuery, response=gateway_schemas.AuditPageSchema,
           roles=("rgu_admin", "observer"), names=True)
    def audit_log(self, req):
        return audit.merged_page({name: getattr(self, name) for name in audit.AUDITED},
                                 req.params)
