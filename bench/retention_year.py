"""A year of simulated use, written into each service's real (migrated) SQLite schema, twice:
without pruning (the baseline: what kelisim did before the retention job) and with the
retention job run once a simulated day at its defaults (kelisim/retention.py). Prints the
size of each database file and the rows of the pruned tables.

    .venv/bin/python bench/retention_year.py [--days 365] [--scale 1.0]

The year (per working day, 250 of them; ``--scale`` multiplies the volumes):
- projects: 400 task changes (an outbox row and a history row each) and, once a month, a
  10 000-task slip (10 000 outbox rows, 10 000 history rows), as in the issue;
- reports: 60 workflow events (outbox) and their audit rows;
- registry: 5 org-unit or people changes (outbox);
- notifications: every projects, reports and registry event handled (a processed-event id
  and a received event each), an inbox item for each, an e-mail delivery and one attempt
  for one in four; inbox items older than 30 days are archived.
Rows are written by bulk INSERTs with each day's timestamps, not through the services: the
figure is about storage, not speed. History, the audit log, received events and
deliveries themselves are kept in both runs (the job never prunes them).
"""
import argparse
import importlib
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import logging  # noqa: E402

import sqlalchemy as sa  # noqa: E402
import structlog  # noqa: E402

from kelisim import config, retention  # noqa: E402
from kelisim.db import migrate  # noqa: E402
from kelisim.db.engine import make_engine  # noqa: E402
from kelisim_platform.cli import components  # noqa: E402, F401  (registers the migrations)

SERVICES = ("registry", "projects", "reports", "notifications")
START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
PRUNED = ("outbox", "processed_events", "delivery_attempts", "inbox_items")


def envelope(kind, n, when):
    """An envelope shaped like a task_assigned / deadline_slipped one (about 700 bytes)."""
    return {"id": str(uuid.uuid4()), "type": kind, "version": 1,
            "occurred_at": when.isoformat(), "source": "projects",
            "correlation_id": uuid.uuid4().hex, "regions": ["KZ-61"],
            "data": {"task_id": n, "task_title": "Медиация кеңесінің тоқсандық отырысы",
                     "plan_id": n // 34, "project_code": "mediation", "region_code": "KZ-61",
                     "old_start_date": "2027-03-01", "old_due_date": "2027-03-15",
                     "start_date": "2027-03-08", "due_date": "2027-03-22",
                     "reason": "the venue was not available", "slipped_by_days": 5,
                     "responsible": [{"kind": "structure", "id": 12, "name": "Медиация кеңесі"}]}}


def simulate(folder, days, scale, prune):
    engines = {}
    for service in SERVICES:
        url = f"sqlite:///{folder / (service + '.db')}"
        migrate.upgrade(service, url)
        engines[service] = make_engine(url)
    tables = {service: importlib.import_module(f"services.{service}.adapters.orm").metadata
              for service in SERVICES}
    settings = config.retention_days()
    counter = 0
    day = START
    for number in range(days):
        day = START + timedelta(days=number)
        if day.weekday() < 5:
            volumes = {"projects": int(400 * scale), "reports": int(60 * scale),
                       "registry": int(5 * scale)}
            if day.day <= 7 and day.weekday() == 0:  # the first Monday: a big slip
                volumes["projects"] += int(10_000 * scale)
            handled = []
            for service, count in volumes.items():
                if not count:
                    continue
                rows = []
                for _ in range(count):
                    counter += 1
                    body = envelope("deadline_slipped", counter, day)
                    rows.append({"event_id": body["id"], "event_type": body["type"],
                                 "envelope": body, "created_at": day, "published_at": day,
                                 "attempts": 1})
                with engines[service].begin() as conn:
                    meta = tables[service].tables
                    conn.execute(meta["outbox"].insert(), rows)
                    if service == "projects":
                        conn.execute(meta["history"].insert(), [
                            {"entity": "task", "entity_id": i, "plan_id": i // 34,
                             "occurred_at": day, "actor_id": "rgu-admin", "actor_role": "rgu_admin",
                             "action": "update", "changes": {"due_date": ["2027-03-15", "2027-03-22"]},
                             "reason": "slip"} for i in range(len(rows))])
                    elif service == "reports":
                        conn.execute(meta["audit_log"].insert(), [
                            {"occurred_at": day, "actor_id": "coord-61", "actor_role": "kgu_coordinator",
                             "action": "submit", "entity": "report", "entity_id": str(i),
                             "region_code": "KZ-61", "before": None, "after": {"status": "submitted"}}
                            for i in range(len(rows))])
                handled.extend(rows)
            _notify(engines["notifications"], tables["notifications"].tables, handled, day)
        if prune:
            for service in SERVICES:
                retention.prune(engines[service], service, now=day + timedelta(hours=14),
                                days=settings, interval=86400)
    sizes = {}
    for service, engine in engines.items():
        with engine.connect() as conn:
            counts = {name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar()
                      for name in PRUNED if name in tables[service].tables}
            compact = folder / f"{service}.vacuumed.db"
            conn.execute(sa.text(f"VACUUM INTO '{compact}'"))
        engine.dispose()
        sizes[service] = ((folder / (service + ".db")).stat().st_size, counts,
                          compact.stat().st_size)
    return sizes


def _notify(engine, meta, events, day):
    if not events:
        return
    archive_before = day - timedelta(days=30)
    with engine.begin() as conn:
        conn.execute(meta["processed_events"].insert(), [
            {"event_id": e["event_id"], "consumer": "notifications.on_deadline_slipped",
             "processed_at": day} for e in events])
        conn.execute(meta["received_events"].insert(), [
            {"event_id": e["event_id"], "type": e["event_type"], "source": "projects",
             "occurred_at": day, "regions": ["KZ-61"], "envelope": e["envelope"],
             "received_at": day} for e in events])
        conn.execute(meta["inbox_items"].insert(), [
            {"org_unit_id": 61, "region_code": "KZ-61", "event_id": e["event_id"],
             "event_type": e["event_type"], "critical": False,
             "title_kk": "Мерзім жылжыды", "title_ru": "Срок перенесён",
             "body_kk": "Медиация кеңесінің отырысы 22 наурызға жылжыды.",
             "body_ru": "Заседание совета медиации перенесено на 22 марта.",
             "data": {"task_id": e["envelope"]["data"]["task_id"]}, "occurred_at": day,
             "created_at": day} for e in events])
        emailed = events[::4]
        first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(meta["deliveries"].c.id), 0))
                             ).scalar()
        conn.execute(meta["deliveries"].insert(), [
            {"event_id": e["event_id"], "event_type": e["event_type"], "channel": "email",
             "recipient": "person:12", "target": "kgu61@example.kz", "org_unit_id": 61,
             "status": "delivered", "attempts": 1, "occurred_at": day, "created_at": day,
             "delivered_at": day} for e in emailed])
        conn.execute(meta["delivery_attempts"].insert(), [
            {"delivery_id": first + i + 1, "attempted_at": day, "outcome": "delivered",
             "duration_ms": 120.0, "status_code": 250} for i in range(len(emailed))])
        conn.execute(meta["inbox_items"].update().where(
            meta["inbox_items"].c.archived_at.is_(None),
            meta["inbox_items"].c.created_at < archive_before).values(archived_at=day))


def main():
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    results = {}
    for label, prune in (("no pruning (baseline)", False), ("retention job, defaults", True)):
        with tempfile.TemporaryDirectory() as folder:
            began = time.monotonic()
            results[label] = simulate(Path(folder), args.days, args.scale, prune)
            print(f"# {label}: simulated in {time.monotonic() - began:.0f} s", file=sys.stderr)
    print(f"{'database':<15}" + "".join(f"{label:>28}" for label in results))
    for service in SERVICES:
        print(f"{service + '.db':<15}" + "".join(
            f"{sizes[service][0] / 2 ** 20:>24.1f} MiB" for sizes in results.values()))
        print(f"{'  vacuumed':<15}" + "".join(
            f"{sizes[service][2] / 2 ** 20:>24.1f} MiB" for sizes in results.values()))
        for table in PRUNED:
            if table in next(iter(results.values()))[service][1]:
                print(f"  {table:<13}" + "".join(
                    f"{sizes[service][1][table]:>23,} rows" for sizes in results.values()))
    print(json.dumps({label: {s: v[0] for s, v in sizes.items()}
                      for label, sizes in results.items()}))


if __name__ == "__main__":
    main()
