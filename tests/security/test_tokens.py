"""API tokens: only their SHA-256 hashes are kept, a presented token is compared in constant
time, and a revoked one stops working with the very next request."""
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from gateway.adapters.repository import TokenRepository
from gateway.domain import tokens as token_domain
from gateway.service_layer import tokens
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from tests.security.deployment import API, COMPONENTS

pytestmark = [pytest.mark.security]


def kelisim(deployment, *args):
    result = subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", *args],
                            env=deployment.platform.env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def database_bytes(url):
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


@pytest.mark.broker
def test_no_database_holds_a_token_only_its_hash(deployment):
    issued = kelisim(deployment, "token", "create", "--role", "observer", "--name", "hash check")
    plaintext = issued.strip().splitlines()[-1]
    for secret in [plaintext, *deployment.tokens.values()]:
        for component in COMPONENTS:
            assert secret.encode() not in database_bytes(deployment.db(component)), component
    engine = make_engine(deployment.db("gateway"))
    try:
        with engine.connect() as conn:
            columns = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(api_tokens)")]
            hashes = {row[0] for row in conn.exec_driver_sql("SELECT token_hash FROM api_tokens")}
    finally:
        engine.dispose()
    assert columns == ["id", "name", "role", "region_code", "token_hash", "created_at",
                       "revoked_at", "account_id", "expires_at"]
    assert {hashlib.sha256(t.encode()).hexdigest() for t in deployment.tokens.values()} <= hashes
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    assert plaintext not in kelisim(deployment, "token", "list")


def test_a_presented_token_is_compared_in_constant_time(tmp_path, migrated, monkeypatch):
    """The lookup is by the hash of what was presented, then hmac.compare_digest over the
    two hashes: the time taken says nothing about how much of a token was right."""
    url = migrated("gateway", f"sqlite:///{tmp_path / 'gateway.db'}")
    engine = make_engine(url)

    def uow():
        return UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                          repositories=TokenRepository)

    made, plaintext = tokens.create_token(uow(), "observer")
    compared = []
    real = token_domain.hmac.compare_digest
    monkeypatch.setattr(token_domain.hmac, "compare_digest",
                        lambda a, b: compared.append((a, b)) or real(a, b))
    try:
        assert tokens.authenticate(uow(), plaintext)["id"] == f"token:{made['id']}"
        digest = hashlib.sha256(plaintext.encode()).hexdigest()
        assert compared == [(digest, digest)]
        assert tokens.authenticate(uow(), plaintext[:-1] + "x") is None
        assert tokens.authenticate(uow(), "x" * 10_000) is None  # too long: not even hashed
    finally:
        engine.dispose()


@pytest.mark.broker
def test_a_token_revoked_with_the_cli_stops_at_the_next_request(deployment):
    issued = kelisim(deployment, "token", "create", "--role", "kgu_coordinator", "--region",
                     "KZ-61", "--name", "to be revoked")
    token_id = re.match(r"token (\d+)", issued).group(1)
    plaintext = issued.strip().splitlines()[-1]
    for _ in range(3):
        assert deployment.request("GET", f"{API}/tasks", plaintext).status_code == 200
    kelisim(deployment, "token", "revoke", token_id)
    for _ in range(3):
        refused = deployment.request("GET", f"{API}/tasks", plaintext)
        assert refused.status_code == 401
        assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert deployment.request("POST", f"{API}/people", plaintext,
                              json={"full_name": "Revoked"}).status_code == 401
