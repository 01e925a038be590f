"""The notifications service's contract: what its RPC methods accept and return (also the
gateway's)."""
from datetime import UTC

from marshmallow import Schema, fields, validate

from kelisim.i18n import LANGUAGES
from kelisim.schemas import PageQuery, QuerySchema, StrictSchema, page_of
from services.notifications.contract import (
    CHANNELS,
    DELIVERY_STATUSES,
    FREQUENCIES,
    NOTIFIED_TYPES,
    PREFERENCE_CHANNELS,
)

EVENT_TYPE = validate.OneOf(NOTIFIED_TYPES)


class InboxItemSchema(Schema):
    id = fields.Int()
    org_unit_id = fields.Int()
    region_code = fields.Str(allow_none=True)
    event_id = fields.Str(allow_none=True)
    event_type = fields.Str()
    critical = fields.Bool()
    title_kk = fields.Str()
    title_ru = fields.Str()
    body_kk = fields.Str()
    body_ru = fields.Str()
    data = fields.Dict(allow_none=True)
    occurred_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    archived_at = fields.DateTime(allow_none=True)
    unread = fields.Function(lambda item: item.read_at is None, dump_only=True)


class InboxQuery(PageQuery):
    org_unit_id = fields.Int(metadata={"description": "another org unit's inbox (see roles)"})
    unread = fields.Bool()
    type = fields.Str(validate=EVENT_TYPE, metadata={"description": "one of the event types "
                                                     "that notify (a typo is a 422, not no items)"})
    since = fields.AwareDateTime(default_timezone=UTC,
                                 metadata={"description": "items received at or after"})
    archived = fields.Bool(load_default=False)


class InboxPageSchema(page_of(InboxItemSchema)):
    org_unit_id = fields.Int()
    unread = fields.Int(metadata={"description": "unread items in the whole inbox"})


class InboxTarget(QuerySchema):
    org_unit_id = fields.Int()
    type = fields.Str(validate=EVENT_TYPE)


class MarkedSchema(Schema):
    org_unit_id = fields.Int()
    marked = fields.Int()


class WebhookCreateSchema(StrictSchema):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False,
                     validate=validate.Length(max=2000), metadata={"description": (
                         "http(s) URL without credentials whose host resolves to public "
                         "internet addresses only (loopback, private, link-local, "
                         "carrier-grade NAT, multicast and reserved ranges are refused in "
                         "every spelling, unless the operator allowed the network or host); "
                         "checked again at every delivery. A refused URL is a 422 naming "
                         "`url`.")})
    event_types = fields.List(fields.Str(validate=EVENT_TYPE), required=True,
                              validate=validate.Length(min=1))
    org_unit_id = fields.Int(load_default=None, allow_none=True, strict=True)
    description = fields.Str(load_default=None, allow_none=True,
                             validate=validate.Length(max=300))


class WebhookSchema(Schema):
    id = fields.Int()
    org_unit_id = fields.Int()
    region_code = fields.Str(allow_none=True)
    url = fields.Str()
    event_types = fields.List(fields.Str())
    description = fields.Str(allow_none=True)
    active = fields.Bool()
    created_at = fields.DateTime()
    disabled_at = fields.DateTime(allow_none=True)
    disabled_reason = fields.Str(allow_none=True)
    consecutive_failures = fields.Int()
    last_success_at = fields.DateTime(allow_none=True)
    last_failure_at = fields.DateTime(allow_none=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.Str(metadata={"description": "HMAC-SHA256 key of the signatures; "
                                                 "shown only in this answer"})


class WebhookQuery(QuerySchema):
    org_unit_id = fields.Int()


class DeliveryAttemptSchema(Schema):
    attempted_at = fields.DateTime()
    outcome = fields.Str(metadata={"description": "delivered, failed (retried), dead, "
                                                  "interrupted, or cancelled (its webhook "
                                                  "was deleted meanwhile)"})
    duration_ms = fields.Float(allow_none=True)
    status_code = fields.Int(allow_none=True)
    error = fields.Str(allow_none=True, metadata={"description": (
        "why the attempt failed, as a short class (`HTTP 503`, `connection refused`, "
        "`no complete answer within 10 s`, `destination refused: …`); never the "
        "receiver's answer")})


class DeliverySchema(Schema):
    id = fields.Int()
    event_id = fields.Str()
    event_type = fields.Str()
    channel = fields.Str()
    recipient = fields.Str()
    target = fields.Str()
    org_unit_id = fields.Int(allow_none=True)
    region_code = fields.Str(allow_none=True)
    webhook_id = fields.Int(allow_none=True)
    status = fields.Str()
    attempts = fields.Int()
    created_at = fields.DateTime()
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    last_error = fields.Str(allow_none=True, metadata={
        "description": "the last attempt's error, as in `log`"})
    last_status_code = fields.Int(allow_none=True)
    log = fields.List(fields.Nested(DeliveryAttemptSchema))


class DeliveryQuery(PageQuery):
    channel = fields.Str(validate=validate.OneOf(CHANNELS))
    status = fields.Str(validate=validate.OneOf(DELIVERY_STATUSES))
    event_id = fields.Str(validate=validate.Length(max=80))
    webhook_id = fields.Int()
    org_unit_id = fields.Int()


DeliveryPageSchema = page_of(DeliverySchema)


class PreferenceQuery(QuerySchema):
    org_unit_id = fields.Int()
    person_id = fields.Int()


class PreferenceSetSchema(StrictSchema):
    channels = fields.List(fields.Str(validate=validate.OneOf(PREFERENCE_CHANNELS)),
                           required=True)
    frequency = fields.Str(load_default="immediate", validate=validate.OneOf(FREQUENCIES))
    org_unit_id = fields.Int(load_default=None, allow_none=True, strict=True)
    person_id = fields.Int(load_default=None, allow_none=True, strict=True)


class PreferenceSchema(Schema):
    event_type = fields.Str()
    channels = fields.List(fields.Str())
    frequency = fields.Str()
    critical = fields.Bool()
    source = fields.Str(metadata={"description": "default, org_unit or person"})


class LanguageSetSchema(StrictSchema):
    language = fields.Str(required=True, validate=validate.OneOf(LANGUAGES))
    org_unit_id = fields.Int(load_default=None, allow_none=True, strict=True)
    person_id = fields.Int(load_default=None, allow_none=True, strict=True)


class LanguageSchema(Schema):
    owner_kind = fields.Str()
    owner_id = fields.Int()
    language = fields.Str(metadata={"description": "kk, ru or en: the language of e-mails"})
    source = fields.Str(metadata={"description": "default, org_unit or person"})


class PreferencesSchema(Schema):
    owner_kind = fields.Str()
    owner_id = fields.Int()
    org_unit_id = fields.Int()
    items = fields.List(fields.Nested(PreferenceSchema))
