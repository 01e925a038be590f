"""Connections from kombu's pool that never go back broken."""
from contextlib import contextmanager

from kombu import Connection
from kombu.pools import connections


@contextmanager
def pooled_connection(amqp_uri, timeout=None):
    """A pooled connection to ``amqp_uri``. If the block raises, the connection is
    collected rather than returned as it is (the broker may have dropped it, as when it
    restarts), so the next user connects afresh."""
    with connections[Connection(amqp_uri)].acquire(block=True, timeout=timeout) as conn:
        try:
            yield conn
        except Exception:
            conn.collect()
            raise
