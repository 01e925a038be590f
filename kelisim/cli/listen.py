"""``kelisim listen --region KZ-61``: a region's events, printed as they arrive.

It binds a durable queue (``kelisim.regional.<region>.<name>``) to the regional stream
``kelisim.regional`` with ``<region>.#``, so events published while it is not running
wait for it; ``--national`` also takes the events that concern no region. Each event is
acknowledged once printed.
"""
import argparse
import json
import re
import sys
from datetime import datetime

from kombu import Connection, Consumer, Exchange, Queue

from kelisim import config
from kelisim.cli.broker import broker_problem

REGION = re.compile(r"^KZ-\d{2}$")
LOCAL_TIME = "Asia/Almaty"


def add_listen_command(commands):
    listen = commands.add_parser("listen", help="print one region's events as they arrive")
    listen.add_argument("--region", required=True, type=_region,
                        help="ISO 3166-2:KZ code, e.g. KZ-61")
    listen.add_argument("--json", action="store_true", help="one JSON envelope per line")
    listen.add_argument("--name", default="listen", type=_name,
                        help="consumer name: the durable queue is kelisim.regional.<region>.<name>")
    listen.add_argument("--national", action="store_true",
                        help="also events that concern no region")
    listen.add_argument("--count", type=int, default=None, help="stop after this many events")
    listen.set_defaults(handler=run)


def _region(value):
    if not REGION.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a region code like KZ-61")
    return value


def _name(value):
    if not re.match(r"^[A-Za-z0-9_.-]{1,100}$", value):
        raise argparse.ArgumentTypeError("letters, digits, '.', '_' and '-' only")
    return value


def bindings(region, national=False):
    from services.notifications.domain.streams import NATIONAL, region_binding

    keys = [region_binding(region)]
    if national:
        keys.append(region_binding(NATIONAL))
    return keys


def describe(envelope, routing_key):
    """One readable line: local time, region, source.type, Kazakh / Russian title."""
    from zoneinfo import ZoneInfo

    from services.notifications.domain.templates import TEMPLATES, render

    when = datetime.fromisoformat(envelope["occurred_at"]).astimezone(ZoneInfo(LOCAL_TIME))
    region = routing_key.split(".", 1)[0]
    kind = f"{envelope['source']}.{envelope['type']}"
    if envelope["type"] in TEMPLATES:
        text = render(envelope["type"], envelope["data"])
        summary = f"{text.title_kk} / {text.title_ru}"
    else:
        data = envelope["data"].get("current", envelope["data"])
        summary = data.get("name_ru") or data.get("name") or data.get("full_name") or ""
    return f"{when:%Y-%m-%d %H:%M:%S}  {region:<8} {kind:<32} {summary}".rstrip()


def run(args, out=None):
    """Consume until Ctrl-C (or ``--count`` events); 0 on a clean stop, 2 without a broker."""
    from services.notifications.domain.streams import REGIONAL_EXCHANGE, queue_name

    out = out or sys.stdout
    uri = config.amqp_uri()
    problem = broker_problem(uri)
    if problem:
        print(f"kelisim: {problem}", file=sys.stderr)
        return 2
    exchange = Exchange(REGIONAL_EXCHANGE, type="topic", durable=True)
    name = queue_name(args.region, args.name)
    queues = [Queue(name, exchange=exchange, routing_key=key, durable=True)
              for key in bindings(args.region, args.national)]
    printed = []

    def on_message(body, message):
        if args.json:
            line = json.dumps(body, ensure_ascii=False, sort_keys=True)
        else:
            line = describe(body, message.delivery_info.get("routing_key", args.region))
        print(line, file=out, flush=True)
        message.ack()
        printed.append(body.get("id"))

    with Connection(uri) as conn:
        with Consumer(conn, queues=queues, callbacks=[on_message], accept=["json"],
                      prefetch_count=50):
            if not args.json:
                print(f"kelisim: listening to {args.region} on queue {name} (Ctrl-C stops)",
                      file=sys.stderr, flush=True)
            try:
                while args.count is None or len(printed) < args.count:
                    try:
                        conn.drain_events(timeout=1)
                    except TimeoutError:
                        continue
            except KeyboardInterrupt:
                pass
    return 0
