"""accounts, sessions, one-time links, sign-in failures; personal tokens

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from kelisim.db.types import UtcDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('login', sa.String(length=254), nullable=False),
    sa.Column('display_name_kk', sa.String(length=200), nullable=False),
    sa.Column('display_name_ru', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('org_unit_name_kk', sa.String(length=300), nullable=True),
    sa.Column('org_unit_name_ru', sa.String(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('last_sign_in_at', UtcDateTime(), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('disabled_at', UtcDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('login', name='uq_accounts_login'),
    sa.UniqueConstraint('person_id', name='uq_accounts_person_id'),
    )
    op.create_index('ix_accounts_region_code', 'accounts', ['region_code'])
    op.create_table('sessions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('expires_at', UtcDateTime(), nullable=False),
    sa.Column('revoked_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('secret_hash', name='uq_sessions_secret_hash'),
    )
    op.create_index('ix_sessions_account_id', 'sessions', ['account_id'])
    op.create_table('account_links',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('expires_at', UtcDateTime(), nullable=False),
    sa.Column('used_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash', name='uq_account_links_token_hash'),
    )
    op.create_index('ix_account_links_account_id', 'account_links', ['account_id'])
    op.create_table('sign_in_failures',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', UtcDateTime(), nullable=False),
    sa.Column('locked_until', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key'),
    )
    op.add_column('api_tokens', sa.Column('account_id', sa.Integer(), nullable=True))
    op.add_column('api_tokens', sa.Column('expires_at', UtcDateTime(), nullable=True))
    op.create_index('ix_api_tokens_account_id', 'api_tokens', ['account_id'])


def downgrade():
    op.drop_index('ix_api_tokens_account_id', table_name='api_tokens')
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('expires_at')
        batch.drop_column('account_id')
    op.drop_table('sign_in_failures')
    op.drop_index('ix_account_links_account_id', table_name='account_links')
    op.drop_table('account_links')
    op.drop_index('ix_sessions_account_id', table_name='sessions')
    op.drop_table('sessions')
    op.drop_index('ix_accounts_region_code', table_name='accounts')
    op.drop_table('accounts')
