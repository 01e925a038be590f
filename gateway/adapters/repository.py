"""Queries on API tokens, over one SQLAlchemy session."""
from collections import namedtuple
from datetime import UTC, datetime

import sqlalchemy as sa

from gateway.adapters.orm import accounts, api_tokens, start_mappers
from gateway.domain.tokens import ApiToken

# Built once: SQLAlchemy then compiles it once too (its cache key is memoised on the object).
# A personal token acts as its account: the account's state and names come with it.
_CREDENTIALS = sa.select(
    api_tokens.c.id, api_tokens.c.role, api_tokens.c.region_code, api_tokens.c.token_hash,
    api_tokens.c.revoked_at, api_tokens.c.expires_at, api_tokens.c.account_id,
    accounts.c.active.label("account_active"), accounts.c.role.label("account_role"),
    accounts.c.region_code.label("account_region"), accounts.c.display_name_kk,
    accounts.c.display_name_ru, accounts.c.org_unit_name_kk, accounts.c.org_unit_name_ru,
).select_from(api_tokens.outerjoin(accounts, accounts.c.id == api_tokens.c.account_id)).where(
    api_tokens.c.token_hash == sa.bindparam("token_hash"))


Credentials = namedtuple("Credentials", [c.name for c in _CREDENTIALS.selected_columns])


class CredentialsLookup:
    """``lookup(token_hash)``: the columns :meth:`TokenRepository.credentials` reads, by the
    same statement compiled once for the engine's dialect and run on a pooled DB-API
    connection. Every request asks, and SQLAlchemy's session and result machinery around
    one indexed SELECT were a third of the gateway's CPU on cached reads. ``revoked_at``
    comes back as the driver gives it: only whether it is set matters here; ``expires_at``
    is made a UTC datetime (SQLite gives text)."""

    def __init__(self, engine):
        self.engine = engine
        compiled = _CREDENTIALS.compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self.positional = compiled.positional

    def __call__(self, token_hash):
        params = (token_hash,) if self.positional else {"token_hash": token_hash}
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()  # back to the pool, rolled back
        if row is None:
            return None
        row = Credentials(*row)
        return row._replace(expires_at=_utc(row.expires_at)) if row.expires_at else row


def _utc(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class TokenRepository:
    def __init__(self, session):
        start_mappers()  # callers outside the service (launcher, CLI) need the mapping too
        self.session = session

    def add(self, token):
        self.session.add(token)

    def get(self, token_id):
        return self.session.get(ApiToken, token_id)

    def by_hash(self, token_hash):
        query = sa.select(ApiToken).where(ApiToken.token_hash == token_hash)
        return self.session.scalars(query).first()

    def credentials(self, token_hash):
        """``(id, role, region_code, token_hash, revoked_at, expires_at, account_id,
        account_active, ...)`` of a token as a plain row, or None: what every request's
        authentication needs, on the session's connection (no ORM execution path: this runs
        on every request)."""
        row = self.session.connection().execute(_CREDENTIALS, {"token_hash": token_hash}).first()
        return None if row is None else Credentials(*row)

    def all(self):
        return self.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)).all()

    def active_named(self, name):
        query = (sa.select(ApiToken)
                 .where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
                 .order_by(ApiToken.id))
        return self.session.scalars(query).first()

    def ping(self):
        return self.session.execute(sa.text("SELECT 1")).scalar() == 1
