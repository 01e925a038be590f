"""Tables every service database has: the outbox, the audit log, processed events.

``platform_tables(metadata)`` adds them to a service's metadata; each service's first
migration calls ``create_platform_tables(op)`` so the DDL is written once.
"""
from typing import Any

import sqlalchemy as sa

from kelisim.db.types import UtcDateTime


def platform_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table]:
    """The outbox, audit_log and processed_events tables, added to ``metadata``."""
    outbox = sa.Table(
        "outbox", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("envelope", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("claimed_until", UtcDateTime, nullable=True),
        sa.Column("published_at", UtcDateTime, nullable=True, index=True),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    audit_log = sa.Table(
        "audit_log", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("occurred_at", UtcDateTime, nullable=False, index=True),
        sa.Column("actor_id", sa.String(120), nullable=False),
        sa.Column("actor_role", sa.String(40), nullable=False),
        sa.Column("correlation_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(60), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("region_code", sa.String(8), nullable=True, index=True),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
    )
    processed_events = sa.Table(
        "processed_events", metadata,
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("consumer", sa.String(120), primary_key=True),
        sa.Column("processed_at", UtcDateTime, nullable=False),
    )
    return outbox, audit_log, processed_events


def outbox_as_text() -> sa.Table:
    """The outbox table with its ``envelope`` column typed as text: rows are written with
    the envelope already serialised as the JSON it is published as, and read back as that
    text (the column stays JSON in the database and in :func:`platform_tables`)."""
    return sa.Table(
        "outbox", sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("envelope", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
    )


def create_platform_tables(op: Any) -> None:
    """Alembic helper: create the platform tables in a service's first migration."""
    bind = op.get_bind()
    for table in platform_tables(sa.MetaData()):
        table.create(bind)


def drop_platform_tables(op: Any) -> None:
    """Alembic helper: drop them again (a first migration's downgrade)."""
    for name in ("processed_events", "audit_log", "outbox"):
        op.drop_table(name)
