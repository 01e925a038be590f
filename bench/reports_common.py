"""Shared set-up of the reports benchmarks: a migrated database (SQLite, or PostgreSQL with
``--postgres``), the 20 KGUs, bulk-inserted reports, and a timer that reports the median."""
import argparse
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_common import pg_admin  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

import kelisim  # noqa: E402,F401  (quiets eventlet's deprecation notice)
from kelisim.context import Context  # noqa: E402
from kelisim.db import migrate  # noqa: E402
from kelisim.db.engine import make_engine  # noqa: E402
from kelisim.db.types import utcnow  # noqa: E402
from kelisim.db.uow import UnitOfWork  # noqa: E402
from kelisim_platform.cli import components  # noqa: E402, F401  (registers the migrations)
from services.reports.adapters import orm  # noqa: E402
from services.reports.adapters.repository import ReportsRepository  # noqa: E402
from services.reports.service_layer import org_units  # noqa: E402

REGIONS = ("KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35",
           "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71",
           "KZ-75", "KZ-79")
ADMIN = {"id": "bench", "role": "rgu_admin", "region": None}


def arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--postgres", action="store_true",
                        help="run on a throw-away database of the local PostgreSQL too")
    parser.add_argument("--runs", type=int, default=30)
    return parser.parse_args()


@contextmanager
def database(kind):
    """A migrated reports database URL of ``kind`` (sqlite or postgres), removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/reports.db"
            migrate.upgrade("reports", url)
            yield url
        return
    name = f"kelisim_bench_{uuid.uuid4().hex[:10]}"
    pg_admin(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        migrate.upgrade("reports", url)
        yield url
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Bench:
    """A unit-of-work factory and bulk loaders over one database."""

    def __init__(self, url):
        orm.start_mappers()
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def uow(self, actor=ADMIN):
        return UnitOfWork(self.sessions, Context(actor=dict(actor), source="reports"),
                          ReportsRepository)

    def add_units(self, units):
        org_units.sync(self.uow(), units)

    def insert(self, rows):
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(orm.reports.insert(), [dict({
                "template_version": 1, "status": "accepted", "values": {}, "comment": None,
                "submission_count": 1, "reopen_count": 0, "first_submitted_at": now,
                "submitted_at": now, "accepted_at": now, "decided_by": "bench",
                "on_time": True, "created_at": now, "updated_at": now, "version": 1,
                "project_code": None}, **row) for row in rows])

    def close(self):
        self.engine.dispose()


def kgus():
    return [{"id": i + 1, "code": f"KGU-{r}", "kind": "kgu", "level": "regional",
             "name_kk": r, "name_ru": r, "region_code": r, "version": 1}
            for i, r in enumerate(REGIONS)]


def median_ms(fn, runs):
    """Median wall time of ``fn()`` in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def line(kind, name, ms, baseline_ms, target_ms):
    verdict = "ok" if ms < target_ms else "OVER TARGET"
    print(f"{kind:<9} {name:<38} {ms:8.2f} ms   baseline {baseline_ms:7.2f} ms   "
          f"x{ms / baseline_ms if baseline_ms else 0:5.1f}   target < {target_ms} ms: {verdict}")
