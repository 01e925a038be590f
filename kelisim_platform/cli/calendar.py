"""``kelisim calendar``: the working calendar's decree data (kelisim/workdays/transfers_kz.json).

An operator adds next year's Government decree on moving days off once it is published
(adilet.zan.kz), one row per moved day, then reviews the change like any code change."""
import argparse
import json
from datetime import date
from pathlib import Path

from kelisim import workdays


def add_calendar_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    calendar = commands.add_parser("calendar", help="Kazakhstan's working calendar")
    actions = calendar.add_subparsers(dest="calendar_action", required=True)
    show = actions.add_parser("show", help="print a year's days off and working weekends")
    show.add_argument("year", type=int)
    check = actions.add_parser("check", help="check the decree rows against the holidays "
                                             "package; exit 1 on a problem")
    add = actions.add_parser("add-transfer", help="add a Government decree's moved day off")
    add.add_argument("--day-off", type=date.fromisoformat,
                     help="the working day the decree makes a day off (YYYY-MM-DD)")
    add.add_argument("--working-day", type=date.fromisoformat,
                     help="the Saturday or Sunday it makes a working day (YYYY-MM-DD)")
    add.add_argument("--source", required=True, help="the decree's https:// address")
    add.add_argument("--title", default="", help="e.g. Government decree on moving days off")
    add.add_argument("--reason", default="",
                     help="why the platform differs from the holidays package (needed while "
                          "the package does not know the decree)")
    for action in (check, add):
        action.add_argument("--file", default=None,
                            help="the decree data file (the platform's own by default)")
    for action in (show, check, add):
        action.set_defaults(handler=_handle)


def _path(args: argparse.Namespace) -> str | Path:
    from kelisim.workdays.kazakhstan import TRANSFERS

    path: str | Path = args.file or TRANSFERS
    return path


def _handle(args: argparse.Namespace) -> int:
    if args.calendar_action == "show":
        for entry in workdays.days_of_year(args.year):
            print(json.dumps({**entry, "date": entry["date"].isoformat()}, ensure_ascii=False))
        return 0
    if args.calendar_action == "add-transfer":
        try:
            row = workdays.add_transfer(args.day_off, args.working_day, args.source,
                                        args.title, args.reason, path=_path(args))
        except ValueError as error:
            print(f"not added: {error}")
            return 1
        print(f"added {json.dumps(row.as_json(), ensure_ascii=False)} to {_path(args)}")
    problems, differences = workdays.check_transfers(_path(args))
    for day, row in sorted(differences.items()):
        print(f"differs from the holidays package on {day}: {row.reason or 'no reason given'} "
              f"({row.source})")
    for problem in problems:
        print(f"problem: {problem}")
    if not problems:
        print("the decree rows are complete")
    return 1 if problems else 0
