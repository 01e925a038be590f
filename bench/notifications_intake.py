"""Notifications' own CPU per event on the batch path, in this process (issue 17): what
``NotificationsService._notify`` does with a burst of ``deadline_slipped`` as a slip
sends them, phase by phase, without the rest of the platform.

Per batch of ``--batch`` (250, as the service takes them) events of a slip over 20 regions
(one KGU inbox item each, a chain of 25 tasks, a typed reason): the body checked
(``parse_envelope`` of the JSON as it arrives), the intake transaction
(``intake.receive_many``: processed ids, received event, inbox delivery and item, one
commit) and the regional stream (``intake.publish_stream_many``, broker-confirmed) on a
throw-away RabbitMQ vhost and PostgreSQL database. CPU is this process's
(``time.process_time``), so other load on the machine inflates it less than wall time;
note the load average beside it all the same.

    .venv/bin/python bench/notifications_intake.py [--events 5000] [--batch 250] [--sqlite]
"""
import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_common import pg_admin, vhost  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from kelisim.context import Context  # noqa: E402
from kelisim.db import migrate  # noqa: E402
from kelisim.db.engine import make_engine  # noqa: E402
from kelisim.db.uow import UnitOfWork  # noqa: E402
from kelisim.events.envelope import new_envelope, parse_envelope  # noqa: E402
from kelisim_platform.cli import components  # noqa: E402, F401  (registers the migrations)
from services.notifications.adapters.channels.stream import StreamChannel  # noqa: E402
from services.notifications.adapters.orm import start_mappers  # noqa: E402
from services.notifications.adapters.repository import NotificationsRepository  # noqa: E402
from services.notifications.domain.audience import Audience  # noqa: E402
from services.notifications.service_layer import intake  # noqa: E402
from services.notifications.settings import Settings  # noqa: E402

REGIONS = ("KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35",
           "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71",
           "KZ-75", "KZ-79")


def slip_bodies(count):
    """``count`` deadline_slipped message bodies (JSON bytes) and their audiences."""
    bodies, audiences = [], []
    for n in range(count):
        region = REGIONS[n % len(REGIONS)]
        unit = 2 + n % len(REGIONS)
        envelope = new_envelope("deadline_slipped", {
            "task_id": 100 + n, "task_title": f"Задача {n // 10}.{n % 10}",
            "task_title_kk": f"Тапсырма {n // 10}.{n % 10}",
            "project_name": {"kk": "Медиация", "ru": "Медиация"}, "plan_id": unit,
            "project_code": "mediation", "region_code": region, "start_date": "2027-03-01",
            "due_date": "2027-03-03", "old_start_date": "2027-02-22",
            "old_due_date": "2027-02-24", "cause_task_id": 1,
            "chain": list(range(1, 26)), "reason": "bench: the methodology is approved late",
            "responsible": [{"kind": "org_unit", "id": unit, "name": "KGU"},
                            {"kind": "structure", "id": 1000 + unit, "name": "Совет"}]},
            source="projects", correlation_id="bench-slip", regions=[region])
        bodies.append(json.dumps(envelope.to_message()).encode())
        audiences.append(Audience(org_units={unit: {"id": unit, "region_code": region,
                                                    "name": {"kk": "KGU", "ru": "KGU"}}}))
    return bodies, audiences


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    start_mappers()
    with vhost() as amqp_uri, tempfile.TemporaryDirectory() as folder:
        pg_name = None
        if args.sqlite:
            url = f"sqlite:///{folder}/notifications.db"
        else:
            pg_name = f"kelisim_bench_{uuid.uuid4().hex[:10]}"
            pg_admin(f'CREATE DATABASE "{pg_name}"')
            url = f"postgresql://postgres@127.0.0.1:5432/{pg_name}"
        try:
            migrate.upgrade("notifications", url)
            engine = make_engine(url)
            uow = UnitOfWork(sessionmaker(engine), Context(), NotificationsRepository)
            stream, settings = StreamChannel(amqp_uri), Settings()
            warm, _ = slip_bodies(args.batch)  # connections, caches, compiled statements
            bodies, audiences = slip_bodies(args.events + args.batch)
            spent = {"check": 0.0, "intake": 0.0, "stream": 0.0}
            load = os.getloadavg()[0]
            for start in range(0, len(bodies), args.batch):
                chunk = bodies[start:start + args.batch]
                t0 = time.process_time()
                envelopes = [parse_envelope(json.loads(body)) for body in chunk]
                t1 = time.process_time()
                intake.receive_many(uow, [(e, a, None) for e, a in zip(
                    envelopes, audiences[start:start + args.batch], strict=True)], settings)
                t2 = time.process_time()
                intake.publish_stream_many(stream, envelopes)
                t3 = time.process_time()
                if start:  # the first batch warms up
                    spent["check"] += t1 - t0
                    spent["intake"] += t2 - t1
                    spent["stream"] += t3 - t2
            engine.dispose()
        finally:
            if pg_name:
                pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    del warm
    total = sum(spent.values())
    print(f"{args.events} deadline_slipped in batches of {args.batch} "
          f"({'SQLite' if args.sqlite else 'PostgreSQL'}), load average {load:.1f} at start")
    for phase, seconds in spent.items():
        print(f"  {phase:<7} {1e6 * seconds / args.events:7.0f} µs CPU per event")
    print(f"  total   {1e6 * total / args.events:7.0f} µs CPU per event")


if __name__ == "__main__":
    main()
