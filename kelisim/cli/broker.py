"""Is RabbitMQ there? One clear answer before anything starts."""
from kombu import Connection


def broker_problem(amqp_uri: str, timeout: int = 3) -> str | None:
    """None when the broker accepts a connection, else a one-line explanation."""
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return None
    except Exception as exc:  # any failure to connect is the same answer for the user
        safe_uri = Connection(amqp_uri).as_uri()  # hides the password
        return (f"RabbitMQ is not reachable at {safe_uri} ({exc.__class__.__name__}: {exc}). "
                "Start one with `rabbitmq-server -detached` (Debian: apt-get install "
                "rabbitmq-server), or point KELISIM_AMQP_URI at a running broker.")
