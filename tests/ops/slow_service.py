"""A consumer with a slow handler, run the way ``kelisim serve`` runs a service
(``python -m tests.ops.slow_service PORT``), for tests/ops/test_graceful_shutdown.py.

Each event's ``full_name`` is ``slow-<seconds>``; the handler appends ``started <id>`` and
``finished <id>`` lines to the file named by ``SLOW_MARKS``; the ``pause`` RPC does the same
with the name it is given.
"""
import eventlet

import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

eventlet.monkey_patch()

import os  # noqa: E402
import sys  # noqa: E402

from kelisim import config  # noqa: E402
from kelisim.events.handler import on_event  # noqa: E402
from kelisim.exporter import Exporter  # noqa: E402
from kelisim.rpc import rpc  # noqa: E402
from kelisim_platform.cli.serve import run  # noqa: E402


def mark(what, event_id):
    with open(os.environ["SLOW_MARKS"], "a") as marks:
        marks.write(f"{what} {event_id}\n")


class Slow:
    name = "slow"

    @on_event("registry", "person_created")
    def on_person(self, event):
        mark("started", event.id)
        eventlet.sleep(float(event.data["full_name"].split("-")[1]))
        mark("finished", event.id)

    @rpc
    def pause(self, name, seconds):
        mark("started", name)
        eventlet.sleep(seconds)
        mark("finished", name)
        return name


if __name__ == "__main__":
    exporter = Exporter()
    exporter.start("127.0.0.1", int(sys.argv[1]))
    run(Slow, {"AMQP_URI": config.amqp_uri(), "serializer": "json", "max_workers": 1,
               "parallelism": 1, "EVENT_RETRY_DELAYS": [1]}, exporter)
