"""The one catalogue of integration events: a marshmallow schema and a version each.

Each source service's events live in a module of this package; importing the package
registers them all, so any service can validate any event it receives. Payload schemas
derive from :class:`EventData`: fields a producer adds are ignored, not an error.
"""
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema


class EventData(Schema):
    """Base of every event payload schema."""

    class Meta:
        unknown = EXCLUDE


@dataclass(frozen=True)
class EventSpec:
    type: str
    version: int
    source: str
    schema: type


_CATALOGUE = {}


def event(source, event_type, version=1):
    """Class decorator: register ``schema`` as the payload of ``event_type``."""

    def register(schema):
        if event_type in _CATALOGUE:
            raise ValueError(f"event type {event_type} is catalogued twice")
        _CATALOGUE[event_type] = EventSpec(event_type, version, source, schema)
        return schema

    return register


def get(event_type):
    try:
        return _CATALOGUE[event_type]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r}") from None


def all_events():
    return dict(_CATALOGUE)


from kelisim.events.catalogue import projects, registry, reports  # noqa: E402,F401  (registers on import)
