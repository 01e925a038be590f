"""What must hold after every fault: every expected inbox item exactly once, nothing left in
any outbox, and the dead-letter queues holding only what was meant to be there.

The expected inbox items are worked out here from the registry's tables, independently of
the notifications code: for a ``task_assigned`` event, the KGU of each region it names,
plus the assignee's org unit when the role is Responsible or Accountable.
"""
import json
import subprocess
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from kelisim.db.engine import make_engine
from kelisim.events import dead_letters

SERVICES = ("registry", "projects", "reports", "notifications")


def wait_until(predicate, timeout, what, interval=0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def query(url, sql, **params):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


def wait_intake_held(platform, gate, after=50):
    """Until notifications, started with the ``intake-held`` hook (serve_hooked.py) and
    ``gate``, holds its intake and the ``after`` events begun before the hold are in: the
    hold's file alone can come before those batches commit."""
    wait_until(lambda: Path(f"{gate}.held").exists()
               and len(received_ids(platform.urls["notifications"])) >= after, 60,
               f"notifications to hold its intake after its first {after} events")


class _Hold:
    """What :func:`intake_held` yields: ``taken``, the events taken in when the hold began,
    and :meth:`wait` for an intake to block on it."""

    def __init__(self, conn, taken):
        self.conn, self.taken = conn, taken

    def wait(self, timeout=180):
        """Until an intake of this database waits on the held table (its INSERT blocked)."""
        wait_until(lambda: self.conn.execute(sa.text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted "
            "AND relation = 'received_events'::regclass "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )).scalar_one(), timeout, "an intake to wait on the held table")


@contextmanager
def intake_held(notifications_url):
    """Holds notifications' intake while the block runs: a transaction of the test's own
    takes ``received_events`` in EXCLUSIVE mode (reads go on, every intake's INSERT waits),
    so the events delivered wait unacknowledged, mid-transaction, whatever the machine's
    speed. Taken before notifications starts, nothing of a backlog gets past it. Yields a
    :class:`_Hold`; released (rolled back) on leaving."""
    engine = make_engine(notifications_url)
    try:
        with engine.connect() as conn, conn.begin() as transaction:
            conn.execute(sa.text("LOCK TABLE received_events IN EXCLUSIVE MODE"))
            yield _Hold(conn, conn.execute(
                sa.text("SELECT count(*) FROM received_events")).scalar_one())
            transaction.rollback()
    finally:
        engine.dispose()


def unpublished(url):
    return query(url, "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]


def outbox_events(url, event_type):
    """Envelopes of ``event_type`` in a service's outbox, in the order they were written."""
    rows = query(url, "SELECT envelope FROM outbox WHERE event_type = :t ORDER BY id",
                 t=event_type)
    return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


def received_ids(notifications_url):
    return [row[0] for row in query(notifications_url, "SELECT event_id FROM received_events")]


def inbox_items(notifications_url):
    """Counter of (event id, org unit id) over every inbox item."""
    return Counter((event_id, unit) for event_id, unit in query(
        notifications_url, "SELECT event_id, org_unit_id FROM inbox_items "
                           "WHERE event_id IS NOT NULL"))


def expected_inbox(registry_url, envelopes):
    kgu = dict(query(registry_url, "SELECT region_code, id FROM org_units WHERE kind = 'kgu'"))
    structure_unit = dict(query(registry_url, "SELECT id, org_unit_id FROM structures"))
    person_unit = dict(query(registry_url, "SELECT id, org_unit_id FROM people"))
    expected = set()
    for envelope in envelopes:
        for region in envelope["regions"]:
            expected.add((envelope["id"], kgu[region]))
        data = envelope["data"]
        if data.get("role") in ("R", "A"):
            assignee = data["assignee"]
            unit = {"org_unit": assignee["id"],
                    "structure": structure_unit.get(assignee["id"]),
                    "person": person_unit.get(assignee["id"])}[assignee["kind"]]
            if unit is not None:
                expected.add((envelope["id"], unit))
    return expected


def queues(amqp_uri):
    """``rabbitmqctl list_queues`` of the vhost: name, ready, unacked, consumers."""
    return subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", amqp_uri.rsplit("/", 1)[1], "name",
         "messages_ready", "messages_unacknowledged", "consumers"],
        capture_output=True, text=True, timeout=60).stdout


def dead_letter_counts(amqp_uri):
    return {service: dead_letters.count(amqp_uri, service) for service in SERVICES}


def assert_settled(platform, envelopes, timeout=120, dead=None):
    """Wait until notifications took in every envelope and every outbox is empty, then
    check the inbox item by item and the dead-letter queues (``dead``: service -> count).
    ``platform`` needs ``amqp_uri`` and ``urls`` (component -> database URL)."""
    urls = platform.urls
    notifications = urls["notifications"]
    wanted = {envelope["id"] for envelope in envelopes}
    try:
        wait_until(lambda: wanted <= set(received_ids(notifications)), timeout,
                   f"notifications to take in {len(wanted)} events")
    except AssertionError as exc:  # say where they are: the queues, and the services' logs
        has = len(wanted & set(received_ids(notifications)))
        raise AssertionError(f"{exc} (has {has})\n{queues(platform.amqp_uri)}\n"
                             f"{platform.log_tail()}") from None
    for service in SERVICES:
        if service in urls:
            wait_until(lambda service=service: unpublished(urls[service]) == 0, 30,
                       f"the {service} outbox to empty")
    received = Counter(received_ids(notifications))
    assert [event_id for event_id, n in received.items() if n > 1] == []
    items = inbox_items(notifications)
    assert [key for key, n in items.items() if n > 1] == [], "an inbox item is doubled"
    expected = expected_inbox(urls["registry"], envelopes)
    got = {key for key in items if key[0] in wanted}
    assert expected - got == set(), f"{len(expected - got)} inbox items are missing"
    assert got - expected == set(), f"{len(got - expected)} inbox items nobody expected"
    assert dead_letter_counts(platform.amqp_uri) == dict.fromkeys(SERVICES, 0) | (dead or {})
    return len(got)
