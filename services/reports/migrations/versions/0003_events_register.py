"""the events register: event kinds, initiatives, events

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from kelisim.db.types import UtcDateTime

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_kinds',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_kk', sa.String(length=200), nullable=False),
    sa.Column('name_ru', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('media', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('event_initiatives',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name_kk', sa.String(length=200), nullable=False),
    sa.Column('name_ru', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=True),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_kind', sa.String(length=30), nullable=False),
    sa.Column('starts_at', UtcDateTime(), nullable=False),
    sa.Column('ends_at', UtcDateTime(), nullable=True),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title_kk', sa.String(length=500), nullable=True),
    sa.Column('title_ru', sa.String(length=500), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('structure_ids', sa.JSON(), nullable=False),
    sa.Column('structure_types', sa.JSON(), nullable=False),
    sa.Column('place', sa.JSON(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('media_links', sa.JSON(), nullable=False),
    sa.Column('media_count', sa.Integer(), nullable=False),
    sa.Column('project_code', sa.String(length=60), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('initiative', sa.String(length=60), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=120), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['kind'], ['event_kinds.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_events_region_date', 'events', ['region_code', 'local_date'], unique=False)
    op.create_index('ix_events_date', 'events', ['local_date'], unique=False)
    op.create_index('ix_events_project_date', 'events', ['project_code', 'local_date'], unique=False)
    op.create_table('event_structures',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('structure_type', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('event_id', 'structure_id')
    )
    op.create_index('ix_event_structures_type', 'event_structures', ['structure_type', 'event_id'], unique=False)


def downgrade():
    op.drop_index('ix_event_structures_type', table_name='event_structures')
    op.drop_table('event_structures')
    op.drop_index('ix_events_project_date', table_name='events')
    op.drop_index('ix_events_date', table_name='events')
    op.drop_index('ix_events_region_date', table_name='events')
    op.drop_table('events')
    op.drop_table('event_initiatives')
    op.drop_table('event_kinds')
