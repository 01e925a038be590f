"""Configuration from the environment, turned into nameko config dicts.

Every setting has an embedded default, so `make run` works on a fresh machine:
SQLite files under ``KELISIM_DATA_DIR`` and the local RabbitMQ.
"""
import math
import os
from pathlib import Path
from typing import Any, TypeVar, overload

T = TypeVar("T")

SERVICES = ("registry", "projects", "reports", "notifications")
COMPONENTS = SERVICES + ("gateway",)
DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"
DEFAULT_GATEWAY_ADDRESS = "127.0.0.1:8000"
# Prometheus exporter port of each service process (the gateway serves /metrics itself).
DEFAULT_METRICS_PORTS = {"registry": 9101, "projects": 9102, "reports": 9103, "notifications": 9104}


@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: T) -> str | T: ...
def env(name: str, default: Any = None) -> Any:
    """The variable's value; ``default`` when it is unset or empty."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def data_dir() -> Path:
    return Path(env("KELISIM_DATA_DIR", "var")).resolve()


def database_url(component: str) -> str:
    """The component's own database: KELISIM_<NAME>_DATABASE_URL, else a SQLite file."""
    url = env(f"KELISIM_{component.upper()}_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / (component + '.db')}"


def amqp_uri() -> str:
    return env("KELISIM_AMQP_URI", DEFAULT_AMQP_URI)


def metrics_port_variable(service: str) -> str:
    return f"KELISIM_{service.upper()}_METRICS_PORT"


def metrics_port(service: str) -> int:
    return int(env(metrics_port_variable(service), DEFAULT_METRICS_PORTS[service]))


def retry_delays() -> list[float]:
    """Seconds to wait before each redelivery of a failed event; then it is dead-lettered."""
    raw = env("KELISIM_EVENT_RETRY_DELAYS", "1,5,30,120,600")
    return [float(part) for part in raw.split(",") if part.strip()]


# Retention (kelisim/retention.py): days each kind of row is kept; 0 keeps it for ever.
RETENTION_DEFAULTS = {
    "outbox": ("KELISIM_RETENTION_OUTBOX_DAYS", 7),
    "processed": ("KELISIM_RETENTION_PROCESSED_DAYS", 30),
    "delivery_attempts": ("KELISIM_RETENTION_DELIVERY_ATTEMPTS_DAYS", 90),
    "archived_inbox": ("KELISIM_RETENTION_ARCHIVED_INBOX_DAYS", 365),
}


def retention_days() -> dict[str, int]:
    """{kind: days} from KELISIM_RETENTION_*_DAYS (whole days, >= 0; 0 = never pruned)."""
    days = {}
    for kind, (variable, default) in RETENTION_DEFAULTS.items():
        value = int(env(variable, default))
        if value < 0:
            raise ValueError(f"{variable} must be 0 (keep for ever) or a number of days")
        days[kind] = value
    return days


def retention_interval() -> float:
    """Seconds between runs of the retention job (KELISIM_RETENTION_INTERVAL, default 1 h)."""
    return float(env("KELISIM_RETENTION_INTERVAL", 3600))


DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024  # 20 MiB


def attachments_settings() -> dict[str, Any]:
    """Where the gateway keeps attachments, and how large one may be.

    ``{"max_bytes": int, "store": "file"|"s3", "directory": Path, "s3": {...}}``:
    ``KELISIM_ATTACHMENT_MAX_BYTES`` (default 20 MiB), ``KELISIM_ATTACHMENT_STORE``
    (``file``, the default: ``KELISIM_ATTACHMENT_DIR``, default ``<data dir>/attachments``;
    or ``s3``: ``KELISIM_S3_ENDPOINT_URL``, ``KELISIM_S3_BUCKET`` (default
    ``kelisim-attachments``), ``KELISIM_S3_ACCESS_KEY_ID``, ``KELISIM_S3_SECRET_ACCESS_KEY``,
    ``KELISIM_S3_REGION`` (default ``us-east-1``)). ValueError on a bad value."""
    max_bytes = int(env("KELISIM_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))
    if max_bytes < 1:
        raise ValueError("KELISIM_ATTACHMENT_MAX_BYTES must be a positive number of bytes")
    store = env("KELISIM_ATTACHMENT_STORE", "file")
    if store not in ("file", "s3"):
        raise ValueError("KELISIM_ATTACHMENT_STORE must be file or s3")
    return {
        "max_bytes": max_bytes, "store": store,
        "directory": Path(env("KELISIM_ATTACHMENT_DIR", data_dir() / "attachments")).resolve(),
        "s3": {"endpoint_url": env("KELISIM_S3_ENDPOINT_URL"),
               "bucket": env("KELISIM_S3_BUCKET", "kelisim-attachments"),
               "access_key_id": env("KELISIM_S3_ACCESS_KEY_ID"),
               "secret_access_key": env("KELISIM_S3_SECRET_ACCESS_KEY"),
               "region": env("KELISIM_S3_REGION", "us-east-1")},
    }


def optional_rpc_timeout() -> float:
    """Seconds the gateway waits for a part of a page the rest is shown without
    (gateway/web/pages.py: ``optional``): ``KELISIM_OPTIONAL_RPC_TIMEOUT``, default 2.
    ValueError unless a positive number."""
    text = env("KELISIM_OPTIONAL_RPC_TIMEOUT", "2")
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError("KELISIM_OPTIONAL_RPC_TIMEOUT must be a positive number of seconds, "
                         f"not {text!r}")
    return seconds


def nameko_config(component: str, **overrides: Any) -> dict[str, Any]:
    """The nameko config dict for one component (a service or the gateway)."""
    config: dict[str, Any] = {
        "AMQP_URI": amqp_uri(),
        "serializer": "json",
        "max_workers": int(env("KELISIM_MAX_WORKERS", 10)),
        "parallelism": int(env("KELISIM_MAX_WORKERS", 10)),
        "DATABASE_URL": database_url(component),
        "EVENT_RETRY_DELAYS": retry_delays(),
        "OUTBOX_POLL_INTERVAL": float(env("KELISIM_OUTBOX_POLL_INTERVAL", 1.0)),
        "RPC_TIMEOUT": float(env("KELISIM_RPC_TIMEOUT", 10)),
    }
    if component == "gateway":
        config["WEB_SERVER_ADDRESS"] = env("KELISIM_GATEWAY_ADDRESS", DEFAULT_GATEWAY_ADDRESS)
        config["MAX_REQUEST_BYTES"] = int(env("KELISIM_MAX_REQUEST_BYTES", 1_048_576))
        config["OPTIONAL_RPC_TIMEOUT"] = optional_rpc_timeout()
        settings = attachments_settings()
        settings["directory"] = str(settings["directory"])
        config["ATTACHMENTS"] = settings
        config["READ_CACHE_SECONDS"] = float(env("KELISIM_GATEWAY_CACHE_SECONDS", 5))
        config["SESSION_SECONDS"] = float(env("KELISIM_SESSION_HOURS", 12)) * 3600
        config["PUBLIC_URL"] = env("KELISIM_PUBLIC_URL")
        proxies = env("KELISIM_TRUSTED_PROXIES", "").split(",")
        config["TRUSTED_PROXIES"] = [a.strip() for a in proxies if a.strip()]
        config["COOKIE_SECURE"] = env("KELISIM_COOKIE_SECURE", "") in ("1", "true", "yes")
        config["CORS_ORIGINS"] = env("KELISIM_CORS_ORIGINS", "")
        config["OIDC"] = {
            "issuer": env("KELISIM_OIDC_ISSUER"), "client_id": env("KELISIM_OIDC_CLIENT_ID"),
            "client_secret": env("KELISIM_OIDC_CLIENT_SECRET"),
            "redirect_uri": env("KELISIM_OIDC_REDIRECT_URI"),
            "scope": env("KELISIM_OIDC_SCOPE"), "claim": env("KELISIM_OIDC_CLAIM")}
        config["SIGN_IN_THROTTLE"] = {
            "slow_after": int(env("KELISIM_SIGN_IN_SLOW_AFTER", 3)),
            "lock_after": int(env("KELISIM_SIGN_IN_LOCK_AFTER", 10)),
            "lock_seconds": float(env("KELISIM_SIGN_IN_LOCK_MINUTES", 15)) * 60}
    config.update(overrides)
    return config


# The other settings read from the environment, each once (the variables are in README.md,
# "Configuration").
DEFAULT_ADMIN_LOGIN = "admin@localhost"


def metrics_host() -> str:
    """Where the services' exporters listen (KELISIM_METRICS_HOST, 127.0.0.1)."""
    return env("KELISIM_METRICS_HOST", "127.0.0.1")


def gateway_address() -> str:
    """``host:port`` of the gateway (KELISIM_GATEWAY_ADDRESS, 127.0.0.1:8000)."""
    return env("KELISIM_GATEWAY_ADDRESS", DEFAULT_GATEWAY_ADDRESS)


def public_url() -> str:
    """The gateway's address as people reach it (KELISIM_PUBLIC_URL, else http://the
    gateway address)."""
    return env("KELISIM_PUBLIC_URL") or "http://" + gateway_address()


def admin_token() -> str | None:
    """The bootstrap administrator token to use (KELISIM_ADMIN_TOKEN), else None: made once."""
    return env("KELISIM_ADMIN_TOKEN")


def admin_account() -> tuple[str, str]:
    """(login, name) of the first administrator (KELISIM_ADMIN_LOGIN, KELISIM_ADMIN_NAME)."""
    return env("KELISIM_ADMIN_LOGIN", DEFAULT_ADMIN_LOGIN), env("KELISIM_ADMIN_NAME", "Әкімші")


def queue_type() -> str:
    """``classic`` or ``quorum`` (KELISIM_QUEUE_TYPE, classic): see kelisim/events/topology.py."""
    return env("KELISIM_QUEUE_TYPE", "classic")


def gauge_interval(default: float) -> float:
    """Seconds between background gauge refreshes (KELISIM_GAUGE_INTERVAL)."""
    return float(env("KELISIM_GAUGE_INTERVAL", default))


def db_pool() -> tuple[int, int]:
    """(pool size, max overflow) of each database engine, PostgreSQL or a SQLite file
    (KELISIM_DB_POOL_SIZE, KELISIM_DB_MAX_OVERFLOW, 10 each)."""
    return int(env("KELISIM_DB_POOL_SIZE", 10)), int(env("KELISIM_DB_MAX_OVERFLOW", 10))


def directory_ttl() -> float:
    """Seconds a service keeps what the registry answered when no registry event makes it
    forget sooner: notifications' recipients, projects' assignees (KELISIM_DIRECTORY_TTL,
    300)."""
    return float(env("KELISIM_DIRECTORY_TTL", 300))


def overdue_scan_seconds() -> float:
    """Seconds between the projects' overdue scans (KELISIM_OVERDUE_SCAN_SECONDS, 900)."""
    return float(env("KELISIM_OVERDUE_SCAN_SECONDS", 900))


def reports_job_interval(default: float) -> float:
    """Seconds between runs of the reports' collection job (KELISIM_REPORTS_JOB_INTERVAL)."""
    return float(env("KELISIM_REPORTS_JOB_INTERVAL", default))


def stop_grace_seconds() -> float:
    """Seconds a SIGTERM waits for the work in flight before the component stops anyway
    (KELISIM_STOP_GRACE_SECONDS, 40: under the 45 s of compose and the 60 s of the
    Kubernetes manifests, so the process ends on its own and says what it waited for)."""
    return float(env("KELISIM_STOP_GRACE_SECONDS", 40))


def log_level() -> str:
    """KELISIM_LOG_LEVEL (INFO)."""
    return env("KELISIM_LOG_LEVEL", "INFO")


def log_format() -> str:
    """KELISIM_LOG_FORMAT: ``json`` lines (the default) or ``console``."""
    return env("KELISIM_LOG_FORMAT", "json")
