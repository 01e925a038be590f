"""Entry point of the ``kelisim`` command."""
import argparse
import sys

from kelisim.config import COMPONENTS, SettingRefused


def _version() -> str:
    """This installation's version, from the package metadata (pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kelisim")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kelisim", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kelisim {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="migrate, load reference data and start every component")
    serve = commands.add_parser("serve", help="run one component in this process")
    serve.add_argument("component", choices=COMPONENTS)
    migrate = commands.add_parser("migrate", help="upgrade databases to the newest schema")
    # No `choices` here: Python 3.11's argparse checks the empty list against them and refuses
    # a bare `kelisim migrate`; the names are checked after parsing instead.
    migrate.add_argument("components", nargs="*", metavar="component",
                         help=f"one of {', '.join(COMPONENTS)} (default: all)")
    commands.add_parser("load-reference", help="load every service's reference data")
    commands.add_parser("prepare", help="migrate, load reference data and ensure the admin "
                                         "token, then exit (a deployment's one-shot job)")
    from gateway.account_cli import add_account_commands
    from gateway.cli import add_token_commands
    from kelisim_platform.cli.backup import add_backup_commands
    from kelisim_platform.cli.calendar import add_calendar_commands
    from kelisim_platform.cli.dlq import add_dlq_commands
    from kelisim_platform.cli.listen import add_listen_command

    add_token_commands(commands)
    add_account_commands(commands)
    add_dlq_commands(commands)
    add_calendar_commands(commands)
    add_listen_command(commands)
    add_backup_commands(commands)
    return parser


def main(argv: list[str] | None=None) -> int:
    """Run one ``kelisim`` command: its exit code; 2, with one line on stderr, for a
    variable's value the platform refuses (``kelisim.config.SettingRefused``)."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        return _command(argv)
    except SettingRefused as exc:
        print(f"kelisim: {exc}", file=sys.stderr, flush=True)
        return 2


def _command(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        import eventlet

        eventlet.monkey_patch()  # before the parser imports anything socket-bound
    from kelisim_platform.cli import components  # noqa: F401  (registers every component's migrations)

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run":
        from kelisim_platform.cli.launcher import run

        return run()
    if args.command == "serve":
        from kelisim_platform.cli.serve import serve

        return serve(args.component)
    if args.command == "migrate":
        from kelisim_platform.cli.setup import migrate_all

        unknown = [name for name in args.components if name not in COMPONENTS]
        if unknown:
            parser.error(f"unknown component {', '.join(unknown)} "
                         f"(choose from {', '.join(COMPONENTS)})")
        migrate_all(args.components or COMPONENTS)
        return 0
    if args.command == "prepare":
        from kelisim_platform.cli.launcher import prepare

        prepare()
        return 0
    if args.command == "load-reference":
        from kelisim_platform.cli.setup import load_reference_data

        print(f"{load_reference_data()} reference rows added")
        return 0
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
