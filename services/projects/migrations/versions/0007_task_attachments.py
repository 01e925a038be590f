"""deliverable tasks and the attachments each task has (kept by the gateway)

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

from kelisim.db.types import UtcDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN (SQLite too): a batch copy of tasks would trip its foreign keys
    op.add_column('tasks', sa.Column('deliverable', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.create_table('task_attachments',
    sa.Column('attachment_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.Column('added_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id']),
    sa.PrimaryKeyConstraint('attachment_id'),
    )
    op.create_index('ix_task_attachments_task_id', 'task_attachments', ['task_id'])


def downgrade():
    op.drop_index('ix_task_attachments_task_id', table_name='task_attachments')
    op.drop_table('task_attachments')
    with op.batch_alter_table('tasks') as batch:
        batch.drop_column('deliverable')
