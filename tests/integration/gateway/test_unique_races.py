"""Two replicas preparing at once with one configured admin token (PostgreSQL): one token."""
from gateway.adapters.orm import start_mappers
from gateway.adapters.repository import TokenRepository
from gateway.service_layer import tokens
from kelisim.context import Context
from tests.support import race_with_slow_commit

CONFIGURED = "a-configured-admin-token-of-the-operator-0123456789"


def test_two_bootstraps_with_one_configured_token_at_once_make_one_token(
        postgres_url, migrated, session_factory):
    start_mappers()
    sessions = session_factory(migrated("gateway", postgres_url))
    first, second = race_with_slow_commit(
        lambda cls: cls(sessions, Context(source="gateway"), TokenRepository),
        tokens.ensure_bootstrap_admin, CONFIGURED)
    assert [repr(a) for a in (first, second) if isinstance(a, Exception)] == []
    assert (first, second) == (None, None)
    with sessions() as session:
        stored = TokenRepository(session).all()
    assert [(t.role, t.active) for t in stored] == [("rgu_admin", True)]
