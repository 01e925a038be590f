"""``kelisim dlq``: what operators do with dead-lettered events."""
import json
import sys
from argparse import ArgumentParser, Namespace, _SubParsersAction
from typing import Any

from kelisim import config
from kelisim.events import dead_letters, topology


def add_dlq_commands(commands: "_SubParsersAction[ArgumentParser]") -> None:
    dlq = commands.add_parser("dlq", help="inspect and replay dead-lettered events")
    actions = dlq.add_subparsers(dest="dlq_action", required=True)
    for name, help_text in (("count", "messages waiting per service"),
                            ("show", "print dead letters without removing them"),
                            ("replay", "return dead letters to the queue they failed in")):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("--service", choices=config.SERVICES, action="append",
                            help="one service (repeatable); all by default")
        if name != "count":
            action.add_argument("--limit", type=int, default=None)
        action.set_defaults(handler=_handle)


def _handle(args: Namespace) -> int:
    uri = config.amqp_uri()
    days = config.retention_days()["processed"]
    max_age = days * 86400 if days else None
    for service in args.service or config.SERVICES:
        if args.dlq_action == "count":
            print(f"{service}\t{dead_letters.count(uri, service)}")
        elif args.dlq_action == "show":
            for headers, body in dead_letters.peek(uri, service, args.limit or 20):
                print(json.dumps({"service": service, "queue": headers.get(topology.QUEUE_HEADER),
                                  "error": headers.get(topology.ERROR_HEADER), "event": body},
                                 ensure_ascii=False))
        else:
            too_old: list[Any] = []
            replayed = dead_letters.replay(uri, service, args.limit, max_age, too_old)
            print(f"{service}\t{replayed} replayed")
            if too_old:
                print(f"{service}\t{len(too_old)} left in the queue: their events occurred more "
                      f"than KELISIM_RETENTION_PROCESSED_DAYS={days} days ago, so their "
                      f"processed-event ids may be pruned and a replay could repeat them",
                      file=sys.stderr)
    return 0
