"""concurrency guards: schedule_locks (one row lock per project-year) and a partial unique
index allowing one Accountable (role A) per task

Before the index, a task that got two Accountables from a race keeps the newest one (the
one applied last); the older rows are deleted.

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

ONLY_ACCOUNTABLE = "role = 'A'"


def upgrade():
    op.create_table('schedule_locks',
    sa.Column('project_code', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('locked_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('project_code', 'year')
    )
    op.execute("DELETE FROM assignments WHERE role = 'A' AND id NOT IN "
               "(SELECT MAX(id) FROM assignments WHERE role = 'A' GROUP BY task_id)")
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('uq_assignment_accountable', ['task_id'], unique=True,
                              postgresql_where=sa.text(ONLY_ACCOUNTABLE),
                              sqlite_where=sa.text(ONLY_ACCOUNTABLE))


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_assignment_accountable',
                            postgresql_where=sa.text(ONLY_ACCOUNTABLE),
                            sqlite_where=sa.text(ONLY_ACCOUNTABLE))
    op.drop_table('schedule_locks')
