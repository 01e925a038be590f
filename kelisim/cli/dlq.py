"""``kelisim dlq``: what operators do with dead-lettered events."""
import json

from kelisim import config
from kelisim.events import dead_letters, topology


def add_dlq_commands(commands):
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


def _handle(args):
    uri = config.amqp_uri()
    for service in args.service or config.SERVICES:
        if args.dlq_action == "count":
            print(f"{service}\t{dead_letters.count(uri, service)}")
        elif args.dlq_action == "show":
            for headers, body in dead_letters.peek(uri, service, args.limit or 20):
                print(json.dumps({"service": service, "queue": headers.get(topology.QUEUE_HEADER),
                                  "error": headers.get(topology.ERROR_HEADER), "event": body},
                                 ensure_ascii=False))
        else:
            print(f"{service}\t{dead_letters.replay(uri, service, args.limit)} replayed")
    return 0
