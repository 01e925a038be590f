"""Settings of the notifications service: environment variables, overridable per container.

A nameko config may carry a ``NOTIFICATIONS`` dict (tests do) whose keys win over the
environment: ``smtp`` (a dict like :class:`SmtpSettings`, or None to turn e-mail off),
``email_retry`` / ``webhook_retry`` (dicts like
:class:`~services.notifications.domain.backoff.RetryPolicy`), ``webhook_destinations``
(a dict ``{"networks": [...], "hosts": [...]}`` widening the public-only rule of
:class:`~services.notifications.domain.destinations.DestinationPolicy`), and the scalar
fields below.
"""
from dataclasses import dataclass, field, fields, replace
from datetime import time

from kelisim.config import SettingRefused, choice, count, directory_ttl, env, number, seconds
from services.notifications.domain.backoff import RetryPolicy
from services.notifications.domain.destinations import DestinationPolicy


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"     # starttls, tls (implicit, port 465) or none
    username: str = None
    password: str = None
    sender: str = "kelisim@localhost"
    timeout: float = 10.0          # seconds for each read
    ca_file: str = None            # trust this CA (a private one) instead of the system's
    deadline: float = 60.0         # seconds for a whole send (connect to the final reply)


@dataclass(frozen=True)
class Settings:
    smtp: SmtpSettings = None
    email_retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(window=6 * 3600))
    webhook_retry: RetryPolicy = field(default_factory=RetryPolicy)
    webhook_timeout: float = 10.0          # seconds for a whole webhook call
    webhook_destinations: DestinationPolicy = field(default_factory=DestinationPolicy)
    webhook_max_response_bytes: int = 65536  # read at most this much of an answer
    webhook_per_destination: int = 2       # sends in flight to one host:port, per process
    webhook_max_per_org_unit: int = 20    # webhooks one org unit may register
    webhook_per_region: int = None         # sends in flight to one region's webhooks, per
                                           # process (None: half of ``concurrency``)
    webhook_ca_file: str = None            # trust this CA bundle for https receivers
    report_escalation_stage: int = 2
    digest_daily_at: time = time(9, 0)
    directory_ttl: float = 300.0
    dispatch_interval: float = 1.0
    concurrency: int = 10
    email_batch_seconds: float = 20.0  # how long an e-mail waits for the rest of its action

    @property
    def email_enabled(self):
        return self.smtp is not None


def smtp_from_env():
    host = env("KELISIM_SMTP_HOST")
    if not host:
        return None
    security = choice("KELISIM_SMTP_SECURITY", "starttls", ("starttls", "tls", "none"))
    default_port = {"tls": 465, "none": 25}.get(security, 587)
    return SmtpSettings(
        host=host, security=security,
        port=number("KELISIM_SMTP_PORT", default_port, "a port number, 1-65535", whole=True,
                    least=1, most=65535),
        username=env("KELISIM_SMTP_USERNAME"), password=env("KELISIM_SMTP_PASSWORD"),
        sender=env("KELISIM_SMTP_FROM", "kelisim@localhost"),
        timeout=seconds("KELISIM_SMTP_TIMEOUT", 10), ca_file=env("KELISIM_SMTP_CA_FILE"),
        deadline=seconds("KELISIM_SMTP_DEADLINE", 60))


def from_env():
    """The settings the environment gives. SettingRefused for a value the service could
    not run with (the message names its variable)."""
    hours = number("KELISIM_WEBHOOK_RETRY_HOURS", 24, "a positive number of hours",
                   above=True)
    at = env("KELISIM_DIGEST_DAILY_AT", "09:00")
    try:
        daily_at = time.fromisoformat(at)
        if daily_at.tzinfo is not None:  # it is always Asia/Almaty: an offset was dropped
            raise ValueError(at)
    except ValueError:
        raise SettingRefused("KELISIM_DIGEST_DAILY_AT must be a time of day in Asia/Almaty, HH:MM, "
                             f"not {at!r}") from None
    return Settings(
        smtp=smtp_from_env(),
        webhook_retry=RetryPolicy(window=hours * 3600),
        webhook_timeout=seconds("KELISIM_WEBHOOK_TIMEOUT", 10),
        webhook_destinations=_destinations(),
        webhook_max_response_bytes=count("KELISIM_WEBHOOK_MAX_RESPONSE_BYTES", 65536),
        webhook_per_destination=count("KELISIM_WEBHOOK_PER_DESTINATION", 2),
        webhook_per_region=count("KELISIM_WEBHOOK_PER_REGION", 0, least=0) or None,
        webhook_max_per_org_unit=count("KELISIM_WEBHOOK_MAX_PER_ORG_UNIT", 20),
        webhook_ca_file=env("KELISIM_WEBHOOK_CA_FILE"),
        report_escalation_stage=count("KELISIM_REPORT_ESCALATION_STAGE", 2),
        digest_daily_at=daily_at,
        directory_ttl=directory_ttl(),
        email_batch_seconds=seconds("KELISIM_EMAIL_BATCH_SECONDS", 20, zero=True),
    )


def _destinations():
    """KELISIM_WEBHOOK_ALLOWED_NETWORKS and _HOSTS; SettingRefused naming them."""
    try:
        return DestinationPolicy.parse(env("KELISIM_WEBHOOK_ALLOWED_NETWORKS", ""),
                                       env("KELISIM_WEBHOOK_ALLOWED_HOSTS", ""))
    except ValueError as exc:
        raise SettingRefused(f"KELISIM_WEBHOOK_ALLOWED_NETWORKS or _HOSTS: {exc}") from None


def from_config(config):
    """The environment's settings with the container config's ``NOTIFICATIONS`` on top."""
    settings = from_env()
    overrides = dict(config.get("NOTIFICATIONS") or {})
    if "smtp" in overrides:
        smtp = overrides.pop("smtp")
        overrides["smtp"] = SmtpSettings(**smtp) if smtp else None
    for name in ("email_retry", "webhook_retry"):
        if name in overrides:
            overrides[name] = RetryPolicy(**overrides[name])
    if "webhook_destinations" in overrides:
        allowed = overrides["webhook_destinations"] or {}
        overrides["webhook_destinations"] = DestinationPolicy.parse(
            allowed.get("networks", ()), allowed.get("hosts", ()))
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"unknown notifications settings: {', '.join(sorted(unknown))}")
    return replace(settings, **overrides)
