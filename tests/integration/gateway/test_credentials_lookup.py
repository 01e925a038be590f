"""The per-request token lookup, on the DB-API connection, on both backends: the same
answers as the unit of work's, revocation seen at once."""
from sqlalchemy.orm import sessionmaker

from gateway.adapters.repository import CredentialsLookup, TokenRepository
from gateway.domain.tokens import hash_token
from gateway.service_layer import tokens
from kelisim.db import migrate
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork


def test_the_lookup_answers_as_the_unit_of_work_does(database_url):
    migrate.upgrade("gateway", database_url)
    engine = make_engine(database_url)
    try:
        def uow():
            return UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                              repositories=TokenRepository)

        made, plaintext = tokens.create_token(uow(), "kgu_coordinator", "KZ-61", "Түркістан")
        lookup = CredentialsLookup(engine)

        found = lookup(hash_token(plaintext))
        assert (found.id, found.role, found.region_code, found.revoked_at) == (
            made["id"], "kgu_coordinator", "KZ-61", None)
        assert tokens.authenticate_with(lookup, plaintext) == tokens.authenticate(uow(), plaintext)
        assert lookup(hash_token("not a token")) is None

        tokens.revoke_token(uow(), made["id"])
        assert lookup(hash_token(plaintext)).revoked_at is not None
        assert tokens.authenticate_with(lookup, plaintext) is None
    finally:
        engine.dispose()
