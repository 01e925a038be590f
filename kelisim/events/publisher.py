"""Publishing a batch of events with publisher confirms, in one round of waiting.

py-amqp's confirmed publish waits for the broker's ack after every message; here the
whole batch goes out on a confirm-mode channel and the acks (possibly ``multiple``) are
awaited once at the end, so a batch costs about one round trip, not one per message.

:meth:`ConfirmedBatchPublisher.batch` publishes Python values through kombu's Producer
(serialised by kombu, exchanges declared by kombu). :meth:`~ConfirmedBatchPublisher.
raw_batch` sends bodies that are already JSON (the outbox keeps each event as the text it
is published as) with py-amqp's ``basic_publish`` straight on the channel, the message
properties kombu's Producer gives (content type and encoding, priority 0, delivery mode,
headers, message id): the outbox relay spent 78 % of its ~420 µs per event in kombu's
``Producer.publish`` and its per-message socket writes (bench/README.md). kelisim's RPC
requests and replies go out the same way (kelisim/rpc.py).
"""
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import amqp
from amqp import spec
from amqp.exceptions import MessageNacked
from kombu import Exchange, Producer

from kelisim.events.pool import pooled_connection

CONTENT_TYPE = "application/json"
_FLUSH_AT = 256 * 1024  # bytes of frames gathered before they are written
PERSISTENT = 2  # AMQP delivery mode: written to disk by the broker


class NotConfirmed(TimeoutError):
    """The broker did not confirm every message of a batch within its ``confirm_timeout``:
    each may or may not be queued (a retry may deliver one twice)."""


class Unroutable(Exception):
    """A message published ``mandatory`` reached no queue: the broker returned it.
    ``correlation_ids``: those of the messages returned, in the order they came back."""

    def __init__(self, correlation_ids: list[str | None]) -> None:
        super().__init__(f"{len(correlation_ids)} mandatory messages reached no queue")
        self.correlation_ids = correlation_ids


class ConfirmedBatchPublisher:
    def __init__(self, amqp_uri: str, serializer: str = "json", confirm_timeout: float = 30.0) -> None:
        self.amqp_uri = amqp_uri
        self.serializer = serializer
        self.confirm_timeout = confirm_timeout
        # whether the last raw_batch handed every frame of its messages to the socket: a
        # connection lost after that may have delivered them, one lost before cannot have
        # (the broker drops a message whose frames did not all arrive)
        self.written = False

    @contextmanager
    def _confirmed(self) -> Iterator[tuple[Any, Callable[[], None], set[str]]]:
        """``(channel, count, declared)``: the confirm-mode channel of a pooled connection,
        the function to call once per message published on it, and the names of the
        exchanges already declared on it. On exit every message counted is confirmed by
        the broker, or it raises (:class:`NotConfirmed` after ``confirm_timeout`` seconds,
        MessageNacked when the broker refused any), and the connection is dropped with
        its channel (:func:`~kelisim.events.pool.pooled_connection`).

        The channel stays open on its connection for the next batch (:class:`_Confirms`):
        opening one, putting it in confirm mode, declaring the exchange and closing it were
        four round trips to the broker per batch, and a batch is one or two events when
        writes come one at a time (a fifth of notifications' CPU on a stream of single
        events)."""
        with pooled_connection(self.amqp_uri) as conn:
            confirms = _Confirms.of(conn.connection)
            yield confirms.channel, confirms.count, confirms.declared
            deadline = time.monotonic() + self.confirm_timeout
            while confirms.pending:
                remaining = deadline - time.monotonic()
                try:
                    if remaining <= 0:
                        raise TimeoutError
                    conn.drain_events(timeout=remaining)
                except TimeoutError:  # ours, or the socket's when nothing came in time
                    raise NotConfirmed(f"{len(confirms.pending)} messages not confirmed by "
                                       f"the broker within {self.confirm_timeout:g} s") from None
            if confirms.nacked:
                raise MessageNacked(f"the broker refused {len(confirms.nacked)} events")
            returned = list(confirms.returned)
        if returned:  # the broker returns before it confirms: every return is in by now
            raise Unroutable(returned)  # outside the pooled block: the connection is fine

    @contextmanager
    def batch(self) -> Iterator[Callable[..., None]]:
        """Yield ``publish(payload, **kwargs)``; on exit every message is confirmed or it raises."""
        with self._confirmed() as (channel, count, _declared):
            producer = Producer(channel, serializer=self.serializer)

            def publish(payload: Any, **kwargs: Any) -> None:
                count()
                producer.publish(payload, **kwargs)

            yield publish

    @contextmanager
    def raw_batch(self) -> Iterator[Callable[..., None]]:
        """Yield ``send(body, *, exchange, routing_key, headers, message_id=None,
        correlation_id=None, reply_to=None, mandatory=False)``: ``body`` UTF-8 JSON bytes,
        published persistent as ``application/json`` to ``exchange`` (a kombu Exchange,
        declared once on the channel: an exchange deleted since then fails the next batch
        with NotFound, and the batch tried again on the new connection declares it again).
        On exit every message is confirmed by the broker or it raises, as :meth:`batch`;
        then, if the broker returned any ``mandatory`` message (no queue bound for its
        routing key), it raises :class:`Unroutable` (every other message of the batch was
        delivered).

        The publishes' frames are written to the socket together, ``_FLUSH_AT`` bytes at a
        time and before anything that waits for the broker (an exchange's declaration,
        the confirms), instead of one ``sendall`` per message; each publish is the AMQP
        method py-amqp's ``basic_publish`` sends, without its per-message poll of the
        socket for a ``connection.blocked`` (the confirms are awaited at the end anyway,
        within ``confirm_timeout``). ``written`` tells, after the block, whether every
        frame was handed to the socket."""
        self.written = False
        with self._confirmed() as (channel, count, declared):
            with _buffered_writes(channel.connection.transport) as unbuffered:
                def send(body: bytes, *, exchange: Exchange, routing_key: str,
                         headers: dict[str, Any], message_id: str | None = None,
                         correlation_id: str | None = None, reply_to: str | None = None,
                         mandatory: bool = False) -> None:
                    if exchange.name not in declared:
                        with unbuffered():  # a declaration waits for the broker's answer
                            exchange(channel).declare()
                        declared.add(exchange.name)
                    count()
                    channel.send_method(  # py-amqp leaves out a property given as None
                        spec.Basic.Publish, "Bssbb",
                        (0, exchange.name, routing_key, mandatory, False),
                        amqp.Message(body, content_type=CONTENT_TYPE, content_encoding="utf-8",
                                     priority=0, application_headers=headers,
                                     delivery_mode=PERSISTENT, message_id=message_id,
                                     correlation_id=correlation_id, reply_to=reply_to))

                yield send
            self.written = True

    def publish(self, payload: Any, **kwargs: Any) -> None:
        with self.batch() as publish:
            publish(payload, **kwargs)


class _Confirms:
    """A connection's confirm-mode channel and what is known of it: the next delivery tag
    (the broker numbers a channel's publishes from 1 for the channel's life), the tags not
    yet confirmed, those refused, the correlation ids of the messages returned (mandatory,
    unroutable), the exchanges declared on it. Kept on the py-amqp
    connection object, so it is forgotten with it when the pool drops a connection after
    an error: a new connection gets a new channel."""

    def __init__(self, channel: Any) -> None:
        self.channel = channel
        self.tags = itertools.count(1)
        self.pending: set[int] = set()
        self.nacked: list[int] = []
        self.returned: list[str | None] = []
        self.declared: set[str] = set()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._ack)
        channel.events["basic_nack"].add(self._nack)
        channel.events["basic_return"].add(self._return)

    @classmethod
    def of(cls, connection: Any) -> "_Confirms":
        confirms = getattr(connection, "_kelisim_confirms", None)
        if confirms is None or not confirms.channel.is_open:
            confirms = connection._kelisim_confirms = cls(connection.channel())
        confirms.nacked.clear()
        confirms.returned.clear()
        return confirms

    def count(self) -> None:
        self.pending.add(next(self.tags))

    def _ack(self, tag: int, multiple: bool) -> None:
        if multiple:
            self.pending.difference_update([t for t in self.pending if t <= tag])
        else:
            self.pending.discard(tag)

    def _nack(self, tag: int, multiple: bool) -> None:
        self.nacked.append(tag)
        self._ack(tag, multiple)

    def _return(self, exc: Exception, exchange: str, routing_key: str, message: Any) -> None:
        self.returned.append(message.properties.get("correlation_id"))


@contextmanager
def _buffered_writes(transport: Any) -> Iterator[Callable[[], Any]]:
    """Gather what py-amqp writes to ``transport`` (its frames, handed over as views of a
    buffer it reuses: copied here) and write it with one ``sendall`` per ``_FLUSH_AT``
    bytes. Yields ``unbuffered``: ``with unbuffered():`` writes what was gathered and lets
    the block write straight to the socket (for a method that waits for the broker's
    answer). Writes the rest at the end of the block; on any exit puts the transport's
    own writer back."""
    sendall = transport._write
    gathered: list[bytes] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if gathered:
            data = b"".join(gathered)
            gathered.clear()
            size = 0
            sendall(data)

    def gather(data: Any) -> None:
        nonlocal size
        gathered.append(bytes(data))
        size += len(data)
        if size >= _FLUSH_AT:
            flush()

    @contextmanager
    def unbuffered() -> Iterator[None]:
        flush()
        transport._write = sendall
        try:
            yield
        finally:
            transport._write = gather

    transport._write = gather
    try:
        yield unbuffered
        flush()
    finally:
        transport._write = sendall
