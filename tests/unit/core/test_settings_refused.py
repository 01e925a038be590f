"""A variable's value the platform could not run with is refused by name, in one line
(``kelisim.config.SettingRefused``), instead of a traceback from ``int()`` or ``float()``
deep in a start, or a value taken silently (an unknown SMTP security sent mail in plain
text; a zero or negative interval, a NaN)."""
import pytest

from kelisim import config
from kelisim.config import SettingRefused
from services.notifications.bootstrap import settings_problem

REFUSED = [
    ("KELISIM_RPC_TIMEOUT", "10s", "a positive number of seconds"),
    ("KELISIM_RPC_TIMEOUT", "0", "a positive number of seconds"),
    ("KELISIM_OUTBOX_POLL_INTERVAL", "-1", "a positive number of seconds"),
    ("KELISIM_OPTIONAL_RPC_TIMEOUT", "inf", "a positive number of seconds"),
    ("KELISIM_GATEWAY_CACHE_SECONDS", "nan", "0 or a positive number of seconds"),
    ("KELISIM_MAX_WORKERS", "0", "a whole number, at least 1"),
    ("KELISIM_MAX_WORKERS", "2.5", "a whole number, at least 1"),
    ("KELISIM_MAX_REQUEST_BYTES", "1MB", "a whole number, at least 1"),
    ("KELISIM_SESSION_HOURS", "0", "a positive number of hours"),
    ("KELISIM_SIGN_IN_LOCK_AFTER", "ten", "a whole number, at least 1"),
    ("KELISIM_SIGN_IN_LOCK_MINUTES", "-5", "a positive number of minutes"),
    ("KELISIM_ATTACHMENT_MAX_BYTES", "0", "a positive whole number of bytes"),
    ("KELISIM_ATTACHMENT_STORE", "ftp", "one of file, s3"),
    ("KELISIM_REGISTRY_METRICS_PORT", "70000", "a port number, 1-65535"),
    ("KELISIM_EVENT_RETRY_DELAYS", "1,5s,30", "numbers of seconds, at least 0"),
    ("KELISIM_EVENT_RETRY_DELAYS", "1,-5", "numbers of seconds, at least 0"),
    ("KELISIM_RETENTION_PROCESSED_DAYS", "-1", "0 (keep for ever) or a whole number"),
    ("KELISIM_RETENTION_INTERVAL", "hourly", "a positive number of seconds"),
    ("KELISIM_DB_POOL_SIZE", "ten", "a whole number, at least 1"),
    ("KELISIM_DB_MAX_OVERFLOW", "-1", "a whole number, at least 0"),
    ("KELISIM_DIRECTORY_TTL", "5m", "0 or a positive number of seconds"),
    ("KELISIM_OVERDUE_SCAN_SECONDS", "0", "a positive number of seconds"),
    ("KELISIM_STOP_GRACE_SECONDS", "-1", "0 or a positive number of seconds"),
    ("KELISIM_GAUGE_INTERVAL", "0", "a positive number of seconds"),
    ("KELISIM_REPORTS_JOB_INTERVAL", "x", "a positive number of seconds"),
    ("KELISIM_QUEUE_TYPE", "stream", "one of classic, quorum"),
    ("KELISIM_LOG_LEVEL", "loud", "one of debug, info"),
    ("KELISIM_LOG_FORMAT", "xml", "one of json, console"),
    ("KELISIM_COOKIE_SECURE", "always", "true or false"),
    ("KELISIM_TRUSTED_PROXIES", "10.0.0.0/40", "IP addresses or networks separated"),
    ("KELISIM_TRUSTED_PROXIES", "proxy.local", "IP addresses or networks"),
    ("KELISIM_TRUSTED_PROXIES", "192.168.1.10/16", "IP addresses or networks"),
    ("KELISIM_TRUSTED_PROXIES", "0.0.0.0/0", "the proxies' addresses or networks"),
    ("KELISIM_TRUSTED_PROXIES", "::/0", "the proxies' addresses or networks"),
    ("KELISIM_EVENT_RETRY_DELAYS", "1,4e8", "numbers of seconds, at least 0"),
    ("KELISIM_EVENT_RETRY_DELAYS", "1,inf", "numbers of seconds, at least 0"),
    ("KELISIM_EVENT_RETRY_DELAYS", " ", "numbers of seconds, at least 0"),
    ("KELISIM_EVENT_RETRY_DELAYS", ",", "numbers of seconds, at least 0"),
    ("KELISIM_GATEWAY_ADDRESS", "localhost", "[host:]port"),
    ("KELISIM_GATEWAY_ADDRESS", "127.0.0.1:80000", "[host:]port"),
]


@pytest.mark.parametrize("variable,value,what", REFUSED,
                         ids=[f"{v}={x}" for v, x, _ in REFUSED])
def test_a_value_the_platform_cannot_run_with_is_refused_by_name(monkeypatch, variable,
                                                                 value, what):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingRefused) as refused:
        config.check()
    message = str(refused.value)
    assert message.startswith(f"{variable} must be {what}") and repr(value) in message
    assert "\n" not in message


@pytest.mark.parametrize("uri", [
    "localhost:5672", "http://guest:guest@localhost:5672/", "amqp://guest:secret@:5672/",
    "amqp://guest:secret@localhost:99999/", "amqp://guest:secret@localhost:port/"])
def test_a_malformed_broker_uri_is_refused_without_showing_it(monkeypatch, uri):
    """Before: ``kelisim serve`` passed it to kombu, and a traceback came from deep in
    nameko's start (``kelisim run`` said the broker was not reachable)."""
    monkeypatch.setenv("KELISIM_AMQP_URI", uri)
    with pytest.raises(SettingRefused) as refused:
        config.check()
    assert str(refused.value) == (
        "KELISIM_AMQP_URI must be amqp://user:password@host:port/vhost or amqps://… "
        "(not shown: it may hold a password)")
    assert "secret" not in str(refused.value)


def test_the_defaults_and_the_edges_allowed_pass(monkeypatch):
    config.check()  # every default
    for variable, value in [("KELISIM_GATEWAY_CACHE_SECONDS", "0"),
                            ("KELISIM_DIRECTORY_TTL", "0"), ("KELISIM_STOP_GRACE_SECONDS", "0"),
                            ("KELISIM_DB_MAX_OVERFLOW", "0"), ("KELISIM_EVENT_RETRY_DELAYS", ""),
                            ("KELISIM_RETENTION_OUTBOX_DAYS", "0"),
                            ("KELISIM_REGISTRY_METRICS_PORT", "65535"),
                            ("KELISIM_LOG_LEVEL", "warning"), ("KELISIM_QUEUE_TYPE", "Quorum"),
                            ("KELISIM_RPC_TIMEOUT", "0.25"),
                            ("KELISIM_AMQP_URI", "amqps://u:p@[::1]/kelisim"),
                            ("KELISIM_GATEWAY_ADDRESS", "8001"),
                            ("KELISIM_SMTP_SECURITY", " STARTTLS "),
                            ("KELISIM_COOKIE_SECURE", "TRUE"),
                            ("KELISIM_TRUSTED_PROXIES",
                             "10.0.0.1, ::1, 10.0.0.0/8, fd00::/8, ::ffff:172.16.0.0/108"),
                            ("KELISIM_S3_ENDPOINT_URL", "http://127.0.0.1:9000\n")]:
        monkeypatch.setenv(variable, value)
    config.check()
    assert config.nameko_config("projects")["RPC_TIMEOUT"] == 0.25
    assert config.queue_type() == "quorum" and config.log_level() == "WARNING"
    gateway = config.nameko_config("gateway")
    assert gateway["COOKIE_SECURE"] is True  # "TRUE" once meant no
    assert gateway["TRUSTED_PROXIES"] == [  # an IPv4-mapped network as the IPv4 one
        "10.0.0.1/32", "::1/128", "10.0.0.0/8", "fd00::/8", "172.16.0.0/12"]
    monkeypatch.setenv("KELISIM_ATTACHMENT_STORE", "s3")  # a Secret's trailing newline
    assert config.attachments_settings()["s3"]["endpoint_url"] == "http://127.0.0.1:9000"
    monkeypatch.setenv("KELISIM_LOG_LEVEL", " warn ")  # Python's own alias, and spaces
    assert config.log_level() == "WARN"
    assert config.nameko_config("projects")["EVENT_RETRY_DELAYS"] == [1, 5, 30, 120, 600]


NOTIFICATIONS_REFUSED = [
    ({"KELISIM_SMTP_SECURITY": "ssl"}, "KELISIM_SMTP_SECURITY must be one of starttls"),
    ({"KELISIM_SMTP_PORT": "smtp"}, "KELISIM_SMTP_PORT must be a port number"),
    ({"KELISIM_SMTP_TIMEOUT": "0"}, "KELISIM_SMTP_TIMEOUT must be a positive number"),
    ({"KELISIM_WEBHOOK_TIMEOUT": "10s"}, "KELISIM_WEBHOOK_TIMEOUT must be a positive"),
    ({"KELISIM_WEBHOOK_RETRY_HOURS": "-1"}, "KELISIM_WEBHOOK_RETRY_HOURS must be a positive"),
    ({"KELISIM_WEBHOOK_PER_REGION": "-2"}, "KELISIM_WEBHOOK_PER_REGION must be a whole"),
    ({"KELISIM_DIGEST_DAILY_AT": "9am"}, "KELISIM_DIGEST_DAILY_AT must be a time of day"),
    ({"KELISIM_DIGEST_DAILY_AT": "09:00+05:00"},  # the offset was dropped silently
     "KELISIM_DIGEST_DAILY_AT must be a time of day in Asia/Almaty"),
    ({"KELISIM_EMAIL_BATCH_SECONDS": "-1"}, "KELISIM_EMAIL_BATCH_SECONDS must be 0 or"),
    ({"KELISIM_WEBHOOK_ALLOWED_NETWORKS": "10.0.0.0/40"},
     "KELISIM_WEBHOOK_ALLOWED_NETWORKS or _HOSTS: not a network: '10.0.0.0/40'"),
]


@pytest.mark.parametrize("variables,start", NOTIFICATIONS_REFUSED,
                         ids=[next(iter(v)) for v, _ in NOTIFICATIONS_REFUSED])
def test_notifications_names_its_own_refused_setting(monkeypatch, variables, start):
    monkeypatch.setenv("KELISIM_SMTP_HOST", "smtp.example.kz")
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    problem = settings_problem({})
    assert problem is not None and problem.startswith(start), problem


def test_notifications_takes_its_defaults(monkeypatch):
    monkeypatch.setenv("KELISIM_SMTP_HOST", "smtp.example.kz")
    monkeypatch.setenv("KELISIM_SMTP_SECURITY", "TLS")
    assert settings_problem({}) is None
    assert settings_problem({"NOTIFICATIONS": {"no_such": 1}}) == (
        "unknown notifications settings: no_such")


def test_retention_shorter_than_the_retries_is_refused_before_start(monkeypatch):
    """Before: a traceback from the retention timer's setup in a started service."""
    monkeypatch.setenv("KELISIM_RETENTION_PROCESSED_DAYS", "1")
    monkeypatch.setenv("KELISIM_EVENT_RETRY_DELAYS", "100000")
    with pytest.raises(SettingRefused, match="KELISIM_RETENTION_PROCESSED_DAYS=1 is shorter"):
        config.check()


@pytest.mark.parametrize("url,start", [
    ("notaurl", "KELISIM_REGISTRY_DATABASE_URL must be a database URL"),
    ("postgres://kelisim:S3cret@db/registry",
     "KELISIM_REGISTRY_DATABASE_URL: no installed database driver for 'postgres'"),
    ("mysql://kelisim:S3cret@db/registry",
     "KELISIM_REGISTRY_DATABASE_URL: no installed database driver for 'mysql'"),
])
def test_a_database_url_that_cannot_be_opened_is_refused_without_its_password(
        monkeypatch, url, start):
    """Before: SQLAlchemy's traceback at the first connection."""
    monkeypatch.setenv("KELISIM_REGISTRY_DATABASE_URL", url)
    with pytest.raises(SettingRefused) as refused:
        config.check()
    assert str(refused.value).startswith(start) and "S3cret" not in str(refused.value)


@pytest.mark.parametrize("endpoint", ["minio:9000", "ftp://minio:9000", "http://"])
def test_a_malformed_s3_endpoint_is_refused_by_name(monkeypatch, endpoint):
    """Before: ``ValueError: Invalid endpoint`` from boto3 in the gateway's start."""
    monkeypatch.setenv("KELISIM_ATTACHMENT_STORE", "s3")
    monkeypatch.setenv("KELISIM_S3_ENDPOINT_URL", endpoint)
    with pytest.raises(SettingRefused) as refused:
        config.check()
    assert str(refused.value) == ("KELISIM_S3_ENDPOINT_URL must be http://host[:port] or "
                                  f"https://host[:port], not {endpoint!r}")


def test_an_s3_endpoint_holding_credentials_is_refused_without_showing_them(monkeypatch):
    monkeypatch.setenv("KELISIM_ATTACHMENT_STORE", "s3")
    monkeypatch.setenv("KELISIM_S3_ENDPOINT_URL", "http://minio:s3cr3t@127.0.0.1:9000")
    with pytest.raises(SettingRefused) as refused:
        config.check()
    assert str(refused.value).startswith("KELISIM_S3_ENDPOINT_URL must not hold credentials")
    assert "s3cr3t" not in str(refused.value)


def test_a_folder_in_a_symbolic_link_loop_is_refused_by_name(monkeypatch, tmp_path):
    """Before: ``RuntimeError: Symlink loop`` from ``Path.resolve`` at start."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    monkeypatch.setenv("KELISIM_ATTACHMENT_DIR", str(tmp_path / "a" / "x"))
    with pytest.raises(SettingRefused) as refused:
        config.check()
    assert str(refused.value).startswith(
        f"KELISIM_ATTACHMENT_DIR must be a folder, not '{tmp_path / 'a' / 'x'}'")
