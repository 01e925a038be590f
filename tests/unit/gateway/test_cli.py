"""``kelisim token …`` on the gateway database named by the environment."""
import argparse

import pytest
from sqlalchemy.orm import sessionmaker

from gateway.adapters.repository import TokenRepository
from gateway.cli import add_token_commands
from gateway.service_layer import tokens
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh' / 'gateway.db'}"  # not migrated yet
    monkeypatch.setenv("KELISIM_GATEWAY_DATABASE_URL", url)
    return url


@pytest.fixture
def run(database, capsys):
    """``run(*argv)`` -> (exit code, stdout, stderr), as the root CLI would dispatch it."""
    parser = argparse.ArgumentParser(prog="kelisim")
    add_token_commands(parser.add_subparsers(dest="command", required=True))

    def invoke(*argv):
        args = parser.parse_args(argv)
        code = args.handler(args)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def authenticate(url, plaintext):
    engine = make_engine(url)
    try:
        return tokens.authenticate(
            UnitOfWork(sessionmaker(engine), repositories=TokenRepository), plaintext)
    finally:
        engine.dispose()


def test_create_prints_the_token_once_as_the_last_word(run, database):
    code, out, _ = run("token", "create", "--role", "kgu_coordinator", "--region", "KZ-61",
                       "--name", "Turkistan KGU")
    assert code == 0
    plaintext = out.split()[-1]
    assert authenticate(database, plaintext) == {
        "id": "token:1", "role": "kgu_coordinator", "region": "KZ-61"}
    assert "Turkistan KGU" in out


def test_list_shows_tokens_but_never_their_secrets(run):
    _, out, _ = run("token", "create", "--role", "observer")
    plaintext = out.split()[-1]
    code, listing, _ = run("token", "list")
    assert code == 0
    assert "observer" in listing and "active" in listing
    assert plaintext not in listing


def test_revoke_stops_the_token(run, database):
    _, out, _ = run("token", "create", "--role", "rgu_admin")
    plaintext = out.split()[-1]
    code, revoked, _ = run("token", "revoke", "1")
    assert code == 0 and "revoked" in revoked
    assert authenticate(database, plaintext) is None
    assert "revoked" in run("token", "list")[1]


def test_a_coordinator_without_region_is_refused_with_the_reason(run):
    code, out, err = run("token", "create", "--role", "kgu_coordinator")
    assert code == 1 and out == ""
    assert "region" in err


def test_revoking_an_unknown_token_fails(run):
    code, _, err = run("token", "revoke", "42")
    assert code == 1 and "42" in err


def test_unknown_roles_are_refused_by_the_parser(run):
    with pytest.raises(SystemExit):
        run("token", "create", "--role", "superuser")
