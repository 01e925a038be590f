"""Which deliveries one event makes: per channel, per recipient, honouring preferences."""
from datetime import UTC, datetime, time, timedelta

from kelisim.clock import LOCAL_TIME
from kelisim.i18n import DEFAULT_LANGUAGE
from services.notifications.domain.model import DEFAULT_PREFERENCE, DeliveryRecord, is_at_once, is_critical
from services.notifications.domain.streams import routing_key, stream_regions


def effective_preference(preferences, event_type, owners):
    """(channels, frequency, source): the first of ``owners`` with a preference, else the
    default. ``preferences`` maps (owner_kind, owner_id, event_type) to a Preference.
    A critical type keeps every channel (it cannot be muted) but may go in a digest."""
    for kind, owner_id in owners:
        found = preferences.get((kind, owner_id, event_type))
        if found is not None:
            channels = list(found.channels)
            if is_critical(event_type):
                channels = list(DEFAULT_PREFERENCE["channels"])
            return channels, found.frequency, kind
    return list(DEFAULT_PREFERENCE["channels"]), DEFAULT_PREFERENCE["frequency"], "default"


def language_of(languages, owners):
    """The language of the first of ``owners`` that chose one, else Kazakh.
    ``languages`` maps (owner_kind, owner_id) to a language code."""
    for owner in owners:
        if languages.get(owner):
            return languages[owner]
    return DEFAULT_LANGUAGE


def address_key(address):
    """Two contacts with one address (in any letter case) are one recipient."""
    return (address or "").strip().casefold()


def digest_due(frequency, now, daily_at=time(9, 0)):
    """When a digest of ``frequency`` collecting an item received ``now`` goes out."""
    if frequency == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    local = now.astimezone(LOCAL_TIME)
    due = datetime.combine(local.date(), daily_at, tzinfo=LOCAL_TIME)
    if due <= local:
        due += timedelta(days=1)
    return due.astimezone(UTC)


def _delivery(event, now, **fields):
    return DeliveryRecord(event_id=event.event_id, event_type=event.type, occurred_at=event.occurred_at,
                    created_at=now, next_attempt_at=now, **fields)


def plan(event, audience, preferences, webhooks, now, *, email=True, daily_at=time(9, 0),
         languages=None, batch_seconds=0.0):
    """The inbox, e-mail and webhook deliveries of ``event`` (none when ``audience`` is None:
    such events only go to the regional stream, see :func:`stream_targets`), as plain
    :class:`DeliveryRecord` objects (written as rows, never added to a session).

    E-mail: one per address (two contacts sharing one, in any letter case, get one copy),
    in the language its person or org unit chose (``languages``, Kazakh by default). An
    e-mail sent "immediately" waits ``batch_seconds`` for the rest of what the same action
    caused (the envelope's correlation id: a rollout, a slip cascade), then goes out as one
    message per recipient; hourly and daily preferences gather into digests, except the
    types that are always sent at once."""
    deliveries = []
    languages = languages or {}
    addresses = set()
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
            owners = [("person", person_id), ("org_unit", home)]
            channels, frequency, _ = effective_preference(preferences, event.type, owners)
            if "email" not in channels or address_key(person["email"]) in addresses:
                continue
            addresses.add(address_key(person["email"]))
            delivery = _delivery(event, now, channel="email", recipient=f"person:{person_id}",
                                 target=person["email"].strip(), org_unit_id=home,
                                 person_id=person_id, region_code=person.get("region_code"),
                                 language=language_of(languages, owners))
            if frequency != "immediate" and not is_at_once(event.type):
                delivery.status = "digest"
                delivery.due_at = digest_due(frequency, now, daily_at)
            elif batch_seconds > 0 and event.correlation_id:
                delivery.status = "digest"
                delivery.due_at = now + timedelta(seconds=batch_seconds)
                delivery.batch_key = f"batch:{event.correlation_id}"[:120]
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
