"""The gateway, the registry and the notifications service running for real (per-test vhost),
with a real SMTP server, for the accounts, sessions and sign-in tests."""
import pytest


@pytest.fixture
def platform(accounts_platform):
    """tests/fixtures/accounts.py's platform."""
    return accounts_platform
