"""The regional event stream: every consumed event, once per region it concerns.

Routing key ``<region code>.<source>.<type>`` (``national`` when it concerns no region),
so a KGU binds ``KZ-61.#`` and receives its region alone.
"""
from collections.abc import Iterable

REGIONAL_EXCHANGE = "kelisim.regional"
NATIONAL = "national"


def stream_regions(regions: Iterable[str]) -> list[str]:
    """The regions an event goes out for on the stream, sorted (``national`` for none)."""
    return sorted(set(regions)) or [NATIONAL]


def routing_key(region: str, source: str, event_type: str) -> str:
    return f"{region}.{source}.{event_type}"


def region_binding(region: str) -> str:
    return f"{region}.#"


def queue_name(region: str, consumer: str) -> str:
    return f"{REGIONAL_EXCHANGE}.{region}.{consumer}"
