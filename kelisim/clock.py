"""Kazakhstan's time, defined once for every component.

Instants are stored and sent in UTC; the dates people see and type are Kazakhstan calendar
dates. ``LOCAL_TIME`` is the IANA zone Asia/Almaty: UTC+5 across Kazakhstan since 1 March
2024 (UTC+6 before; the zone database knows both, so older instants read as they did then).
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Almaty")


def local_time(value: datetime | str) -> datetime:
    """``value`` (aware, naive UTC, or ISO 8601 text) as a datetime in Kazakhstan's time."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TIME)


def local_date(moment: datetime) -> date:
    """The Kazakhstan calendar date of an aware datetime."""
    return moment.astimezone(LOCAL_TIME).date()


def today(now: datetime | None = None) -> date:
    """Today's date in Kazakhstan (of ``now``, default the current instant)."""
    return local_date(now or datetime.now(UTC))
