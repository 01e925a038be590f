"""``kelisim account …``: accounts straight on the gateway database, for the first
administrator and for operators (the API does the same for signed-in administrators)."""
import sys

from gateway.adapters.accounts import AccountRepository
from gateway.cli import _fail, gateway_uow
from gateway.service_layer import accounts
from kelisim import config
from kelisim.access import ROLES
from kelisim.errors import KelisimError


def set_password_url(token):
    """The link a person opens to set their password; the token rides in the fragment."""
    base = config.public_url()
    return f"{base.rstrip('/')}/set-password#token={token}"


def add_account_commands(subparsers):
    """Add ``account create|link|disable|list`` to an argparse subparsers object."""
    account = subparsers.add_parser("account", help="manage the accounts people sign in with")
    actions = account.add_subparsers(dest="account_action", required=True)
    create = actions.add_parser("create", help="create an account and print its single-use "
                                               "link to set a password")
    create.add_argument("--login", required=True, help="the person's e-mail address")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--region", help="the region of a kgu_coordinator, like KZ-61")
    create.add_argument("--name-kk", required=True, help="display name in Kazakh")
    create.add_argument("--name-ru", help="display name in Russian (default: the Kazakh one)")
    create.set_defaults(handler=_create)
    link = actions.add_parser("link", help="print a new single-use link to set the password")
    link.add_argument("login")
    link.set_defaults(handler=_link)
    disable = actions.add_parser("disable", help="disable an account: its sessions and "
                                                 "tokens end at once")
    disable.add_argument("login")
    disable.set_defaults(handler=_disable)
    listing = actions.add_parser("list", help="list accounts")
    listing.set_defaults(handler=_list)
    return account


def _account_uow():
    return gateway_uow(AccountRepository)


def _by_login(uow, login):
    with uow:
        account = uow.repo.account_by_login(login.strip().lower())
        return account.to_dict() if account else None


def _create(args):
    try:
        with _account_uow() as uow:
            made = accounts.create_account(uow, {
                "login": args.login, "role": args.role, "region_code": args.region,
                "display_name_kk": args.name_kk, "display_name_ru": args.name_ru or args.name_kk})
            _, link, token = accounts.issue_link(uow, made["id"])
    except KelisimError as exc:
        return _fail(exc)
    print(f"account {made['id']} {made['login']}: {made['role']}. Its single-use link to set "
          f"the password (until {link['expires_at']:%Y-%m-%d %H:%M} UTC):")
    print(set_password_url(token))
    return 0


def _on_account(args, act):
    """Run ``act(uow, account)`` on the account ``args.login`` names and print what it returns;
    1 when there is no such account or the change is refused (said on stderr), else 0."""
    try:
        with _account_uow() as uow:
            found = _by_login(uow, args.login)
            if found is None:
                print(f"kelisim: no account {args.login}", file=sys.stderr)
                return 1
            said = act(uow, found)
    except KelisimError as exc:
        return _fail(exc)
    print(said)
    return 0


def _link(args):
    def issue(uow, found):
        _, link, token = accounts.issue_link(uow, found["id"])
        return (f"{link['purpose']} link for {found['login']} (until "
                f"{link['expires_at']:%Y-%m-%d %H:%M} UTC):\n{set_password_url(token)}")
    return _on_account(args, issue)


def _disable(args):
    def disable(uow, found):
        accounts.update_account(uow, found["id"], {"version": found["version"], "active": False})
        return f"account {found['id']} {found['login']} disabled; its sessions and tokens ended"
    return _on_account(args, disable)


def _list(args):
    with _account_uow() as uow:
        page = accounts.list_accounts(uow, {"limit": 10_000, "offset": 0})
    print("id\tlogin\trole\tregion\tstate\tlast sign-in")
    for row in page["items"]:
        state = "active" if row["active"] else "disabled"
        print(f"{row['id']}\t{row['login']}\t{row['role']}\t{row['region_code'] or '-'}\t"
              f"{state}\t{row['last_sign_in_at'] or '-'}")
    return 0
