"""date constraints of tasks from dated template items: the kind (on, not_before, within),
the earliest start and latest due date it allows, and the conflict when predecessors make
it impossible (JSON, null when it holds)

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('constraint_kind', sa.String(12), nullable=True))
        batch_op.add_column(sa.Column('constraint_start', sa.Date, nullable=True))
        batch_op.add_column(sa.Column('constraint_due', sa.Date, nullable=True))
        batch_op.add_column(sa.Column('constraint_conflict', sa.JSON(none_as_null=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        for column in ('constraint_conflict', 'constraint_due', 'constraint_start',
                       'constraint_kind'):
            batch_op.drop_column(column)
