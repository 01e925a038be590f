"""Queries on API tokens, over one SQLAlchemy session."""
import sqlalchemy as sa

from gateway.adapters.orm import api_tokens, start_mappers
from gateway.domain.tokens import ApiToken


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
        """``(id, role, region_code, token_hash, revoked_at)`` of a token as a plain row,
        or None: what every request's authentication needs, without loading an object."""
        t = api_tokens
        return self.session.execute(
            sa.select(t.c.id, t.c.role, t.c.region_code, t.c.token_hash, t.c.revoked_at)
            .where(t.c.token_hash == token_hash)).first()

    def all(self):
        return self.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)).all()

    def active_named(self, name):
        query = (sa.select(ApiToken)
                 .where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
                 .order_by(ApiToken.id))
        return self.session.scalars(query).first()

    def ping(self):
        return self.session.execute(sa.text("SELECT 1")).scalar() == 1
