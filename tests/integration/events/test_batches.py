"""``on_event(..., batch=N)``: a burst of events is taken in batches, each batch handled in
one transaction and acked after it; one bad event in a batch is retried and dead-lettered
alone while the others have their effect exactly once; order of delivery is kept."""
import collections

import eventlet

from kelisim.db.provider import Database
from kelisim.events.envelope import new_envelope
from kelisim.events.handler import on_event
from tests.support import AUDIT, PROCESSED, wait_for

QUEUE = "evt-registry-person_created--batch_probe.on_people"
DEAD_LETTERS = "kelisim.dead-letter.batch_probe"
BATCHES = []                                  # [[full_name, ...]] as each batch arrived
SEEN = collections.Counter()                  # full_name -> deliveries


class BatchProbe:
    name = "batch_probe"
    db = Database(relay=False)

    @on_event("registry", "person_created", batch=40)
    def on_people(self, events):
        BATCHES.append([event.data["full_name"] for event in events])
        with self.db as uow:
            firsts = uow.first_times([event.id for event in events], "batch_probe")
            for event, first in zip(events, firsts, strict=False):
                SEEN[event.data["full_name"]] += 1
                if first:
                    uow.audit("handled", "event", event.id,
                              after={"name": event.data["full_name"]})
                if event.data["full_name"] == "always-fail":
                    raise RuntimeError("this event always fails")
            uow.commit()


def person(name):
    return new_envelope("person_created", {"id": 1, "full_name": name, "version": 1,
                                           "org_unit_id": 2},
                        source="registry", correlation_id=f"corr-{name}").to_message()


def burst(start, broker, dbs, names):
    """Publish ``names`` while the probe is stopped, then start it."""
    BATCHES.clear()
    SEEN.clear()
    start(BatchProbe, dbs["probe"]).stop()  # declares the durable queue
    for name in names:
        broker.publish(person(name))
    wait_for(lambda: broker.count(QUEUE) == len(names))
    return start(BatchProbe, dbs["probe"])


def audited(table_rows, dbs):
    return collections.Counter(r.after["name"] for r in table_rows(dbs["probe"], AUDIT))


def test_a_burst_is_taken_in_batches_in_order_each_event_once(start, broker, dbs, table_rows):
    names = [f"p{n:03}" for n in range(120)]

    burst(start, broker, dbs, names)

    wait_for(lambda: sum(map(len, BATCHES)) == 120 and broker.count(QUEUE) == 0)
    assert max(map(len, BATCHES)) > 1            # batched, at most 40 each
    assert max(map(len, BATCHES)) <= 40
    assert [name for batch in BATCHES for name in batch] == names   # delivery order kept
    assert audited(table_rows, dbs) == collections.Counter(names)
    assert len(table_rows(dbs["probe"], PROCESSED)) == 120


def test_one_bad_event_is_dead_lettered_alone_and_the_rest_handled_once(
        start, broker, dbs, table_rows):
    names = [f"q{n:02}" for n in range(30)]
    names.insert(12, "always-fail")

    burst(start, broker, dbs, names)

    wait_for(lambda: broker.count(DEAD_LETTERS) == 1, timeout=20)
    [letter] = broker.drain(DEAD_LETTERS)
    assert letter.payload["data"]["full_name"] == "always-fail"
    assert "this event always fails" in letter.headers["x-kelisim-error"]
    wait_for(lambda: broker.count(QUEUE) == 0)
    good = [n for n in names if n != "always-fail"]
    # the failed batch committed nothing; each good event then had its effect once
    assert audited(table_rows, dbs) == collections.Counter(good)
    assert all(SEEN[n] <= 2 for n in good)
    assert [b for b in BATCHES if b == ["always-fail"]]   # retried alone


SLOW_QUEUE = "evt-registry-org_unit_created--batch_probe.on_unit"
HELD = []                                     # org units whose handler is still running
UNIT = {"id": 7, "code": "KGU-KZ-61", "name_kk": "К", "name_ru": "К", "kind": "kgu",
        "level": "regional", "region_code": "KZ-61", "parent_id": 1,
        "opened_on": "2020-01-01", "closed_on": None, "version": 1}


class SharedChannelProbe(BatchProbe):
    """A batching handler beside a plain one on the same consumer channel."""

    @on_event("registry", "org_unit_created")
    def on_unit(self, event):
        HELD.append(event.data["id"])
        eventlet.sleep(30)                    # unsettled while the batches are acked


def test_a_batch_ack_never_settles_another_handlers_delivery(start, broker, dbs, table_rows):
    """Batches are acked with one multiple ack only when nothing else is unsettled below
    them on the channel: the plain handler's earlier delivery, still running, is not
    acked with them; killed, it goes back to its queue."""
    HELD.clear()
    names = [f"r{n:03}" for n in range(100)]
    start(SharedChannelProbe, dbs["probe"]).stop()   # declares both queues
    broker.publish(new_envelope("org_unit_created", UNIT, source="registry",
                                correlation_id="corr-unit").to_message(),
                   routing_key="org_unit_created")
    for name in names:
        broker.publish(person(name))
    BATCHES.clear()
    probe = start(SharedChannelProbe, dbs["probe"])

    wait_for(lambda: HELD and sum(map(len, BATCHES)) == 100)
    wait_for(lambda: broker.count(QUEUE) == 0)
    probe.kill()

    assert broker.count(SLOW_QUEUE) == 1              # back in its queue, not acked
    assert broker.count(QUEUE) == 0                   # every batch acked
    assert audited(table_rows, dbs) == collections.Counter(names)
