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


def _changed(entity_schema):
    return {"changed": fields.List(fields.Str(), required=True),
            "current": fields.Nested(entity_schema, required=True)}


@event("registry", "org_unit_created")
class OrgUnitCreated(OrgUnitData):
    pass


@event("registry", "org_unit_updated")
class OrgUnitUpdated(EventData.from_dict(_changed(OrgUnitData))):
    pass


@event("registry", "structure_created")
class StructureCreated(StructureData):
    pass


@event("registry", "structure_updated")
class StructureUpdated(EventData.from_dict(_changed(StructureData))):
    pass


@event("registry", "person_created")
class PersonCreated(PersonData):
    pass


@event("registry", "person_updated")
class PersonUpdated(EventData.from_dict(_changed(PersonData))):
    pass
