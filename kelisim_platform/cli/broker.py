"""Is RabbitMQ there, and may we use its vhost? One clear answer before anything starts."""
from urllib.parse import unquote, urlsplit

from amqp.exceptions import AccessRefused, NotAllowed
from kombu import Connection


def uri_problem(amqp_uri: str) -> str | None:
    """One line when kombu cannot read ``amqp_uri``'s options (``?heartbeat=abc``, a
    ``?password=`` beside the URI's own), else None. The URI and kombu's words, which
    may quote it, are not shown: it may hold a password."""
    try:
        Connection(amqp_uri)
    except (ValueError, TypeError) as exc:
        return (f"KELISIM_AMQP_URI: kombu cannot read its options ({exc.__class__.__name__}; "
                "not shown: it may hold a password)")
    return None


def broker_problem(amqp_uri: str, timeout: int = 3) -> str | None:
    """None when the broker accepts a connection to the vhost, else a one-line explanation
    of what is wrong and how to fix it: the URI's options cannot be read
    (:func:`uri_problem`), the broker is not reachable, the vhost does not exist
    (``rabbitmqctl add_vhost``), or the user or password is refused."""
    unreadable = uri_problem(amqp_uri)
    if unreadable:
        return unreadable
    safe_uri = Connection(amqp_uri).as_uri()  # hides the password
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return None
    except NotAllowed as exc:  # 530: the vhost is missing, or the user may not use it
        vhost = _vhost(amqp_uri)
        user = urlsplit(amqp_uri).username or "guest"
        if "not found" in str(exc):
            return (f"RabbitMQ at {safe_uri} has no vhost {vhost!r}. Create it with "
                    f"`rabbitmqctl add_vhost {vhost}` and `rabbitmqctl set_permissions -p "
                    f"{vhost} {user} '.*' '.*' '.*'`, or point KELISIM_AMQP_URI at an "
                    "existing one.")
        return (f"RabbitMQ at {safe_uri} does not let {user!r} use vhost {vhost!r} ({exc}). "
                f"Grant it with `rabbitmqctl set_permissions -p {vhost} {user} "
                "'.*' '.*' '.*'`.")
    except AccessRefused as exc:
        return (f"RabbitMQ at {safe_uri} refused the user or password ({exc}). Check the "
                "credentials in KELISIM_AMQP_URI.")
    except Exception as exc:  # any other failure to connect is the same answer for the user
        return (f"RabbitMQ is not reachable at {safe_uri} ({exc.__class__.__name__}: {exc}). "
                "Start one with `rabbitmq-server -detached` (Debian: apt-get install "
                "rabbitmq-server), or point KELISIM_AMQP_URI at a running broker.")


def _vhost(amqp_uri: str) -> str:
    """The vhost an AMQP URI names: its path without the first slash; ``/`` if none."""
    path = urlsplit(amqp_uri).path
    return unquote(path[1:]) if len(path) > 1 else "/"
