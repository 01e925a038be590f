"""``make run`` (its ``prepare`` step) tells how the first administrator signs in, and the
``kelisim account`` commands work straight on the gateway database."""
import os
import re
import subprocess
import sys

import pytest

from gateway.adapters.accounts import AccountRepository
from gateway.errors import LinkInvalid
from gateway.service_layer import accounts, sessions
from tests.support import on_database

PASSWORD = "first admin's password"


def kelisim(env, *args):
    result = subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", *args], env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def env(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KELISIM_")}
    environment.update(KELISIM_DATA_DIR=str(tmp_path / "var"), KELISIM_LOG_LEVEL="WARNING",
                       KELISIM_GATEWAY_ADDRESS="127.0.0.1:8123")
    return environment


def _token(output):
    return re.search(r"http://127\.0\.0\.1:8123/set-password#token=([\w-]+)", output).group(1)


def test_a_fresh_start_prints_how_the_first_administrator_signs_in(env, tmp_path):
    first = kelisim(env, "prepare")
    assert "the first administrator signs in as admin@localhost" in first
    assert "POST http://127.0.0.1:8123/api/v1/session" in first
    stale = _token(first)
    again = _token(kelisim(env, "prepare"))  # no password yet: a new link, the old one void
    gateway_db = f"sqlite:///{tmp_path / 'var' / 'gateway.db'}"

    def use(token):
        return on_database(gateway_db, AccountRepository,
                           lambda uow: accounts.set_password(uow, token, PASSWORD))
    with pytest.raises(LinkInvalid):
        use(stale)
    admin = use(again)
    assert admin["role"] == "rgu_admin" and admin["login"] == "admin@localhost"
    account, secret, _ = on_database(gateway_db, AccountRepository, lambda uow: sessions.sign_in(
        uow, "admin@localhost", PASSWORD))
    assert account["id"] == admin["id"] and secret
    assert "first administrator" not in kelisim(env, "prepare")  # signed in: nothing to say


def test_the_account_commands_create_link_list_and_disable(env, tmp_path):
    made = kelisim(env, "account", "create", "--login", "A.Saparova@example.kz", "--role",
                   "kgu_coordinator", "--region", "KZ-61", "--name-kk", "Айгүл Сапарова")
    assert "a.saparova@example.kz: kgu_coordinator" in made
    gateway_db = f"sqlite:///{tmp_path / 'var' / 'gateway.db'}"
    link = kelisim(env, "account", "link", "a.saparova@example.kz")
    on_database(gateway_db, AccountRepository, lambda uow: accounts.set_password(
        uow, _token(link), PASSWORD))
    with pytest.raises(LinkInvalid):  # the link of `create` was voided by the newer one
        on_database(gateway_db, AccountRepository, lambda uow: accounts.set_password(
            uow, _token(made), PASSWORD))
    assert "a.saparova@example.kz\tkgu_coordinator\tKZ-61\tactive" in kelisim(
        env, "account", "list")
    kelisim(env, "account", "disable", "a.saparova@example.kz")
    assert "\tdisabled\t" in kelisim(env, "account", "list")
    assert PASSWORD not in kelisim(env, "account", "list")
