"""``ChangeFeed`` (kelisim/events/feed.py): each replica's cache forgets on every event of
its source, in the queue consumer's greenthread (no nameko worker per event), and again
after a dropped connection, whose queue and the events on it are gone."""
import pytest
from kombu import Connection
from nameko.extensions import DependencyProvider
from nameko.testing.utils import get_extension

from kelisim.events.feed import ChangeFeed
from kelisim.events.topology import change_feed, event_exchange
from tests.support import close_vhost_connections, wait_for

pytestmark = pytest.mark.broker


class Forgetful(DependencyProvider):
    """A cache that counts how often it was told to forget."""

    def setup(self):
        self.forgotten = 0

    def invalidate(self):
        self.forgotten += 1

    def get_dependency(self, worker_ctx):
        return self


class Workers(DependencyProvider):
    """Counts the nameko workers the container ran."""

    def setup(self):
        self.started = 0

    def worker_setup(self, worker_ctx):
        self.started += 1


class Listener:
    name = "feed_listener"
    cache = Forgetful()
    workers = Workers()
    feed = ChangeFeed(change_feed("feedsource", "listener-cache"), "cache")


class Failing(Forgetful):
    """A cache whose first two invalidations fail (the connection's and the first event's)."""

    def invalidate(self):
        self.forgotten += 1
        if self.forgotten <= 2:
            raise RuntimeError("cannot forget")


class Stubborn:
    name = "feed_stubborn"
    cache = Failing()
    workers = Workers()
    feed = ChangeFeed(change_feed("feedsource", "stubborn"), "cache")


class Misnamed:
    name = "feed_misnamed"
    feed = ChangeFeed(change_feed("feedsource", "misnamed"), "nothing")


def _publish(amqp_uri, routing_keys):
    with Connection(amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        for n, key in enumerate(routing_keys):
            producer.publish({"n": n}, exchange=event_exchange("feedsource"), routing_key=key,
                             declare=[event_exchange("feedsource")])


def _forgotten(container):
    return get_extension(container, Forgetful).forgotten


@pytest.fixture
def listeners(container_factory, amqp_uri):
    def start(count):
        containers = [container_factory(Listener, {"AMQP_URI": amqp_uri})
                      for _ in range(count)]
        for container in containers:
            container.start()
        return containers

    return start


def test_every_event_of_the_source_makes_each_replica_forget_with_no_worker(listeners,
                                                                          amqp_uri):
    replicas = listeners(2)
    wait_for(lambda: all(_forgotten(c) == 1 for c in replicas))  # on connecting
    _publish(amqp_uri, ["task_assigned", "deadline_slipped", "anything.else"] * 20)
    wait_for(lambda: all(_forgotten(c) == 61 for c in replicas))
    assert [get_extension(c, ChangeFeed).heard for c in replicas] == [60, 60]
    assert [get_extension(c, Workers).started for c in replicas] == [0, 0]
    for container in replicas:  # a graceful stop cancels the feed and returns
        container.stop()
    assert [_forgotten(c) for c in replicas] == [61, 61]


def test_a_dropped_connection_makes_the_replica_forget_what_it_missed(listeners, amqp_uri):
    """FAULT (99553a1's ``@consume`` feed): the feed's queue is exclusive, so RabbitMQ
    deletes it with the connection, and the events published until the consumer has
    declared it again are lost: the replica went on answering from a cache that missed
    them (a rename, for up to KELISIM_DIRECTORY_TTL)."""
    [replica] = listeners(1)
    wait_for(lambda: _forgotten(replica) == 1)
    assert close_vhost_connections(amqp_uri) >= 1
    wait_for(lambda: _forgotten(replica) == 2, timeout=30)  # reconnected, queue bound again
    _publish(amqp_uri, ["person_updated"])
    wait_for(lambda: _forgotten(replica) == 3)
    assert get_extension(replica, Workers).started == 0


def test_a_feed_naming_no_dependency_fails_at_start(container_factory, amqp_uri):
    container = container_factory(Misnamed, {"AMQP_URI": amqp_uri})
    with pytest.raises(LookupError, match="no dependency 'nothing'"):
        container.start()


def test_a_cache_that_fails_to_forget_leaves_the_feed_running(container_factory, amqp_uri):
    container = container_factory(Stubborn, {"AMQP_URI": amqp_uri})
    container.start()
    wait_for(lambda: get_extension(container, Failing).forgotten == 1)
    _publish(amqp_uri, ["a", "b"])
    wait_for(lambda: get_extension(container, Failing).forgotten == 3)
    assert get_extension(container, ChangeFeed).heard == 2
    container.stop()  # still consuming: a graceful stop returns
