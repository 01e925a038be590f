"""attachments: evidence documents of tasks, reports and events

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
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('owner_kind', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_role', sa.String(length=40), nullable=False),
    sa.Column('uploaded_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('storage_key', name='uq_attachments_storage_key'),
    )
    op.create_index('ix_attachments_owner', 'attachments', ['owner_kind', 'owner_id'])


def downgrade():
    op.drop_index('ix_attachments_owner', table_name='attachments')
    op.drop_table('attachments')
