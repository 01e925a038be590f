import pytest

from gateway.domain.tokens import BOOTSTRAP_NAME, hash_token
from gateway.service_layer import tokens
from kelisim.errors import Conflict, Invalid, NotFound


def test_a_created_token_authenticates_as_its_actor(uow):
    token, plaintext = tokens.create_token(uow(), "kgu_coordinator", "KZ-61", "Turkistan KGU")
    assert token["name"] == "Turkistan KGU" and token["active"]
    assert tokens.authenticate(uow(), plaintext) == {
        "id": f"token:{token['id']}", "role": "kgu_coordinator", "region": "KZ-61"}


def test_the_database_holds_the_hash_never_the_token(uow, rows):
    _, plaintext = tokens.create_token(uow(), "observer")
    stored = rows("api_tokens")
    assert [row["token_hash"] for row in stored] == [hash_token(plaintext)]
    for name in ("api_tokens", "audit_log"):
        assert plaintext not in str(rows(name))


def test_unknown_empty_and_oversized_tokens_do_not_authenticate(uow):
    tokens.create_token(uow(), "observer")
    assert tokens.authenticate(uow(), "not-a-token") is None
    assert tokens.authenticate(uow(), "") is None
    assert tokens.authenticate(uow(), None) is None
    assert tokens.authenticate(uow(), "x" * 10_000) is None


def test_a_revoked_token_stops_authenticating(uow):
    token, plaintext = tokens.create_token(uow(), "rgu_admin")
    revoked = tokens.revoke_token(uow(), token["id"])
    assert not revoked["active"] and revoked["revoked_at"]
    assert tokens.authenticate(uow(), plaintext) is None
    assert tokens.revoke_token(uow(), token["id"])["revoked_at"] == revoked["revoked_at"]


def test_revoking_an_unknown_token_is_not_found(uow):
    with pytest.raises(NotFound):
        tokens.revoke_token(uow(), 999)


def test_an_inconsistent_token_is_refused_and_not_stored(uow, rows):
    with pytest.raises(Invalid):
        tokens.create_token(uow(), "kgu_coordinator")
    assert rows("api_tokens") == []


def test_listing_shows_every_token_without_secrets(uow):
    first, _ = tokens.create_token(uow(), "rgu_admin", name="admin")
    second, _ = tokens.create_token(uow(), "observer", name="auditor")
    tokens.revoke_token(uow(), second["id"])
    listed = tokens.list_tokens(uow())
    assert [(t["id"], t["name"], t["active"]) for t in listed] == [
        (first["id"], "admin", True), (second["id"], "auditor", False)]
    assert all("token_hash" not in t for t in listed)


def test_creation_and_revocation_are_audited(uow, rows):
    token, _ = tokens.create_token(uow(), "kgu_coordinator", "KZ-61")
    tokens.revoke_token(uow(), token["id"])
    audit = rows("audit_log")
    assert [(a["action"], a["entity"], a["entity_id"], a["region_code"]) for a in audit] == [
        ("create", "api_token", str(token["id"]), "KZ-61"),
        ("revoke", "api_token", str(token["id"]), "KZ-61")]


def test_bootstrap_generates_an_admin_token_once(uow, rows):
    plaintext = tokens.ensure_bootstrap_admin(uow())
    assert plaintext
    assert tokens.authenticate(uow(), plaintext)["role"] == "rgu_admin"
    assert tokens.ensure_bootstrap_admin(uow()) is None
    assert [row["name"] for row in rows("api_tokens")] == [BOOTSTRAP_NAME]


def test_bootstrap_generates_a_new_token_after_the_old_one_is_revoked(uow):
    first = tokens.ensure_bootstrap_admin(uow())
    tokens.revoke_token(uow(), tokens.list_tokens(uow())[0]["id"])
    second = tokens.ensure_bootstrap_admin(uow())
    assert second and second != first
    assert tokens.authenticate(uow(), first) is None
    assert tokens.authenticate(uow(), second)["role"] == "rgu_admin"


def test_a_configured_bootstrap_token_is_stored_as_admin_and_nothing_is_printed(uow, rows):
    configured = "operator-chosen-admin-token"
    assert tokens.ensure_bootstrap_admin(uow(), configured) is None
    assert tokens.ensure_bootstrap_admin(uow(), configured) is None
    assert tokens.authenticate(uow(), configured)["role"] == "rgu_admin"
    stored = rows("api_tokens")
    assert len(stored) == 1 and stored[0]["name"] == BOOTSTRAP_NAME
    assert tokens.ensure_bootstrap_admin(uow()) is None  # an active bootstrap admin exists


def test_a_configured_bootstrap_token_is_reactivated_if_revoked(uow):
    configured = "operator-chosen-admin-token"
    tokens.ensure_bootstrap_admin(uow(), configured)
    tokens.revoke_token(uow(), tokens.list_tokens(uow())[0]["id"])
    assert tokens.ensure_bootstrap_admin(uow(), configured) is None
    assert tokens.authenticate(uow(), configured)["role"] == "rgu_admin"


def test_a_configured_bootstrap_token_must_be_long_and_an_admin(uow):
    with pytest.raises(Invalid):
        tokens.ensure_bootstrap_admin(uow(), "short")
    _, observer = tokens.create_token(uow(), "observer")
    with pytest.raises(Conflict):
        tokens.ensure_bootstrap_admin(uow(), observer)
    assert tokens.authenticate(uow(), observer)["role"] == "observer"
