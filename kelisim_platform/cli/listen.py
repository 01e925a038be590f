"""``kelisim listen --region KZ-61``: a region's events, printed as they arrive.

It binds a durable queue (``kelisim.regional.<region>.<name>``) to the regional stream
``kelisim.regional`` with ``<region>.#``, so events published while it is not running
wait for it; ``--national`` also takes the events that concern no region. Each event is
acknowledged once printed.

A dropped broker connection (a restart, a network blip, ``rabbitmqctl close_connection``)
is reported once on stderr and re-established with backoff (1 s, then up to 5 s between
tries); the durable queue kept what arrived meanwhile, and an event printed but not yet
acknowledged when the connection dropped is printed again.
"""
import argparse
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from kombu import Connection, Exchange, Queue
from kombu.mixins import ConsumerMixin

from kelisim import config
from kelisim.clock import local_time
from kelisim_platform.cli.broker import broker_problem

REGION = re.compile(r"^KZ-\d{2}$")


def add_listen_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
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


def _region(value: str) -> str:
    if not REGION.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a region code like KZ-61")
    return value


def _name(value: str) -> str:
    if not re.match(r"^[A-Za-z0-9_.-]{1,100}$", value):
        raise argparse.ArgumentTypeError("letters, digits, '.', '_' and '-' only")
    return value


def bindings(region: str, national: bool = False) -> list[str]:
    """The routing keys of ``region``'s events (and of national ones with ``national``)."""
    from services.notifications.domain.streams import NATIONAL, region_binding

    keys = [region_binding(region)]
    if national:
        keys.append(region_binding(NATIONAL))
    return keys


def describe(envelope: dict[str, Any], routing_key: str) -> str:
    """One readable line: local time, region, source.type, Kazakh / Russian title."""
    from services.notifications.domain.templates import TEMPLATES, render

    when = local_time(envelope["occurred_at"])
    region = routing_key.split(".", 1)[0]
    kind = f"{envelope['source']}.{envelope['type']}"
    if envelope["type"] in TEMPLATES:
        text = render(envelope["type"], envelope["data"])
        summary = f"{text.title_kk} / {text.title_ru}"
    else:
        data = envelope["data"].get("current", envelope["data"])
        summary = data.get("name_ru") or data.get("name") or data.get("full_name") \
            or data.get("title_ru") or data.get("title_kk") or ""  # a register event
    return f"{when:%Y-%m-%d %H:%M:%S}  {region:<8} {kind:<32} {summary}".rstrip()


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
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
    listener = _Listener(Connection(uri), queues, args, out)
    try:
        listener.run()
    except KeyboardInterrupt:
        pass
    finally:
        listener.connection.release()
    return 0


class _Listener(ConsumerMixin):
    """kombu's reconnecting consumer loop over the region's queues, printing each event."""

    RETRY = {"interval_start": 1, "interval_step": 1, "interval_max": 5}

    def __init__(self, connection: Any, queues: list[Any], args: argparse.Namespace,
                 out: TextIO) -> None:
        self.connection = connection
        self.queues = queues
        self.args = args
        self.out = out
        self.printed = 0
        self.ready = False
        self.lost: BaseException | None = None  # the error that cut the connection, until it is back

    def get_consumers(self, consumer: Any, channel: Any) -> list[Any]:
        return [consumer(queues=self.queues, callbacks=[self.on_message], accept=["json"],
                         prefetch_count=50)]

    def on_message(self, body: Any, message: Any) -> None:
        if self.args.json:
            line = json.dumps(body, ensure_ascii=False, sort_keys=True)
        else:
            line = describe(body, message.delivery_info.get("routing_key", self.args.region))
        print(line, file=self.out, flush=True)
        message.ack()
        self.printed += 1
        if self.args.count is not None and self.printed >= self.args.count:
            self.should_stop = True

    @contextmanager
    def establish_connection(self) -> Iterator[Any]:
        with self.create_connection() as conn:
            conn.ensure_connection(self.on_connection_error, self.connect_max_retries,
                                   **self.RETRY)
            yield conn

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any, **kwargs: Any) -> None:
        if not self.args.json and not self.ready:
            print(f"kelisim: listening to {self.args.region} on queue {self.queues[0].name} "
                  "(Ctrl-C stops)", file=sys.stderr, flush=True)
        self.ready = True

    def on_connection_error(self, exc: BaseException, interval: float) -> None:
        self._lost(exc)

    def on_connection_revived(self) -> None:
        if self.lost is not None:
            print("kelisim: reconnected to the broker", file=sys.stderr, flush=True)
            self.lost = None

    def run(self, _tokens: int = 1, **kwargs: Any) -> None:
        errors = self.connection.connection_errors + self.connection.channel_errors
        while not self.should_stop:
            try:
                for _ in self.consume(limit=None, **kwargs):
                    pass
            except errors as exc:
                self._lost(exc)

    def _lost(self, exc: BaseException) -> None:
        if self.lost is None:  # said once per outage, however many tries it takes
            print(f"kelisim: the broker connection was lost ({type(exc).__name__}: {exc}); "
                  "reconnecting", file=sys.stderr, flush=True)
        self.lost = exc
