"""Configuration from the environment, turned into nameko config dicts.

Every setting has an embedded default, so `make run` works on a fresh machine:
SQLite files under ``KELISIM_DATA_DIR`` and the local RabbitMQ.
"""
import ipaddress
import math
import os
import re
from pathlib import Path
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit

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


class SettingRefused(ValueError):
    """A variable's value the platform refuses. The message names the variable, what it
    must be and what it was; the ``kelisim`` command prints it in one line and exits with 2
    (kelisim_platform/cli/main.py) instead of a traceback."""


def number(name: str, default: float, what: str, *, whole: bool = False,
           least: float = 0, above: bool = False, most: float = math.inf) -> Any:
    """The number variable ``name`` holds, ``default`` when it is unset or empty: an int
    when ``whole``, else a finite float; at least ``least`` (more than it when ``above``)
    and at most ``most``. SettingRefused otherwise, saying it ``must be {what}``."""
    text = env(name)
    if text is None:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and least <= value <= most) or (above and value == least):
        raise SettingRefused(f"{name} must be {what}, not {text!r}")
    return value


def seconds(name: str, default: float, *, zero: bool = False) -> float:
    """Seconds from variable ``name`` (``default`` when unset): more than 0, or at least 0
    when ``zero`` is allowed. SettingRefused otherwise."""
    what = "0 or a positive number of seconds" if zero else "a positive number of seconds"
    value: float = number(name, default, what, above=not zero)
    return value


def count(name: str, default: int, *, least: int = 1) -> int:
    """A whole number from variable ``name`` (``default`` when unset), at least ``least``.
    SettingRefused otherwise."""
    value: int = number(name, default, f"a whole number, at least {least}", whole=True,
                        least=least)
    return value


def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    """Variable ``name`` (``default`` when unset), one of ``allowed`` (lower case), read
    without surrounding spaces or case: the allowed value it names. SettingRefused
    otherwise."""
    value = env(name, default)
    chosen = value.strip().lower()
    if chosen not in allowed:
        raise SettingRefused(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return str(chosen)


def flag(name: str) -> bool:
    """Variable ``name`` as yes or no (unset: no): 1/true/yes/on or 0/false/no/off, in any
    case. SettingRefused otherwise (``TRUE`` once silently meant no)."""
    value = env(name, "0").strip().lower()
    if value not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise SettingRefused(f"{name} must be true or false, not {env(name)!r}")
    return value in ("1", "true", "yes", "on")


def networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (``10.0.0.0/8``, ``fd00::/8``) from
    variable ``name`` (unset: none), each as its network in normal form (``10.0.0.1`` is
    ``10.0.0.1/32``; an IPv4-mapped ``::ffff:10.0.0.0/104`` is ``10.0.0.0/8``).
    SettingRefused for an entry that is neither, a network with host bits set
    (``192.168.1.10/16``: a typo that would trust the whole /16) and ``/0`` (every
    address)."""
    entries = [entry.strip() for entry in env(name, "").split(",") if entry.strip()]
    found = []
    for entry in entries:
        try:
            network = ipaddress.ip_network(entry)
        except ValueError as exc:
            why = "has host bits set" if "host bits" in str(exc) else "is not one"
            raise SettingRefused(f"{name} must be IP addresses or networks separated by "
                                 f"commas (10.0.0.5, 10.0.0.0/8): {entry!r} {why}") from None
        if network.prefixlen == 0:
            raise SettingRefused(f"{name} must be the proxies' addresses or networks, not "
                                 f"{entry!r}, which trusts every address")
        mapped = getattr(network.network_address, "ipv4_mapped", None)
        if mapped is not None and network.prefixlen >= 96:
            network = ipaddress.ip_network(f"{mapped}/{network.prefixlen - 96}")
        found.append(str(network))
    return found


def _directory(variable: str, default: Any) -> Path:
    """The folder variable ``variable`` names (``default`` when unset), absolute, links
    resolved. SettingRefused when it cannot be resolved (a symbolic link loop)."""
    try:
        return Path(env(variable, default)).resolve()
    except (RuntimeError, OSError) as exc:  # Python < 3.13 raises RuntimeError on a loop
        raise SettingRefused(f"{variable} must be a folder, not {env(variable)!r} "
                             f"({exc})") from None


def data_dir() -> Path:
    """The folder of the SQLite files and the default attachments (KELISIM_DATA_DIR,
    ``var``)."""
    return _directory("KELISIM_DATA_DIR", "var")


def database_url(component: str) -> str:
    """The component's own database: KELISIM_<NAME>_DATABASE_URL, else a SQLite file."""
    url = env(f"KELISIM_{component.upper()}_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / (component + '.db')}"


def amqp_uri() -> str:
    """The RabbitMQ broker (KELISIM_AMQP_URI, ``amqp://guest:guest@localhost:5672/``).
    SettingRefused unless ``amqp://`` or ``amqps://`` with a host and, if any, a port
    1-65535; the message does not show the URI, which may hold a password."""
    uri: str = env("KELISIM_AMQP_URI", DEFAULT_AMQP_URI).strip()
    parts = urlsplit(uri)
    try:
        port = parts.port
    except ValueError:  # not a number, or beyond 65535
        port = 0
    if parts.scheme.lower() not in ("amqp", "amqps") or not parts.hostname or port == 0:
        raise SettingRefused("KELISIM_AMQP_URI must be amqp://user:password@host:port/vhost "
                             "or amqps://… (not shown: it may hold a password)")
    return uri


def metrics_port_variable(service: str) -> str:
    return f"KELISIM_{service.upper()}_METRICS_PORT"


def metrics_port(service: str) -> int:
    """The service's exporter port (KELISIM_<SERVICE>_METRICS_PORT). SettingRefused unless
    a port number, 1–65535."""
    port: int = number(metrics_port_variable(service), DEFAULT_METRICS_PORTS[service],
                       "a port number, 1-65535", whole=True, least=1, most=65535)
    return port


MAX_RETRY_DELAY = 315_360_000  # seconds: RabbitMQ's largest per-message TTL, 3650 days


def retry_delays() -> list[float]:
    """Seconds to wait before each redelivery of a failed event; then it is dead-lettered
    (KELISIM_EVENT_RETRY_DELAYS, ``1,5,30,120,600``). SettingRefused unless one or more
    numbers of seconds, each from 0 to 3650 days, separated by commas (only spaces once
    silently meant no retry at all)."""
    raw = env("KELISIM_EVENT_RETRY_DELAYS", "1,5,30,120,600")
    try:
        delays = [float(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        delays = [math.nan]
    if not delays or not all(0 <= delay <= MAX_RETRY_DELAY for delay in delays):
        raise SettingRefused("KELISIM_EVENT_RETRY_DELAYS must be numbers of seconds, at "
                             "least 0 and at most 315360000 (RabbitMQ's longest message "
                             f"TTL, 3650 days), separated by commas (1,5,30), not {raw!r}")
    return delays


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
        days[kind] = number(variable, default, "0 (keep for ever) or a whole number of days",
                            whole=True)
    return days


def retention_interval() -> float:
    """Seconds between runs of the retention job (KELISIM_RETENTION_INTERVAL, default 1 h)."""
    return seconds("KELISIM_RETENTION_INTERVAL", 3600)


DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024  # 20 MiB


def attachments_settings() -> dict[str, Any]:
    """Where the gateway keeps attachments, and how large one may be.

    ``{"max_bytes": int, "store": "file"|"s3", "directory": Path, "s3": {...}}``:
    ``KELISIM_ATTACHMENT_MAX_BYTES`` (default 20 MiB), ``KELISIM_ATTACHMENT_STORE``
    (``file``, the default: ``KELISIM_ATTACHMENT_DIR``, default ``<data dir>/attachments``;
    or ``s3``: ``KELISIM_S3_ENDPOINT_URL``, ``KELISIM_S3_BUCKET`` (default
    ``kelisim-attachments``), ``KELISIM_S3_ACCESS_KEY_ID``, ``KELISIM_S3_SECRET_ACCESS_KEY``,
    ``KELISIM_S3_REGION`` (default ``us-east-1``)). SettingRefused on a bad value; whether
    the store answers is checked at start (gateway/adapters/storage.py: ``store_problem``)."""
    max_bytes = number("KELISIM_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES,
                       "a positive whole number of bytes", whole=True, least=1)
    store = choice("KELISIM_ATTACHMENT_STORE", "file", ("file", "s3"))
    endpoint = (env("KELISIM_S3_ENDPOINT_URL") or "").strip() or None
    if store == "s3" and endpoint is not None:
        parts = urlsplit(endpoint)
        if "@" in parts.netloc:  # the keys have their own variables; never echoed
            raise SettingRefused("KELISIM_S3_ENDPOINT_URL must not hold credentials (not "
                                 "shown): put them in KELISIM_S3_ACCESS_KEY_ID and "
                                 "KELISIM_S3_SECRET_ACCESS_KEY")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingRefused("KELISIM_S3_ENDPOINT_URL must be http://host[:port] or "
                                 f"https://host[:port], not {endpoint!r}")
    return {
        "max_bytes": max_bytes, "store": store,
        "directory": _directory("KELISIM_ATTACHMENT_DIR", data_dir() / "attachments"),
        "s3": {"endpoint_url": endpoint,
               "bucket": env("KELISIM_S3_BUCKET", "kelisim-attachments"),
               "access_key_id": env("KELISIM_S3_ACCESS_KEY_ID"),
               "secret_access_key": env("KELISIM_S3_SECRET_ACCESS_KEY"),
               "region": env("KELISIM_S3_REGION", "us-east-1")},
    }


def optional_rpc_timeout() -> float:
    """Seconds the gateway waits for a part of a page the rest is shown without
    (gateway/web/pages.py: ``optional``): ``KELISIM_OPTIONAL_RPC_TIMEOUT``, default 2.
    SettingRefused unless a positive number."""
    return seconds("KELISIM_OPTIONAL_RPC_TIMEOUT", 2.0)


def nameko_config(component: str, **overrides: Any) -> dict[str, Any]:
    """The nameko config dict for one component (a service or the gateway).
    SettingRefused for a variable's value the component could not run with."""
    workers = count("KELISIM_MAX_WORKERS", 10)
    config: dict[str, Any] = {
        "AMQP_URI": amqp_uri(),
        "serializer": "json",
        "max_workers": workers,
        "parallelism": workers,
        "DATABASE_URL": database_url(component),
        "EVENT_RETRY_DELAYS": retry_delays(),
        "OUTBOX_POLL_INTERVAL": seconds("KELISIM_OUTBOX_POLL_INTERVAL", 1.0),
        "RPC_TIMEOUT": seconds("KELISIM_RPC_TIMEOUT", 10),
    }
    if component == "gateway":
        config["WEB_SERVER_ADDRESS"] = gateway_address()
        config["MAX_REQUEST_BYTES"] = count("KELISIM_MAX_REQUEST_BYTES", 1_048_576)
        config["OPTIONAL_RPC_TIMEOUT"] = optional_rpc_timeout()
        settings = attachments_settings()
        settings["directory"] = str(settings["directory"])
        config["ATTACHMENTS"] = settings
        config["READ_CACHE_SECONDS"] = seconds("KELISIM_GATEWAY_CACHE_SECONDS", 5, zero=True)
        config["SESSION_SECONDS"] = number("KELISIM_SESSION_HOURS", 12, "a positive number of hours",
                                           above=True) * 3600
        config["PUBLIC_URL"] = env("KELISIM_PUBLIC_URL")
        config["TRUSTED_PROXIES"] = networks("KELISIM_TRUSTED_PROXIES")
        config["COOKIE_SECURE"] = flag("KELISIM_COOKIE_SECURE")
        config["CORS_ORIGINS"] = env("KELISIM_CORS_ORIGINS", "")
        config["OIDC"] = {
            "issuer": env("KELISIM_OIDC_ISSUER"), "client_id": env("KELISIM_OIDC_CLIENT_ID"),
            "client_secret": env("KELISIM_OIDC_CLIENT_SECRET"),
            "redirect_uri": env("KELISIM_OIDC_REDIRECT_URI"),
            "scope": env("KELISIM_OIDC_SCOPE"), "claim": env("KELISIM_OIDC_CLAIM")}
        config["SIGN_IN_THROTTLE"] = {
            "slow_after": count("KELISIM_SIGN_IN_SLOW_AFTER", 3),
            "lock_after": count("KELISIM_SIGN_IN_LOCK_AFTER", 10),
            "lock_seconds": number("KELISIM_SIGN_IN_LOCK_MINUTES", 15,
                                   "a positive number of minutes", above=True) * 60}
    config.update(overrides)
    return config


def check() -> None:
    """Read every platform-wide setting once: each component's nameko config, the
    exporters' ports, the jobs' intervals, the pools, the queue type and logging, so that a
    refused value stops ``kelisim run`` or ``serve`` before it connects anywhere.
    SettingRefused for the first refused value; a component's own settings are its
    bootstrap's ``settings_problem`` (kelisim_platform/cli/components.py)."""
    for component in COMPONENTS:
        nameko_config(component)
        _database_url_check(component)
    for service in SERVICES:
        metrics_port(service)
    retention_days(), retention_interval(), db_pool(), directory_ttl()
    gauge_interval(1.0), reports_job_interval(1.0), overdue_scan_seconds()
    stop_grace_seconds(), queue_type(), log_level(), log_format()
    from kelisim.retention import check_bounds  # (it reads this module)

    check_bounds()


def _database_url_check(component: str) -> None:
    """SettingRefused when KELISIM_<COMPONENT>_DATABASE_URL is set to what SQLAlchemy
    cannot open: not a URL, or a dialect or driver not installed. The message names the
    variable and the dialect only: the URL may hold a password."""
    variable = f"KELISIM_{component.upper()}_DATABASE_URL"
    if not env(variable):
        return
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(database_url(component))
    except ArgumentError:
        raise SettingRefused(f"{variable} must be a database URL such as "
                             "postgresql://user@host/name (not shown: it may hold a "
                             "password)") from None
    try:
        url.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise SettingRefused(f"{variable}: no installed database driver for "
                             f"{url.drivername!r} (postgresql or sqlite)") from None


# The other settings read from the environment, each once (the variables are in README.md,
# "Configuration").
DEFAULT_ADMIN_LOGIN = "admin@localhost"


def metrics_host() -> str:
    """Where the services' exporters listen (KELISIM_METRICS_HOST, 127.0.0.1)."""
    return env("KELISIM_METRICS_HOST", "127.0.0.1")


def gateway_address() -> str:
    """``host:port`` of the gateway (KELISIM_GATEWAY_ADDRESS, 127.0.0.1:8000; a bare port
    listens on every interface). SettingRefused unless ``[host:]port`` as nameko's web
    server reads it, the port 1–65535."""
    address = env("KELISIM_GATEWAY_ADDRESS", DEFAULT_GATEWAY_ADDRESS)
    matched = re.fullmatch(r"(?:[^:]+:)?(\d+)", address)
    if not (matched and 1 <= int(matched.group(1)) <= 65535):
        raise SettingRefused("KELISIM_GATEWAY_ADDRESS must be [host:]port, e.g. "
                             f"127.0.0.1:8000, not {address!r}")
    return address


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
    return choice("KELISIM_QUEUE_TYPE", "classic", ("classic", "quorum"))


def gauge_interval(default: float) -> float:
    """Seconds between background gauge refreshes (KELISIM_GAUGE_INTERVAL)."""
    return seconds("KELISIM_GAUGE_INTERVAL", default)


def db_pool() -> tuple[int, int]:
    """(pool size, max overflow) of each database engine, PostgreSQL or a SQLite file
    (KELISIM_DB_POOL_SIZE, KELISIM_DB_MAX_OVERFLOW, 10 each)."""
    return count("KELISIM_DB_POOL_SIZE", 10), count("KELISIM_DB_MAX_OVERFLOW", 10, least=0)


def directory_ttl() -> float:
    """Seconds a service keeps what the registry answered when no registry event makes it
    forget sooner: notifications' recipients, projects' assignees (KELISIM_DIRECTORY_TTL,
    300)."""
    return seconds("KELISIM_DIRECTORY_TTL", 300, zero=True)


def overdue_scan_seconds() -> float:
    """Seconds between the projects' overdue scans (KELISIM_OVERDUE_SCAN_SECONDS, 900)."""
    return seconds("KELISIM_OVERDUE_SCAN_SECONDS", 900)


def reports_job_interval(default: float) -> float:
    """Seconds between runs of the reports' collection job (KELISIM_REPORTS_JOB_INTERVAL)."""
    return seconds("KELISIM_REPORTS_JOB_INTERVAL", default)


def stop_grace_seconds() -> float:
    """Seconds a SIGTERM waits for the work in flight before the component stops anyway
    (KELISIM_STOP_GRACE_SECONDS, 40: under the 45 s of compose and the 60 s of the
    Kubernetes manifests, so the process ends on its own and says what it waited for)."""
    return seconds("KELISIM_STOP_GRACE_SECONDS", 40, zero=True)


def log_level() -> str:
    """KELISIM_LOG_LEVEL (INFO)."""
    return choice("KELISIM_LOG_LEVEL", "INFO",
                  ("debug", "info", "warning", "warn", "error", "critical", "fatal",
                   "notset")).upper()


def log_format() -> str:
    """KELISIM_LOG_FORMAT: ``json`` lines (the default) or ``console``."""
    return choice("KELISIM_LOG_FORMAT", "json", ("json", "console"))
