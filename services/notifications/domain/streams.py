"""The regional event stream: every consumed event, once per region it concerns.

Routing key ``<region code>.<source>.<type>`` (``national`` when it concerns no region),
so a KGU binds ``KZ-61.#`` and receives its region alone.
"""
REGIONAL_EXCHANGE = "kelisim.regional"
NATIONAL = "national"


def stream_regions(regions):
    return sorted(set(regions)) or [NATIONAL]


def routing_key(region, source, event_type):
    return f"{region}.{source}.{event_type}"


def region_binding(region):
    return f"{region}.#"


def queue_name(region, consumer):
    return f"{REGIONAL_EXCHANGE}.{region}.{consumer}"
