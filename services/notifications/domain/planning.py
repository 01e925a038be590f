"""Which deliveries one event makes: per channel, per recipient, honouring preferences."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from services.notifications.domain.model import DEFAULT_PREFERENCE, Delivery, is_critical
from services.notifications.domain.streams import routing_key, stream_regions

LOCAL_TIME = ZoneInfo("Asia/Almaty")  # UTC+5 across Kazakhstan since 1 March 2024


def effective_preference(preferences, event_type, owners):
    """(channels, frequency, source): the first of ``owners`` with a preference, else the
    default. ``preferences`` maps (owner_kind, owner_id, event_type) to a Preference."""
    if not is_critical(event_type):
        for kind, owner_id in owners:
            found = preferences.get((kind, owner_id, event_type))
            if found is not None:
                return list(found.channels), found.frequency, kind
    return list(DEFAULT_PREFERENCE["channels"]), DEFAULT_PREFERENCE["frequency"], "default"


def digest_due(frequency, now, daily_at=time(9, 0)):
    """When a digest of ``frequency`` collecting an item received ``now`` goes out."""
    if frequency == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    local = now.astimezone(LOCAL_TIME)
    due = datetime.combine(local.date(), daily_at, tzinfo=LOCAL_TIME)
    if due <= local:
        due += timedelta(days=1)
    return due.astimezone(timezone.utc)


def _delivery(event, now, **fields):
    return Delivery(event_id=event.event_id, event_type=event.type, occurred_at=event.occurred_at,
                    created_at=now, next_attempt_at=now, **fields)


def plan(event, audience, preferences, webhooks, now, *, email=True, daily_at=time(9, 0)):
    """The inbox, e-mail and webhook deliveries of ``event`` (none when ``audience`` is None:
    such events only go to the regional stream, see :func:`stream_targets`)."""
    deliveries = []
    if audience is not None:
        for unit_id, unit in sorted(audience.org_units.items()):
            channels, _, _ = effective_preference(preferences, event.type,
                                                  [("org_unit", unit_id)])
            if "inbox" in channels:
                deliveries.append(_delivery(
                    event, now, channel="inbox", recipient=f"org_unit:{unit_id}",
                    target=str(unit_id), org_unit_id=unit_id,
                    region_code=unit.get("region_code")))
        for person_id, person in sorted(audience.people.items()):
            home = audience.home_unit.get(person_id)
            if not email or not person.get("email"):
                continue
            channels, frequency, _ = effective_preference(
                preferences, event.type, [("person", person_id), ("org_unit", home)])
            if "email" not in channels:
                continue
            delivery = _delivery(event, now, channel="email", recipient=f"person:{person_id}",
                                 target=person["email"], org_unit_id=home, person_id=person_id,
                                 region_code=person.get("region_code"))
            if frequency != "immediate":
                delivery.status = "digest"
                delivery.due_at = digest_due(frequency, now, daily_at)
            deliveries.append(delivery)
        for hook in sorted(webhooks, key=lambda h: h.id):
            if hook.org_unit_id in audience.org_units and hook.wants(event.type):
                deliveries.append(_delivery(
                    event, now, channel="webhook", recipient=f"webhook:{hook.id}",
                    target=hook.url, org_unit_id=hook.org_unit_id, webhook_id=hook.id,
                    region_code=hook.region_code))
    return deliveries


def stream_targets(regions, source, event_type):
    """(region or None for national, routing key) of each message on the regional stream."""
    return [(None if region == "national" else region, routing_key(region, source, event_type))
            for region in stream_regions(regions)]
