"""short webhook errors: the delivery log no longer keeps any part of a receiver's answer

Before, a failed webhook call was logged as ``HTTP 500: <the first 300 characters of the
answer>``; that text (possibly an internal service's) is cut to ``HTTP 500`` in the
attempts, the deliveries' last error and the webhooks' disabled reason. Data only; the
downgrade cannot bring the answers back and changes nothing.

Revision ID: 0003
Revises: 0002
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ANSWER = re.compile(r"(HTTP \d{3}): .*", re.S)


def _shorten(conn, table, key, column, where):
    t = sa.table(table, sa.column(key), sa.column(column))
    rows = conn.execute(sa.text(
        f"SELECT {key}, {column} FROM {table} WHERE {column} LIKE '%HTTP %: %' AND {where}"))
    for row_id, text in rows.fetchall():
        short = ANSWER.sub(r"\1", text)
        if short != text:
            conn.execute(t.update().where(t.c[key] == row_id).values({column: short}))


def upgrade():
    conn = op.get_bind()
    _shorten(conn, "delivery_attempts", "id", "error",
             "delivery_id IN (SELECT id FROM deliveries WHERE channel = 'webhook')")
    _shorten(conn, "deliveries", "id", "last_error", "channel = 'webhook'")
    _shorten(conn, "webhooks", "id", "disabled_reason", "1 = 1")


def downgrade():
    pass
