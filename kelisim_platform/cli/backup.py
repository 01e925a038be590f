"""``kelisim backup DIR`` and ``kelisim restore DIR`` (the embedded SQLite default)."""
import sys
from argparse import ArgumentParser, Namespace, _SubParsersAction

from kelisim_platform import backup


def add_backup_commands(commands: "_SubParsersAction[ArgumentParser]") -> None:
    take = commands.add_parser(
        "backup", help="copy every component's SQLite database (online) and the broker "
                       "definitions into a new folder, with a manifest")
    take.add_argument("folder")
    take.set_defaults(handler=_backup)
    back = commands.add_parser(
        "restore", help="restore a backup into an empty data directory (never over a "
                        "running platform)")
    back.add_argument("folder")
    back.add_argument("--republish-hours", type=float, default=24.0,
                      help="outbox rows published this long before the backup are published "
                           "again (consumers drop the repeats); default 24")
    back.add_argument("--force-old", action="store_true",
                      help="restore a backup older than the processed-event retention")
    back.set_defaults(handler=_restore)


def _backup(args: Namespace) -> int:
    try:
        manifest = backup.backup(args.folder)
    except backup.BackupError as exc:
        print(f"kelisim: {exc}", file=sys.stderr)
        return 2
    for component, entry in manifest["components"].items():
        print(f"{component}\t{entry['bytes']} bytes\trevision {entry['alembic_revision']}")
    files = manifest["attachments"]
    if files["store"] == "file":
        print(f"attachments\t{files['files']} files\t{files['bytes']} bytes")
        if files["damaged"]:
            print(f"kelisim: attachments {files['damaged']} do not match their SHA-256 "
                  "(copied as they are)", file=sys.stderr)
    else:
        print(f"attachments\tin the {files['store']} bucket\t{files['rows']} rows "
              "(back the bucket up with the object store's tools)")
    print(f"backup written to {args.folder} at {manifest['created_at']}")
    return 0


def _restore(args: Namespace) -> int:
    try:
        republished = backup.restore(args.folder, args.republish_hours, args.force_old)
    except backup.BackupError as exc:
        print(f"kelisim: {exc}", file=sys.stderr)
        return 2
    for component, count in republished.items():
        print(f"{component}\trestored\t{count} outbox rows to publish again")
    try:
        declared = backup.declare_on_broker()
        print(f"broker\tdeclared\t{declared} queues with their exchanges and bindings")
    except Exception as exc:  # the broker may come later; then start consumers first
        print(f"kelisim: the broker's queues were not declared ({exc.__class__.__name__}: "
              f"{exc}); start notifications and reports before projects and registry, so "
              "that republished events find their queues", file=sys.stderr)
    print("restored; start the platform (`make run` migrates the databases first)")
    return 0
