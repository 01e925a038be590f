"""tasks: a reschedule writes no index (due_date not indexed; PostgreSQL pages keep room)

A slip moves thousands of tasks in one statement. With ``due_date`` indexed and pages
filled to the brim, PostgreSQL wrote each moved row as a new tuple on another page, with an
entry in every one of the table's six indexes. With no indexed column changed and half of
each page free (fillfactor 50), it writes the new version beside the old one and touches
no index (a heap-only update, HOT): a rollout writes a family's tasks side by side, and
a slip moves most of them, so a page needs room for a new version of each of its rows (at
70 % full, 36 of 40 moved rows of a small slip were heap-only). 10 000 moved in 70-80 ms
instead of 195-210 ms (bench/README.md). A status or progress change is heap-only too. A
listing or the overdue check that filters on ``due_date`` finds the tasks of a plan,
region or project-year by those indexes, or reads the table: at 44 540 tasks the overdue
scan took 13 ms with the index or without, a listing of every region's tasks due this
week 8 ms instead of 0.1 (a review's EXPLAIN ANALYZE). The table takes twice the pages.

The rows already there are rewritten with that room (``CLUSTER`` by the primary key,
which also rebuilds the indexes; the table is locked meanwhile: well under a second for
tens of thousands of tasks), else each family's first slip after the upgrade would still
move every row to new pages. A transaction left open for long (a snapshot that still
sees the old versions) keeps a page from being pruned, so slips meanwhile fill the room
and are not heap-only again until it ends.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_tasks_due_date', table_name='tasks')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE tasks SET (fillfactor = 50)')
        op.execute('CLUSTER tasks USING tasks_pkey')  # the rows there, rewritten with room
        op.execute('ALTER TABLE tasks SET WITHOUT CLUSTER')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE tasks RESET (fillfactor)')
    op.create_index('ix_tasks_due_date', 'tasks', ['due_date'], unique=False)
