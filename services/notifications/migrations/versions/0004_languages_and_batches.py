"""languages and batches: the names an event mentions in every language, a delivery's
language and batch, each org unit's and person's language

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from kelisim.db.types import UtcDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('received_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('names', sa.JSON(), nullable=True))
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('batch_key', sa.String(length=120), nullable=True))
    op.create_table('language_preferences',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('owner_kind', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_kind', 'owner_id', name='uq_language_owner')
    )


def downgrade():
    op.drop_table('language_preferences')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('batch_key')
        batch_op.drop_column('language')
    with op.batch_alter_table('received_events', schema=None) as batch_op:
        batch_op.drop_column('names')
