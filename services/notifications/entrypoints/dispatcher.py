"""The dispatcher: a greenthread per outbound channel (e-mail, webhooks) sending due
deliveries, plus housekeeping (digests, interrupted sends, dead letters, backlog gauges).
It also holds the regional stream's publisher, which the event handlers use.

Each channel has its own pool and its own loop, so a slow or failing channel never
holds back another. Loops wake as soon as an event is taken in, else when the next
retry is due, else every ``dispatch_interval`` seconds.
"""
import time
from collections import Counter

import eventlet
import eventlet.event
from eventlet.greenpool import GreenPool
from nameko.extensions import DependencyProvider

from kelisim.db.types import utcnow
from kelisim.logging import get_logger
from kelisim.loop import WakeOrPollLoop
from services.notifications import metrics
from services.notifications.adapters.channels import StreamChannel, outbound_channels
from services.notifications.adapters.dead_letters import DeliveryDeadLetters
from services.notifications.domain.destinations import Refused, split_url, spread
from services.notifications.service_layer import dispatch
from services.notifications.settings import from_config

log = get_logger(__name__)


class Loop(WakeOrPollLoop):
    """Runs ``step`` until stopped; ``step`` returns seconds to wait (woken earlier by wake)."""

    def __init__(self, name, step, interval):
        super().__init__(name, step, failed="dispatcher step failed")
        self.interval = interval


class ChannelSender:
    """Leases due deliveries of one channel and sends them through a bounded pool.

    With ``per_destination`` (webhooks), at most that many sends of this process are in
    flight to one destination (host and port) at a time, and with ``per_region`` at most
    that many to the webhooks of one region (whose coordinators may register many
    destinations): a slow receiver, or a region's many, hold those workers, never all of
    them, and the others' deliveries go out meanwhile."""

    def __init__(self, dispatcher, channel, policy, per_destination=None, per_region=None):
        self.dispatcher = dispatcher
        self.channel = channel
        self.policy = policy
        self.pool = GreenPool(dispatcher.settings.concurrency)
        smtp = dispatcher.settings.smtp
        # longer than any send can last (both are bounded by a deadline)
        self.lease = max(60.0, 3 * dispatcher.settings.webhook_timeout,
                         2 * smtp.deadline if smtp else 0)
        self.loop = Loop(channel.name, self.step, dispatcher.settings.dispatch_interval)
        self.per_destination = per_destination
        self.per_region = per_region
        self.in_flight = Counter()     # destination key or ("group", region) -> in flight
        self.key_of_delivery = {}      # delivery id in flight -> (its key, its region)
        self.key_of_webhook = {}       # webhook id -> destination key, as last seen

    def _choose(self, free, keys):
        """``choose`` for the claim: spread ``free`` sends over destinations, noting each
        candidate's key in ``keys`` {delivery id: key}."""
        def choose(rows):
            candidates = []
            for row in rows:
                key = _key(row.target)
                if row.webhook_id is not None:
                    self.key_of_webhook[row.webhook_id] = key
                keys[row.id] = (key, row.region_code)
                candidates.append((row.id, key, row.region_code))
            return spread(candidates, free, self.in_flight, self.per_destination,
                          self.per_region)
        return choose

    def step(self):
        free = self.pool.free()
        interval = self.loop.interval
        if free == 0:
            return interval  # a finishing send wakes the loop
        if self.per_destination or self.per_region:
            full = {k for k, n in self.in_flight.items() if not isinstance(k, tuple)
                    and self.per_destination and n >= self.per_destination}
            skip = {w for w, k in self.key_of_webhook.items() if k in full}
            regions = {k[1] for k, n in self.in_flight.items()
                       if isinstance(k, tuple) and self.per_region and n >= self.per_region}
            keys = {}
            ids = dispatch.claim(self.dispatcher.unit_of_work(), self.channel.name, utcnow(),
                                 free, self.lease, self._choose(free, keys), skip, regions)
            for delivery_id in ids:  # leased: counted until its send is recorded
                key, region = keys[delivery_id]
                self.key_of_delivery[delivery_id] = keys[delivery_id]
                self.in_flight[key] += 1
                if region is not None:
                    self.in_flight[("group", region)] += 1
            if skip or regions or len(keys) > len(ids):
                # due deliveries wait for their destination: a finishing send wakes the
                # loop (the next due date would be now, and the loop would spin)
                for delivery_id in ids:
                    self.pool.spawn_n(self.send, [delivery_id])
                return interval
        else:
            ids = dispatch.claim(self.dispatcher.unit_of_work(), self.channel.name, utcnow(),
                                 free, self.lease)
        for delivery_id in ids:
            self.pool.spawn_n(self.send, [delivery_id])
        if len(ids) == free:
            return interval
        due = dispatch.next_due(self.dispatcher.unit_of_work(), self.channel.name)
        if due is None:
            return interval
        return min(interval, max(0.0, (due - utcnow()).total_seconds()))

    def send(self, delivery_ids):
        service = self.dispatcher.service_name
        try:
            results = dispatch.send_batch(self.dispatcher.unit_of_work, self.channel,
                                          delivery_ids, self.policy)
        except Exception as exc:  # the database failed: the lease runs out, then it is retried
            log.error("could not record deliveries", delivery_ids=delivery_ids, error=repr(exc))
            return
        finally:
            for delivery_id in delivery_ids:
                key, region = self.key_of_delivery.pop(delivery_id, (None, None))
                for counted in (key, ("group", region) if region is not None else None):
                    if counted is not None:
                        self.in_flight[counted] -= 1
                        if self.in_flight[counted] <= 0:
                            del self.in_flight[counted]
            self.loop.wake()
        for outcome, delivery in results:
            self.observe(service, outcome, delivery)

    def observe(self, service, outcome, delivery):
        if outcome == "delivered":
            metrics.delivered(service, self.channel.name, delivery.occurred_at,
                              delivery.delivered_at)
        elif outcome == "failed":
            metrics.outcome(service, self.channel.name, "failed")
            log.info("delivery failed; retry scheduled", delivery_id=delivery.id,
                     channel=self.channel.name, error=delivery.last_error,
                     next_attempt_at=delivery.next_attempt_at.isoformat())
        elif outcome == "dead":
            metrics.outcome(service, self.channel.name, "dead_lettered")
            log.error("delivery given up", delivery_id=delivery.id, channel=self.channel.name,
                      attempts=delivery.attempts, error=delivery.last_error)
            self.dispatcher.housekeeping.wake()


def _key(url):
    try:
        return split_url(url).key
    except Refused:
        return url  # refused again when sent; still one destination


class Dispatcher(DependencyProvider):
    """Declared as ``dispatcher = Dispatcher()`` next to the service's ``uow = Database()``;
    workers get the dispatcher itself, to ``wake()`` it and read its ``settings``."""

    def __init__(self, database="uow"):
        self.database_attr = database
        self.senders = {}
        self.housekeeping = None

    def setup(self):
        config = self.container.config
        self.service_name = self.container.service_name
        self.database = next(dep for dep in self.container.dependencies
                             if dep.attr_name == self.database_attr)
        self.settings = from_config(config)
        self.dead_letters = DeliveryDeadLetters(config["AMQP_URI"])
        policies = {"email": self.settings.email_retry, "webhook": self.settings.webhook_retry}
        bounds = {"webhook": (self.settings.webhook_per_destination,
                              self.settings.webhook_per_region
                              or max(1, self.settings.concurrency // 2))}
        self.senders = {name: ChannelSender(self, channel, policies[name],
                                            *bounds.get(name, ()))
                        for name, channel in outbound_channels(self.settings).items()}
        self.stream = StreamChannel(config["AMQP_URI"])
        self.housekeeping = Loop("housekeeping", self.keep_house,
                                 self.settings.dispatch_interval)

    def start(self):
        for name, sender in self.senders.items():
            self.container.spawn_managed_thread(sender.loop.run, identifier=f"dispatch-{name}")
        self.container.spawn_managed_thread(self.housekeeping.run, identifier="dispatch-house")

    def stop(self):
        for sender in self.senders.values():
            sender.loop.stop()
        if self.housekeeping is not None:
            self.housekeeping.stop()
        deadline = time.monotonic() + 10
        for sender in self.senders.values():  # let sends in flight record their outcome
            with eventlet.Timeout(max(0.1, deadline - time.monotonic()), False):
                sender.pool.waitall()

    def kill(self):
        for sender in self.senders.values():
            sender.loop.stop()
        if self.housekeeping is not None:
            self.housekeeping.stop()

    def unit_of_work(self):
        return self.database.unit_of_work()

    def wake(self, channels=None):
        for name, sender in self.senders.items():
            if channels is None or name in channels:
                sender.loop.wake()

    def keep_house(self):
        now = utcnow()
        for name, sender in self.senders.items():
            dispatch.recover_stale(self.unit_of_work(), name, sender.channel.repeatable, now)
        if dispatch.compose_digests(self.unit_of_work(), now):
            self.wake(["email"])
        dispatch.publish_dead_letters(self.unit_of_work(), self.dead_letters, now)
        waiting, dead = dispatch.backlog(self.unit_of_work())
        metrics.set_backlog(self.service_name, waiting, dead)
        return self.settings.dispatch_interval

    def get_dependency(self, worker_ctx):
        return self
