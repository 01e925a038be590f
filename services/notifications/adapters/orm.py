"""Tables of the notifications database, mapped imperatively onto the domain classes."""
import sqlalchemy as sa
from sqlalchemy.orm import registry as mapper_registry

from kelisim.db.tables import platform_tables
from kelisim.db.types import UtcDateTime
from services.notifications.domain import model

metadata = sa.MetaData()
platform_tables(metadata)

received_events = sa.Table(
    "received_events", metadata,
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("type", sa.String(80), nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("regions", sa.JSON, nullable=False),
    sa.Column("envelope", sa.JSON, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("names", sa.JSON, nullable=True),  # looked-up names in every language
)

inbox_items = sa.Table(
    "inbox_items", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("org_unit_id", sa.Integer, nullable=False),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("event_id", sa.String(36), nullable=True),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("critical", sa.Boolean, nullable=False, default=False),
    sa.Column("title_kk", sa.String(500), nullable=False),
    sa.Column("title_ru", sa.String(500), nullable=False),
    sa.Column("body_kk", sa.Text, nullable=False),
    sa.Column("body_ru", sa.Text, nullable=False),
    sa.Column("data", sa.JSON, nullable=True),
    sa.Column("occurred_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("read_at", UtcDateTime, nullable=True),
    sa.Column("archived_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("event_id", "org_unit_id", name="uq_inbox_event_unit"),
    sa.Index("ix_inbox_unit_created", "org_unit_id", "created_at"),
)

deliveries = sa.Table(
    "deliveries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(80), nullable=False),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("recipient", sa.String(80), nullable=False),
    sa.Column("target", sa.String(2000), nullable=False),
    sa.Column("org_unit_id", sa.Integer, nullable=True, index=True),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("person_id", sa.Integer, nullable=True),
    sa.Column("webhook_id", sa.Integer, nullable=True, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("occurred_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime, nullable=True),
    sa.Column("first_attempt_at", UtcDateTime, nullable=True),
    sa.Column("claimed_until", UtcDateTime, nullable=True),
    sa.Column("delivered_at", UtcDateTime, nullable=True),
    sa.Column("due_at", UtcDateTime, nullable=True),
    sa.Column("digest_id", sa.Integer, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("last_status_code", sa.Integer, nullable=True),
    sa.Column("dead_lettered_at", UtcDateTime, nullable=True),
    sa.Column("language", sa.String(2), nullable=True),
    sa.Column("batch_key", sa.String(120), nullable=True),
    sa.UniqueConstraint("event_id", "channel", "recipient", name="uq_delivery_key"),
    sa.Index("ix_deliveries_due", "channel", "status", "next_attempt_at"),
)

delivery_attempts = sa.Table(
    "delivery_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id"), nullable=False,
              index=True),
    sa.Column("attempted_at", UtcDateTime, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("duration_ms", sa.Float, nullable=True),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
)

webhooks = sa.Table(
    "webhooks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("org_unit_id", sa.Integer, nullable=False, index=True),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("description", sa.String(300), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(120), nullable=True),
    sa.Column("disabled_at", UtcDateTime, nullable=True),
    sa.Column("disabled_reason", sa.String(500), nullable=True),
    sa.Column("deleted_at", UtcDateTime, nullable=True),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, default=0),
    sa.Column("last_success_at", UtcDateTime, nullable=True),
    sa.Column("last_failure_at", UtcDateTime, nullable=True),
)

preferences = sa.Table(
    "preferences", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner_kind", sa.String(16), nullable=False),
    sa.Column("owner_id", sa.Integer, nullable=False),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("channels", sa.JSON, nullable=False),
    sa.Column("frequency", sa.String(16), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("owner_kind", "owner_id", "event_type", name="uq_preference_owner_type"),
)

language_preferences = sa.Table(
    "language_preferences", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner_kind", sa.String(16), nullable=False),
    sa.Column("owner_id", sa.Integer, nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("owner_kind", "owner_id", name="uq_language_owner"),
)

_mappers = mapper_registry()


def start_mappers():
    """Map the domain classes once per process (idempotent)."""
    if _mappers.mappers:
        return
    _mappers.map_imperatively(model.ReceivedEvent, received_events)
    _mappers.map_imperatively(model.InboxItem, inbox_items)
    _mappers.map_imperatively(model.Delivery, deliveries)
    _mappers.map_imperatively(model.Attempt, delivery_attempts)
    _mappers.map_imperatively(model.Webhook, webhooks)
    _mappers.map_imperatively(model.Preference, preferences)
    _mappers.map_imperatively(model.LanguagePreference, language_preferences)
