"""``kelisim token …``: issue, revoke and list API tokens, straight on the gateway database."""
import sys
from contextlib import contextmanager

from sqlalchemy.orm import sessionmaker

from gateway.adapters.repository import TokenRepository
from gateway.service_layer import tokens
from kelisim import config
from kelisim.access import ROLES
from kelisim.db import migrate
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from kelisim.errors import KelisimError


def add_token_commands(subparsers):
    """Add ``token create|revoke|list`` to an argparse subparsers object (``handler=`` set)."""
    token = subparsers.add_parser("token", help="manage the gateway's API tokens")
    actions = token.add_subparsers(dest="token_action", required=True)
    create = actions.add_parser("create", help="issue a token and print it (shown only once)")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--region", help="the region of a kgu_coordinator, like KZ-61")
    create.add_argument("--name", help="who or what the token is for")
    create.set_defaults(handler=_create)
    revoke = actions.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("token_id", metavar="ID", type=int)
    revoke.set_defaults(handler=_revoke)
    listing = actions.add_parser("list", help="list tokens (never their secrets)")
    listing.set_defaults(handler=_list)
    return token


@contextmanager
def gateway_uow(repositories=TokenRepository):
    """A unit of work on the gateway database, migrated to the newest schema first."""
    url = config.database_url("gateway")
    migrate.upgrade("gateway", url)
    engine = make_engine(url)
    try:
        yield UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                         repositories=repositories)
    finally:
        engine.dispose()


def _fail(exc):
    fields = "".join(f"\n  {name}: {message}" for name, message in exc.errors.items())
    print(f"kelisim: {exc.detail}{fields}", file=sys.stderr)
    return 1


def _create(args):
    try:
        with gateway_uow() as uow:
            token, plaintext = tokens.create_token(uow, args.role, args.region, args.name)
    except KelisimError as exc:
        return _fail(exc)
    scope = f" of {token['region']}" if token["region"] else ""
    print(f"token {token['id']} \"{token['name']}\": {token['role']}{scope}. "
          "It is shown only this once; keep it secret:")
    print(plaintext)
    return 0


def _revoke(args):
    try:
        with gateway_uow() as uow:
            token = tokens.revoke_token(uow, args.token_id)
    except KelisimError as exc:
        return _fail(exc)
    print(f"token {token['id']} \"{token['name']}\" revoked at {token['revoked_at']}")
    return 0


def _list(args):
    with gateway_uow() as uow:
        rows = tokens.list_tokens(uow)
    print("id\tname\trole\tregion\tcreated\tstate")
    for row in rows:
        state = "active" if row["active"] else f"revoked {row['revoked_at']}"
        print(f"{row['id']}\t{row['name']}\t{row['role']}\t{row['region'] or '-'}\t"
              f"{row['created_at']}\t{state}")
    return 0
