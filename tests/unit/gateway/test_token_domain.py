import hashlib
import re
from datetime import UTC, datetime

import pytest

from gateway.domain.tokens import ApiToken, generate_token, hash_token, token_matches
from kelisim.errors import Conflict, Invalid

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_generated_tokens_are_long_urlsafe_and_unique():
    tokens = {generate_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", token)


def test_the_hash_is_sha256_hex_of_the_token():
    assert hash_token("abc") == hashlib.sha256(b"abc").hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", hash_token(generate_token()))


def test_a_token_matches_only_its_own_hash():
    token = generate_token()
    assert token_matches(token, hash_token(token))
    assert not token_matches(token + "x", hash_token(token))
    assert not token_matches(generate_token(), hash_token(token))


def test_issuing_keeps_only_the_hash():
    token, plaintext = ApiToken.issue("observer", now=NOW)
    assert token.token_hash == hash_token(plaintext)
    assert plaintext not in repr(token) and plaintext not in str(token.to_dict())
    assert token.matches(plaintext)
    assert token.name == "observer" and token.active


def test_a_revoked_token_matches_nothing():
    token, plaintext = ApiToken.issue("rgu_admin", now=NOW)
    token.revoke(NOW)
    assert not token.active
    assert not token.matches(plaintext)


@pytest.mark.parametrize("role, region, field", [
    ("kgu_coordinator", None, "region"),
    ("observer", "KZ-61", "region"),
    ("rgu_admin", "KZ-61", "region"),
    ("kgu_coordinator", "61", "region"),
    ("superuser", None, "role"),
])
def test_role_and_region_must_agree(role, region, field):
    with pytest.raises(Invalid) as caught:
        ApiToken.issue(role, region, now=NOW)
    assert field in caught.value.errors


def test_a_coordinator_is_bound_to_its_region_and_named_after_it():
    token, _ = ApiToken.issue("kgu_coordinator", "KZ-61", now=NOW)
    token.id = 7
    assert token.name == "kgu_coordinator KZ-61"
    assert token.actor() == {"id": "token:7", "role": "kgu_coordinator", "region": "KZ-61"}


def test_names_are_bounded():
    with pytest.raises(Invalid) as caught:
        ApiToken.issue("observer", name="x" * 121, now=NOW)
    assert "name" in caught.value.errors


def test_only_an_admin_token_is_reactivated_as_admin():
    admin, _ = ApiToken.issue("rgu_admin", now=NOW)
    admin.revoke(NOW)
    admin.reactivate_as_admin()
    assert admin.active
    observer, _ = ApiToken.issue("observer", now=NOW)
    with pytest.raises(Conflict):
        observer.reactivate_as_admin()
