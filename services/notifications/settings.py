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

from kelisim.config import directory_ttl, env
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
    security = env("KELISIM_SMTP_SECURITY", "starttls").lower()
    default_port = {"tls": 465, "none": 25}.get(security, 587)
    return SmtpSettings(
        host=host, port=int(env("KELISIM_SMTP_PORT", default_port)), security=security,
        username=env("KELISIM_SMTP_USERNAME"), password=env("KELISIM_SMTP_PASSWORD"),
        sender=env("KELISIM_SMTP_FROM", "kelisim@localhost"),
        timeout=float(env("KELISIM_SMTP_TIMEOUT", 10)), ca_file=env("KELISIM_SMTP_CA_FILE"),
        deadline=float(env("KELISIM_SMTP_DEADLINE", 60)))


def from_env():
    hours = float(env("KELISIM_WEBHOOK_RETRY_HOURS", 24))
    at = env("KELISIM_DIGEST_DAILY_AT", "09:00")
    return Settings(
        smtp=smtp_from_env(),
        webhook_retry=RetryPolicy(window=hours * 3600),
        webhook_timeout=float(env("KELISIM_WEBHOOK_TIMEOUT", 10)),
        webhook_destinations=DestinationPolicy.parse(
            env("KELISIM_WEBHOOK_ALLOWED_NETWORKS", ""), env("KELISIM_WEBHOOK_ALLOWED_HOSTS", "")),
        webhook_max_response_bytes=int(env("KELISIM_WEBHOOK_MAX_RESPONSE_BYTES", 65536)),
        webhook_per_destination=int(env("KELISIM_WEBHOOK_PER_DESTINATION", 2)),
        webhook_per_region=int(env("KELISIM_WEBHOOK_PER_REGION", 0)) or None,
        webhook_max_per_org_unit=int(env("KELISIM_WEBHOOK_MAX_PER_ORG_UNIT", 20)),
        webhook_ca_file=env("KELISIM_WEBHOOK_CA_FILE"),
        report_escalation_stage=int(env("KELISIM_REPORT_ESCALATION_STAGE", 2)),
        digest_daily_at=time.fromisoformat(at),
        directory_ttl=directory_ttl(),
        email_batch_seconds=float(env("KELISIM_EMAIL_BATCH_SECONDS", 20)),
    )


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
