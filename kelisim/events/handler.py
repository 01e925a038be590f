"""A nameko event handler that never drops a failed event.

nameko 2.14 acks a message after its handler fails; this one instead republishes it
to a delay queue (``EVENT_RETRY_DELAYS`` seconds, one per attempt) that hands it back
to the same queue, and after the last attempt dead-letters it with the error for
operators. A body that is not a valid envelope goes straight to the dead-letter queue.
The original is acked only after the broker confirmed the copy.

``@on_event(source, type, batch=N)`` takes events in batches: the method receives a list
of up to N envelopes (in delivery order) and handles them together, e.g. in one database
transaction. Deliveries gather while the handler's ``concurrency`` batches (default 1)
run, from a prefetch of ``2 N`` unacknowledged messages on that queue alone, so a burst
makes large batches and a trickle goes one by one at once. Every message of a batch is
acked after the method returned (after its commit). When the method fails, each event of
the batch is handled again alone, as ``[envelope]``: only the one that fails is retried
and then dead-lettered, as without batches, and the others are done once (idempotent
consumers absorb the replay of any part the failed batch had done).
"""
import traceback
from functools import partial
from typing import Any

import eventlet.semaphore
from kombu.entity import PERSISTENT_DELIVERY_MODE
from nameko.amqp.publish import Publisher
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled

from kelisim import metrics
from kelisim.consumer import SettlingQueueConsumer
from kelisim.events import topology
from kelisim.events.envelope import Envelope, MalformedEvent, parse_envelope
from kelisim.logging import get_logger

log = get_logger(__name__)


class DeadLetteringQueueConsumer(SettlingQueueConsumer):
    """The shared consumer of event handlers: a body that cannot even be decoded is
    dead-lettered, where kombu's consumer would log it and ack it, losing the event.

    A batching handler takes its deliveries in the consumer's own thread (nameko spawns
    a green thread per delivery to call ``handle_message``; a batching handler only
    parses the body and queues it, so that thread cost more than the work)."""

    def handle_message(self, provider: Any, body: Any, message: Any) -> None:
        if getattr(provider, "batch", 1) > 1:
            self.track(message)
            provider.handle_message(body, message)
        else:
            super().handle_message(provider, body, message)

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = provider.handle_undecodable
            prefetch = getattr(provider, "prefetch", None)
            if prefetch:
                _own_prefetch(consumer, prefetch, self.prefetch_count)
        return consumers


def _own_prefetch(consumer: Any, prefetch: int, shared: int) -> None:
    """Give one kombu consumer its own prefetch: RabbitMQ applies a (non-global)
    basic.qos to the consumers started after it on the channel, and nameko sets the qos of
    every consumer before it starts any, so the qos is set again just before this one
    starts (and the shared value restored after, for the consumers started later)."""
    start = consumer.consume

    def consume(no_ack: bool | None = None) -> Any:
        consumer.qos(prefetch_count=prefetch)
        try:
            return start(no_ack)
        finally:
            consumer.qos(prefetch_count=shared)

    consumer.consume = consume


class ReliableEventHandler(EventHandler):
    """``@on_event("registry", "org_unit_created")``; the method receives an Envelope."""

    queue_consumer = DeadLetteringQueueConsumer()

    def __init__(self, source_service: str, event_type: str, batch: int = 1,
                 concurrency: int = 1, **kwargs: Any) -> None:
        super().__init__(source_service, event_type, **kwargs)
        self.batch = max(1, int(batch))
        self.concurrency = max(1, int(concurrency))
        self.prefetch = 2 * self.batch if self.batch > 1 else None
        self._pending: list[tuple[Envelope, Any]] = []  # waiting for a batch worker
        self._flushing = False
        self._stopping = False
        self._slots = eventlet.semaphore.Semaphore(self.concurrency)

    def setup(self) -> None:
        super().setup()
        config = self.container.config
        self.delays = list(config.get("EVENT_RETRY_DELAYS", [1, 5, 30, 120, 600]))
        self.publisher = Publisher(config["AMQP_URI"], serializer="json", use_confirms=True)
        self.dead_letters = topology.dead_letter_queue(self.container.service_name, config)
        if not (self.queue.exclusive or self.queue.auto_delete):
            self.queue.queue_arguments = topology.durable_arguments(
                config, **(self.queue.queue_arguments or {})) or None

    def stop(self) -> None:
        """A graceful stop: what runs finishes and is acked; deliveries not yet handed to a
        worker (a batching handler holds up to its prefetch, ``2 * batch``) go back to the
        queue at once, for the next replica or the next start, as do any delivered while
        the consumer is being cancelled."""
        self._stopping = True
        pending, self._pending = self._pending, []
        for _, message in pending:
            self.queue_consumer.requeue_message(message)
        super().stop()

    def handle_message(self, body: Any, message: Any) -> None:
        if self._stopping:
            self.queue_consumer.requeue_message(message)
            return
        try:
            envelope = parse_envelope(body)
        except MalformedEvent as exc:
            self._dead_letter(body, "malformed", message, f"malformed event: {exc}")
            return
        if self.batch > 1:
            self._pending.append((envelope, message))
            if not self._flushing:
                self._flushing = True
                self.container.spawn_managed_thread(self._flush, identifier="event-batches")
            return
        handle_result = partial(self._handle_result, message, envelope)
        try:
            self.container.spawn_worker(
                self, (envelope,), {}, context_data=self.unpack_message_headers(message),
                handle_result=handle_result)
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def _flush(self) -> None:
        """Hand what is pending to batch workers, ``batch`` at a time, while fewer than
        ``concurrency`` run (a thread of its own while anything is pending; deliveries
        arriving while it waits for a free worker join the next batch)."""
        try:
            while self._pending:
                self._slots.acquire()  # deliveries arriving while we wait join the batch
                if not self._pending:  # the service is stopping: they went back to the queue
                    self._slots.release()
                    break
                batch, self._pending = self._pending[:self.batch], self._pending[self.batch:]
                self._spawn_batch(batch, release=True)
        finally:
            self._flushing = False

    def _spawn_batch(self, batch: list[tuple[Envelope, Any]], release: bool) -> None:
        envelopes = [envelope for envelope, _ in batch]
        try:
            self.container.spawn_worker(
                self, (envelopes,), {}, context_data=self.unpack_message_headers(batch[0][1]),
                handle_result=partial(self._handle_batch_result, batch, release))
        except ContainerBeingKilled:
            if release:
                self._slots.release()
            for _, message in batch:
                self.queue_consumer.requeue_message(message)

    def _handle_batch_result(self, batch: list[tuple[Envelope, Any]], release: bool,
                             worker_ctx: Any, result: Any = None,
                             exc_info: Any = None) -> tuple[Any, Any]:
        try:
            if exc_info is None:
                self._ack_batch(batch)
            elif len(batch) == 1:
                self._settle(batch[0][1], batch[0][0], exc_info)
            else:
                log.warning("event batch failed; handling its events one by one",
                            events=len(batch), event_type=self.event_type,
                            error=repr(exc_info[1]))
                self.container.spawn_managed_thread(
                    partial(self._one_by_one, batch), identifier="event-batch-fallback")
        finally:
            if release:
                self._slots.release()
        return result, exc_info

    def _ack_batch(self, batch: list[tuple[Envelope, Any]]) -> None:
        """Ack a handled batch: with one ``multiple`` ack when nothing else is unsettled
        below its last delivery on the channel (:meth:`SettlingQueueConsumer.ack_all`),
        else message by message."""
        counts: dict[str, int] = {}
        for envelope, _ in batch:
            counts[envelope.type] = counts.get(envelope.type, 0) + 1
        self.queue_consumer.ack_all([message for _, message in batch])
        for event_type, count in counts.items():
            metrics.child(metrics.EVENTS_CONSUMED, self.container.service_name, event_type,
                          "handled").inc(count)

    def _one_by_one(self, batch: list[tuple[Envelope, Any]]) -> None:
        for item in batch:
            self._spawn_batch([item], release=False)

    def handle_undecodable(self, message: Any, exc: Exception) -> None:
        body = message.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        self._dead_letter(body, "malformed", message, f"undecodable message: {exc}")

    def _handle_result(self, message: Any, envelope: Envelope, worker_ctx: Any, result: Any = None,
                       exc_info: Any = None) -> tuple[Any, Any]:
        self._settle(message, envelope, exc_info)
        return result, exc_info

    def _settle(self, message: Any, envelope: Envelope, exc_info: Any) -> None:
        if exc_info is None:
            metrics.child(metrics.EVENTS_CONSUMED, self.container.service_name, envelope.type,
                          "handled").inc()
            self.queue_consumer.ack_message(message)
            return
        attempts = int((message.headers or {}).get(topology.ATTEMPTS_HEADER, 0))
        # Bounded: a header larger than the broker's frame cannot be published at all.
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()[:4000]
        if attempts < len(self.delays):
            self._retry(envelope, message, attempts, error)
        else:
            self._dead_letter(envelope.to_message(), envelope.type, message, error)

    def _retry(self, envelope: Envelope, message: Any, attempts: int, error: str) -> None:
        exchange, queue = topology.retry_route(self.delays[attempts], self.container.config)
        headers = dict(message.headers or {})
        headers.update({topology.ATTEMPTS_HEADER: attempts + 1, topology.ERROR_HEADER: error})
        try:
            self.publisher.publish(
                envelope.to_message(), exchange=exchange, routing_key=self.queue.name,
                declare=[exchange, queue], headers=headers,
                delivery_mode=PERSISTENT_DELIVERY_MODE, message_id=envelope.id,
            )
        except Exception as exc:  # broker trouble: leave it to the broker to redeliver
            log.error("could not schedule retry", event_id=envelope.id, error=repr(exc))
            self.queue_consumer.requeue_message(message)
            return
        log.warning("event handler failed; retry scheduled", event_id=envelope.id,
                    event_type=envelope.type, attempt=attempts + 1, error=error)
        metrics.child(metrics.EVENTS_CONSUMED, self.container.service_name, envelope.type,
                      "retried").inc()
        self.queue_consumer.ack_message(message)

    def _dead_letter(self, body: Any, event_type: str, message: Any, error: str) -> None:
        headers = dict(message.headers or {})
        headers.update({
            topology.QUEUE_HEADER: self.queue.name, topology.ERROR_HEADER: error[:4000],
            topology.SERVICE_HEADER: self.container.service_name,
        })
        try:
            self.publisher.publish(
                body, exchange=topology.DEAD_LETTER_EXCHANGE,
                routing_key=self.container.service_name,
                declare=[topology.DEAD_LETTER_EXCHANGE, self.dead_letters],
                headers=headers, delivery_mode=PERSISTENT_DELIVERY_MODE,
            )
        except Exception as exc:
            log.error("could not dead-letter event", error=repr(exc))
            self.queue_consumer.requeue_message(message)
            return
        log.error("event dead-lettered", event_type=event_type, queue=self.queue.name,
                  error=error)
        metrics.child(metrics.EVENTS_CONSUMED, self.container.service_name, event_type,
                      "dead_lettered").inc()
        self.queue_consumer.ack_message(message)


on_event = ReliableEventHandler.decorator
