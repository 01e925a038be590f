"""count targets with actuals from the events register

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
    op.create_table('count_targets',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('title_kk', sa.String(length=500), nullable=False),
    sa.Column('title_ru', sa.String(length=500), nullable=False),
    sa.Column('title_en', sa.String(length=500), nullable=True),
    sa.Column('minimum', sa.Integer(), nullable=False),
    sa.Column('period_type', sa.String(length=16), nullable=False),
    sa.Column('per', sa.String(length=30), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('structure_type', sa.String(length=40), nullable=True),
    sa.Column('initiative', sa.String(length=60), nullable=True),
    sa.Column('project_code', sa.String(length=60), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('region_code', sa.String(length=8), nullable=True),
    sa.Column('year_from', sa.Integer(), nullable=True),
    sa.Column('year_until', sa.Integer(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )


def downgrade():
    op.drop_table('count_targets')
