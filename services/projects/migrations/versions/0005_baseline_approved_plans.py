"""baselines for plans approved before baselines existed: baseline 1 from their dates and
budget as they stand (the dates they were approved with were not kept), so their earned
value is measured against a baseline from here on

Revision ID: 0005
Revises: 0004
"""
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from kelisim.db.types import UtcDateTime
from services.projects.adapters.types import Money

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

REASON = 'captured by migration 0005 from the dates and budget as they stood'


def upgrade():
    _baseline_approved_plans(op.get_bind())


def downgrade():
    op.get_bind().execute(sa.text("DELETE FROM plan_baselines WHERE reason = :reason"),
                          {"reason": REASON})


def _iso(day):
    return day.isoformat() if isinstance(day, date) else str(day)


def _baseline_approved_plans(bind):
    meta = sa.MetaData()
    plans = sa.Table('plans', meta, sa.Column('id', sa.Integer), sa.Column('status', sa.String))
    tasks = sa.Table('tasks', meta, sa.Column('id', sa.Integer), sa.Column('plan_id', sa.Integer),
                     sa.Column('parent_id', sa.Integer), sa.Column('kind', sa.String),
                     sa.Column('status', sa.String), sa.Column('start_date', sa.Date),
                     sa.Column('due_date', sa.Date), sa.Column('duration', sa.Integer))
    lines = sa.Table('budget_lines', meta, sa.Column('plan_id', sa.Integer),
                     sa.Column('planned', Money()))
    baselines = sa.Table('plan_baselines', meta, sa.Column('plan_id', sa.Integer),
                         sa.Column('number', sa.Integer), sa.Column('budget', Money()),
                         sa.Column('tasks', sa.JSON), sa.Column('captured_at', UtcDateTime()),
                         sa.Column('actor_id', sa.String), sa.Column('reason', sa.Text))
    approved = [row.id for row in bind.execute(sa.select(plans.c.id).where(
        plans.c.status.in_(('approved', 'in_progress', 'closed'))))]
    child = tasks.alias('child')
    now = datetime.now(UTC)
    for plan_id in approved:
        work = bind.execute(sa.select(tasks).where(
            tasks.c.plan_id == plan_id, tasks.c.kind != 'phase', tasks.c.status != 'cancelled',
            ~sa.exists().where(child.c.parent_id == tasks.c.id)).order_by(tasks.c.id)).all()
        budget = sum((row.planned for row in bind.execute(
            sa.select(lines.c.planned).where(lines.c.plan_id == plan_id))), 0)
        bind.execute(baselines.insert().values(
            plan_id=plan_id, number=1, budget=budget, captured_at=now, actor_id='system',
            tasks=[[t.id, _iso(t.start_date), _iso(t.due_date), t.duration] for t in work],
            reason=REASON))
