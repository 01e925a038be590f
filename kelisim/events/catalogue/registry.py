"""Events published by the registry service."""
from marshmallow import fields

from kelisim.events.catalogue import EventData, event


class OrgUnitData(EventData):
    id = fields.Int(required=True)
    code = fields.Str(required=True)
    name_kk = fields.Str(required=True)
    name_ru = fields.Str(required=True)
    kind = fields.Str(required=True)
    level = fields.Str(required=True)
    region_code = fields.Str(allow_none=True, load_default=None)
    parent_id = fields.Int(allow_none=True, load_default=None)
    opened_on = fields.Date(allow_none=True, load_default=None)
    closed_on = fields.Date(allow_none=True, load_default=None)
    version = fields.Int(required=True)


class StructureData(EventData):
    id = fields.Int(required=True)
    type = fields.Str(required=True)
    name = fields.Str(required=True)
    org_unit_id = fields.Int(required=True)
    region_code = fields.Str(allow_none=True, load_default=None)
    level = fields.Str(required=True)
    member_count = fields.Int(required=True)
    accreditation = fields.Str(allow_none=True, load_default=None)
    version = fields.Int(required=True)


class PersonData(EventData):
    id = fields.Int(required=True)
    full_name = fields.Str(required=True)
    position = fields.Str(allow_none=True, load_default=None)
    email = fields.Str(allow_none=True, load_default=None)
    phone = fields.Str(allow_none=True, load_default=None)
    org_unit_id = fields.Int(allow_none=True, load_default=None)
    structure_id = fields.Int(allow_none=True, load_default=None)
    region_code = fields.Str(allow_none=True, load_default=None)
    version = fields.Int(required=True)


class OrganisationData(EventData):
    """An organisation outside the Assembly (a co-executor): it has no inbox; the event
    reaches the RGU, the organisation's region's stream and webhooks."""

    id = fields.Int(required=True)
    code = fields.Str(required=True)
    name_kk = fields.Str(required=True)
    name_ru = fields.Str(required=True)
    name_en = fields.Str(allow_none=True, load_default=None)
    short_kk = fields.Str(allow_none=True, load_default=None)
    short_ru = fields.Str(allow_none=True, load_default=None)
    kind = fields.Str(required=True)
    region_code = fields.Str(allow_none=True, load_default=None)
    contact_person = fields.Str(allow_none=True, load_default=None)
    email = fields.Str(allow_none=True, load_default=None)
    phone = fields.Str(allow_none=True, load_default=None)
    website = fields.Str(allow_none=True, load_default=None)
    address = fields.Str(allow_none=True, load_default=None)
    closed_on = fields.Date(allow_none=True, load_default=None)
    version = fields.Int(required=True)


class _Changed(EventData):
    """An update: the names of the fields that changed, and the entity as it is now."""

    changed = fields.List(fields.Str(), required=True)


@event("registry", "org_unit_created")
class OrgUnitCreated(OrgUnitData):
    pass


@event("registry", "org_unit_updated")
class OrgUnitUpdated(_Changed):
    current = fields.Nested(OrgUnitData, required=True)


@event("registry", "structure_created")
class StructureCreated(StructureData):
    pass


@event("registry", "structure_updated")
class StructureUpdated(_Changed):
    current = fields.Nested(StructureData, required=True)


@event("registry", "person_created")
class PersonCreated(PersonData):
    pass


@event("registry", "person_updated")
class PersonUpdated(_Changed):
    current = fields.Nested(PersonData, required=True)


@event("registry", "organisation_created")
class OrganisationCreated(OrganisationData):
    pass


@event("registry", "organisation_updated")
class OrganisationUpdated(_Changed):
    current = fields.Nested(OrganisationData, required=True)
