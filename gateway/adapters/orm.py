"""Tables of the gateway database, mapped imperatively onto the domain classes."""
import sqlalchemy as sa
from sqlalchemy.orm import registry as mapper_registry

from gateway.domain.accounts import Account
from gateway.domain.attachments import Attachment
from gateway.domain.sessions import AccountLink, Session
from gateway.domain.sso import SsoAttempt
from gateway.domain.throttle import SignInFailures
from gateway.domain.tokens import ApiToken
from kelisim.db.tables import platform_tables
from kelisim.db.types import UtcDateTime

metadata = sa.MetaData()
platform_tables(metadata)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("account_id", sa.Integer, nullable=True, index=True),
    sa.Column("expires_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(254), nullable=False),
    sa.Column("display_name_kk", sa.String(200), nullable=False),
    sa.Column("display_name_ru", sa.String(200), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("region_code", sa.String(8), nullable=True, index=True),
    sa.Column("person_id", sa.Integer, nullable=True),
    sa.Column("org_unit_id", sa.Integer, nullable=True),
    sa.Column("org_unit_name_kk", sa.String(300), nullable=True),
    sa.Column("org_unit_name_ru", sa.String(300), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("last_sign_in_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("disabled_at", UtcDateTime, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("login", name="uq_accounts_login"),
    sa.UniqueConstraint("person_id", name="uq_accounts_person_id"),
)

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, nullable=False, index=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("secret_hash", name="uq_sessions_secret_hash"),
)

account_links = sa.Table(
    "account_links", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, nullable=False, index=True),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("token_hash", name="uq_account_links_token_hash"),
)

sign_in_failures = sa.Table(
    "sign_in_failures", metadata,
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failed_at", UtcDateTime, nullable=False),
    sa.Column("locked_until", UtcDateTime, nullable=True),
)

sso_attempts = sa.Table(
    "sso_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("state_hash", sa.String(64), nullable=False),
    sa.Column("code_verifier", sa.String(128), nullable=False),
    sa.Column("nonce", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("state_hash", name="uq_sso_attempts_state_hash"),
)

# evidence documents (gateway/domain/attachments.py): the bytes are in the attachment store
attachments = sa.Table(
    "attachments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner_kind", sa.String(20), nullable=False),
    sa.Column("owner_id", sa.Integer, nullable=False),
    sa.Column("region_code", sa.String(8), nullable=True),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage_key", sa.String(64), nullable=False),
    sa.Column("uploaded_by", sa.String(64), nullable=False),
    sa.Column("uploaded_by_role", sa.String(40), nullable=False),
    sa.Column("uploaded_at", UtcDateTime, nullable=False),
    sa.Index("ix_attachments_owner", "owner_kind", "owner_id"),
    sa.UniqueConstraint("storage_key", name="uq_attachments_storage_key"),
)

_mappers = mapper_registry()


def start_mappers():
    """Map the domain classes once per process (idempotent)."""
    if _mappers.mappers:
        return
    _mappers.map_imperatively(ApiToken, api_tokens)
    _mappers.map_imperatively(Account, accounts, version_id_col=accounts.c.version)
    _mappers.map_imperatively(Session, sessions)
    _mappers.map_imperatively(AccountLink, account_links)
    _mappers.map_imperatively(SignInFailures, sign_in_failures)
    _mappers.map_imperatively(SsoAttempt, sso_attempts)
    _mappers.map_imperatively(Attachment, attachments)
