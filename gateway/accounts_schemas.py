"""The contract of accounts, sessions, one-time links and personal tokens."""
from marshmallow import Schema, fields, validate

from gateway.domain.passwords import MAX_LENGTH as MAX_PASSWORD
from kelisim.access import ROLES
from kelisim.schemas import REGION_CODE, PageQuery, QuerySchema, StrictSchema, page_of

NAME = validate.Length(min=1, max=200)
LOGIN = validate.Length(min=3, max=254)


class AccountSchema(Schema):
    id = fields.Int()
    login = fields.Str(metadata={"description": "the e-mail address the person signs in with"})
    display_name_kk = fields.Str()
    display_name_ru = fields.Str()
    role = fields.Str(metadata={"enum": list(ROLES)})
    region_code = fields.Str(allow_none=True)
    person_id = fields.Int(allow_none=True)
    org_unit_id = fields.Int(allow_none=True)
    org_unit_name_kk = fields.Str(allow_none=True)
    org_unit_name_ru = fields.Str(allow_none=True)
    active = fields.Bool()
    has_password = fields.Bool()
    last_sign_in_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    disabled_at = fields.DateTime(allow_none=True)
    version = fields.Int()


AccountPageSchema = page_of(AccountSchema)


class AccountQuery(PageQuery):
    region = fields.Str(validate=REGION_CODE)
    role = fields.Str(validate=validate.OneOf(ROLES))


class AccountCreateSchema(StrictSchema):
    login = fields.Email(required=True, validate=LOGIN)
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    region_code = fields.Str(load_default=None, allow_none=True, validate=REGION_CODE)
    person_id = fields.Int(load_default=None, allow_none=True, strict=True,
                           metadata={"description": "the registry's person (one account each); "
                                                    "their name and org unit are the defaults"})
    display_name_kk = fields.Str(load_default=None, allow_none=True, validate=NAME, metadata={
        "description": "at least one of display_name_kk / display_name_ru (or person_id); "
                       "a missing one shows the other"})
    display_name_ru = fields.Str(load_default=None, allow_none=True, validate=NAME)
    send_invitation = fields.Bool(load_default=True, metadata={
        "description": "e-mail a single-use link to set the password"})


class AccountPatchSchema(StrictSchema):
    version = fields.Int(required=True, strict=True)
    display_name_kk = fields.Str(validate=NAME)
    display_name_ru = fields.Str(validate=NAME)
    role = fields.Str(validate=validate.OneOf(ROLES))
    region_code = fields.Str(allow_none=True, validate=REGION_CODE)
    active = fields.Bool(metadata={"description": "false disables the account and ends all its "
                                                  "sessions and tokens at once"})


class LinkSentSchema(Schema):
    purpose = fields.Str(metadata={"enum": ["invitation", "reset"]})
    expires_at = fields.DateTime()
    sent = fields.Bool(metadata={"description": "false when the platform has no SMTP server"})


class AccountCreatedSchema(AccountSchema):
    invitation = fields.Nested(LinkSentSchema, allow_none=True)


class SignInSchema(StrictSchema):
    login = fields.Str(required=True, validate=LOGIN)
    password = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_PASSWORD),
                          load_only=True)


class SessionSchema(Schema):
    account = fields.Nested(AccountSchema, allow_none=True)
    actor = fields.Dict(metadata={"description": "who the platform records as acting"})
    csrf_token = fields.Str(allow_none=True, metadata={
        "description": "send it as X-CSRF-Token with every change made with the cookie"})
    expires_at = fields.DateTime(allow_none=True)


class ResetRequestSchema(StrictSchema):
    login = fields.Str(required=True, validate=LOGIN)


class AcceptedSchema(Schema):
    status = fields.Str(metadata={"example": "accepted"})


class PasswordSetSchema(StrictSchema):
    token = fields.Str(required=True, validate=validate.Length(min=1, max=256),
                       metadata={"description": "the token of the invitation or reset link"})
    password = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_PASSWORD),
                          load_only=True)


class TokenSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    role = fields.Str()
    region = fields.Str(allow_none=True)
    account_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    active = fields.Bool()


class TokenIssuedSchema(TokenSchema):
    token = fields.Str(metadata={"description": "the secret, shown only in this answer"})


class TokenCreateSchema(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True,
                                      metadata={"description": "when it stops working (UTC)"})


class TokenQuery(QuerySchema):
    account_id = fields.Int(metadata={"description": "another person's (RGU administrator)"})
