"""The registry's contract: what its RPC methods accept and return (also the gateway's)."""
from marshmallow import Schema, fields, validate

from kelisim.i18n import N_
from kelisim.schemas import REGION_CODE, PageQuery, QuerySchema, StrictSchema, page_of, text_search
from services.registry.contract import ACCREDITATION_STATUSES, LEVELS, ORG_UNIT_KINDS, ORGANISATION_KINDS

NAME = validate.Length(min=1, max=300)


class RegionSchema(Schema):
    code = fields.Str()
    kind = fields.Str()
    name_kk = fields.Str()
    name_ru = fields.Str()
    name_en = fields.Str()


class StructureTypeSchema(Schema):
    code = fields.Str()
    name_kk = fields.Str()
    name_ru = fields.Str()
    name_en = fields.Str()
    accreditable = fields.Bool()


class OrgUnitSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    name_kk = fields.Str()
    name_ru = fields.Str()
    name_en = fields.Str(allow_none=True)
    kind = fields.Str()
    level = fields.Str()
    region_code = fields.Str(allow_none=True)
    parent_id = fields.Int(allow_none=True)
    opened_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    version = fields.Int()


class OrgUnitCreateSchema(StrictSchema):
    code = fields.Str(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$", error=N_("letters, digits, '-', '_', '.'; up to 60")))
    name_kk = fields.Str(required=True, validate=NAME)
    name_ru = fields.Str(required=True, validate=NAME)
    name_en = fields.Str(load_default=None, allow_none=True, validate=NAME)
    kind = fields.Str(required=True, validate=validate.OneOf(ORG_UNIT_KINDS))
    level = fields.Str(required=True, validate=validate.OneOf(LEVELS))
    region_code = fields.Str(load_default=None, allow_none=True, validate=REGION_CODE)
    parent_id = fields.Int(load_default=None, allow_none=True, strict=True)
    opened_on = fields.Date(load_default=None, allow_none=True)
    closed_on = fields.Date(load_default=None, allow_none=True)


class OrgUnitPatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    name_kk = fields.Str(validate=NAME)
    name_ru = fields.Str(validate=NAME)
    name_en = fields.Str(allow_none=True, validate=NAME)
    opened_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)


class OrgUnitQuery(QuerySchema):
    region = fields.Str(validate=REGION_CODE)
    kind = fields.Str(validate=validate.OneOf(ORG_UNIT_KINDS))
    level = fields.Str(validate=validate.OneOf(LEVELS))


class StructureSchema(Schema):
    id = fields.Int()
    type = fields.Str()
    name = fields.Str()
    org_unit_id = fields.Int()
    region_code = fields.Str(allow_none=True)
    level = fields.Str()
    member_count = fields.Int()
    accreditation = fields.Str(allow_none=True)
    opened_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    version = fields.Int()


class StructureCreateSchema(StrictSchema):
    type = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    name = fields.Str(required=True, validate=NAME)
    org_unit_id = fields.Int(required=True, strict=True)
    level = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(LEVELS))
    member_count = fields.Int(load_default=0, strict=True, validate=validate.Range(0, 10_000_000))
    accreditation = fields.Str(load_default=None, allow_none=True,
                               validate=validate.OneOf(ACCREDITATION_STATUSES))
    opened_on = fields.Date(load_default=None, allow_none=True)


class StructurePatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    name = fields.Str(validate=NAME)
    level = fields.Str(validate=validate.OneOf(LEVELS))
    member_count = fields.Int(strict=True, validate=validate.Range(0, 10_000_000))
    accreditation = fields.Str(allow_none=True, validate=validate.OneOf(ACCREDITATION_STATUSES))
    closed_on = fields.Date(allow_none=True)


class StructureQuery(PageQuery):
    region = fields.Str(validate=REGION_CODE)
    type = fields.Str(validate=validate.Length(max=40))
    level = fields.Str(validate=validate.OneOf(LEVELS))
    org_unit_id = fields.Int()
    q = text_search(metadata={"description": "case-insensitive text in the structure's name "
                                             "(Kazakh or Russian)"})


StructurePageSchema = page_of(StructureSchema)


class PersonSchema(Schema):
    id = fields.Int()
    full_name = fields.Str()
    position = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    org_unit_id = fields.Int(allow_none=True)
    structure_id = fields.Int(allow_none=True)
    region_code = fields.Str(allow_none=True)
    version = fields.Int()


class PersonCreateSchema(StrictSchema):
    full_name = fields.Str(required=True, validate=NAME)
    position = fields.Str(load_default=None, allow_none=True, validate=NAME)
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.Str(load_default=None, allow_none=True, validate=validate.Regexp(
        r"^\+?[0-9 ()-]{5,40}$", error=N_("not a phone number")))
    org_unit_id = fields.Int(load_default=None, allow_none=True, strict=True)
    structure_id = fields.Int(load_default=None, allow_none=True, strict=True)


class PersonPatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    full_name = fields.Str(validate=NAME)
    position = fields.Str(allow_none=True, validate=NAME)
    email = fields.Email(allow_none=True)
    phone = fields.Str(allow_none=True, validate=validate.Regexp(
        r"^\+?[0-9 ()-]{5,40}$", error=N_("not a phone number")))


class PersonQuery(QuerySchema):
    region = fields.Str(validate=REGION_CODE)
    org_unit_id = fields.Int()
    structure_id = fields.Int()


# organisations outside the Assembly (co-executors)
ORGANISATION_CODE = validate.Regexp(
    r"^[A-Z0-9][A-Z0-9_.-]{0,59}$",
    error=N_("capital letters, digits, '-', '_', '.'; up to 60"))
SHORT_NAME = validate.Length(min=1, max=60)
PHONE = validate.Regexp(r"^\+?[0-9 ()-]{5,40}$", error=N_("not a phone number"))


class OrganisationSchema(Schema):
    id = fields.Int()
    code = fields.Str(metadata={"description": "the stable code templates name it by"})
    name_kk = fields.Str()
    name_ru = fields.Str()
    name_en = fields.Str(allow_none=True)
    short_kk = fields.Str(allow_none=True, metadata={"description": "abbreviation, e.g. АҚДМ"})
    short_ru = fields.Str(allow_none=True, metadata={"description": "abbreviation, e.g. МИОР"})
    kind = fields.Str(metadata={"enum": list(ORGANISATION_KINDS)})
    region_code = fields.Str(allow_none=True, metadata={
        "description": "the region of an akimat or a regional office; null: republican"})
    contact_person = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    website = fields.Str(allow_none=True)
    address = fields.Str(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    version = fields.Int()


class OrganisationCreateSchema(StrictSchema):
    code = fields.Str(required=True, validate=ORGANISATION_CODE)
    name_kk = fields.Str(required=True, validate=NAME)
    name_ru = fields.Str(required=True, validate=NAME)
    name_en = fields.Str(load_default=None, allow_none=True, validate=NAME)
    short_kk = fields.Str(load_default=None, allow_none=True, validate=SHORT_NAME)
    short_ru = fields.Str(load_default=None, allow_none=True, validate=SHORT_NAME)
    kind = fields.Str(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    region_code = fields.Str(load_default=None, allow_none=True, validate=REGION_CODE)
    contact_person = fields.Str(load_default=None, allow_none=True, validate=NAME)
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.Str(load_default=None, allow_none=True, validate=PHONE)
    website = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                         validate=validate.Length(max=300))
    address = fields.Str(load_default=None, allow_none=True, validate=validate.Length(1, 500))


class OrganisationPatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    name_kk = fields.Str(validate=NAME)
    name_ru = fields.Str(validate=NAME)
    name_en = fields.Str(allow_none=True, validate=NAME)
    short_kk = fields.Str(allow_none=True, validate=SHORT_NAME)
    short_ru = fields.Str(allow_none=True, validate=SHORT_NAME)
    contact_person = fields.Str(allow_none=True, validate=NAME)
    email = fields.Email(allow_none=True)
    phone = fields.Str(allow_none=True, validate=PHONE)
    website = fields.Url(allow_none=True, schemes={"http", "https"},
                         validate=validate.Length(max=300))
    address = fields.Str(allow_none=True, validate=validate.Length(1, 500))
    closed_on = fields.Date(allow_none=True)


class OrganisationQuery(PageQuery):
    kind = fields.Str(validate=validate.OneOf(ORGANISATION_KINDS))
    region = fields.Str(validate=REGION_CODE, metadata={
        "description": "only the organisations of this region (akimats, regional offices)"})
    code = fields.Str(validate=validate.Length(1, 60))
    q = text_search(metadata={"description": "case-insensitive text in the name or "
                                             "abbreviation (Kazakh, Russian or English)"})


OrganisationPageSchema = page_of(OrganisationSchema)


class TypeCountSchema(Schema):
    structures = fields.Int()
    members = fields.Int()


class BaselineFigureSchema(Schema):
    subject = fields.Str()
    indicator = fields.Str()
    year = fields.Int()
    value = fields.Int()
    qualifier = fields.Str()


class StatisticsSchema(Schema):
    region = fields.Str(allow_none=True)
    totals = fields.Dict(keys=fields.Str(), values=fields.Nested(TypeCountSchema))
    by_region = fields.Dict(keys=fields.Str(), values=fields.Dict(
        keys=fields.Str(), values=fields.Nested(TypeCountSchema)))
    baseline = fields.List(fields.Nested(BaselineFigureSchema))


class KguContactsSchema(Schema):
    org_unit = fields.Nested(OrgUnitSchema)
    contacts = fields.List(fields.Nested(PersonSchema))
