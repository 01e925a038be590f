"""plan baselines: the approved dates, durations and budget earned value is measured against

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from kelisim.db.types import UtcDateTime
from services.projects.adapters.types import Money

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_baselines',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('budget', Money(), nullable=False),
        sa.Column('tasks', sa.JSON(), nullable=False),
        sa.Column('captured_at', UtcDateTime(), nullable=False),
        sa.Column('actor_id', sa.String(length=120), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id', 'number', name='uq_plan_baseline_number'),
    )
    with op.batch_alter_table('plan_baselines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_baselines_plan_id'), ['plan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_baselines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_baselines_plan_id'))
    op.drop_table('plan_baselines')
