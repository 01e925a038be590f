"""Connections from kombu's pool that never go back broken.

kombu's own ``with pool.acquire() as conn`` does the wrong thing when its block raises:
``PooledConnection.__exit__`` closes the connection for good (``_close``, after which
``conn.connection`` is ``None``) and then puts it back into the pool, so after one
dropped connection (``rabbitmqctl close_connection``, a load balancer's idle cut, a
broker restart) every later user got ``AttributeError: 'NoneType' object has no
attribute 'channel'`` until the process restarted.
"""
import select
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu import Connection
from kombu.pools import connections

from kelisim.logging import get_logger

log = get_logger(__name__)
# {amqp_uri: the kombu Connection that names its pool}, built once: building one parses
# the URI and loads its transport (~40 µs), which every publish batch and RPC reply paid
_KEYS: dict[str, Connection] = {}


@contextmanager
def pooled_connection(amqp_uri: str, timeout: float | None = None) -> Iterator[Any]:
    """A pooled connection to ``amqp_uri`` (``timeout``: seconds to wait for a free one).

    A connection the broker closed while it sat idle in the pool is noticed before it is
    handed out and replaced by a fresh one. If the block raises, the connection's socket
    is dropped without talking to the broker (it may be gone) and the connection goes
    back to the pool *reusable*: its next user connects afresh. The block's error is
    re-raised; callers retry with their own backoff.
    """
    key = _KEYS.get(amqp_uri)
    if key is None:
        key = _KEYS[amqp_uri] = Connection(amqp_uri)
    conn = connections[key].acquire(block=True, timeout=timeout)
    try:
        if _closed_while_idle(conn):
            log.info("a pooled broker connection was closed by the broker: reconnecting")
            conn.collect()
        yield conn
    except BaseException:
        conn.collect()  # forgets socket and transport; ``_closed`` stays False: reconnects
        raise
    finally:
        conn.release()  # back into the pool (never kombu's close-then-return path)


def _closed_while_idle(conn: Any) -> bool:
    """True when an idle connection's socket has something to read: heartbeats are off and
    its one open channel (the publisher's, kelisim/events/publisher.py) has every publish
    confirmed, so that is the broker's Connection.Close or Channel.Close, a
    ``connection.blocked``, or end of file: in every case the connection is made afresh."""
    if not conn.connected:
        return False
    sock = getattr(getattr(conn._connection, "transport", None), "sock", None)
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):  # closed or unusable descriptor
        return True
    return bool(readable)
