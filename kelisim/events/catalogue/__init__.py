"""The one catalogue of integration events: a marshmallow schema and a version each.

Each source service's events live in a module of this package; importing the package
registers them all, so any service can validate any event it receives.

Contracts tolerate growth: every payload schema, and every schema nested in one, derives
from :class:`EventData` (the catalogue refuses any other), whose reader ignores fields it
does not know. A producer one release ahead may add a field and every older consumer
still handles the event (a rolling upgrade dead-letters nothing). What a consumer cannot
read is an event of a *newer version* than it knows (a field removed or changed meaning):
:func:`read` refuses it.
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Type, TypeVar  # noqa: UP035  (Type: see EventSpec.schema)

from marshmallow import EXCLUDE, Schema, fields


class EventData(Schema):
    """Base of every event payload schema: unknown fields are ignored (``EXCLUDE``)."""

    class Meta:
        unknown = EXCLUDE


class NewerVersion(ValueError):
    """An event of a version newer than the one this process catalogues."""


@dataclass(frozen=True)
class EventSpec:
    type: str
    version: int
    source: str
    schema: Type[Schema]  # noqa: UP006  (typing's Type: the field ``type`` above hides the builtin)


S = TypeVar("S", bound=type[Schema])
_CATALOGUE: dict[str, EventSpec] = {}


def event(source: str, event_type: str, version: int = 1) -> Callable[[S], S]:
    """Class decorator: register ``schema`` as the payload of ``event_type``."""

    def register(schema: S) -> S:
        _check_tolerant(schema, event_type)
        if event_type in _CATALOGUE:
            raise ValueError(f"event type {event_type} is catalogued twice")
        _CATALOGUE[event_type] = EventSpec(event_type, version, source, schema)
        return schema

    return register


def _check_tolerant(schema: Any, event_type: str) -> None:
    """Refuse a payload schema (or one nested in it) that does not derive from EventData:
    it would reject a field a newer producer adds."""
    if not (isinstance(schema, type) and issubclass(schema, EventData)):
        raise TypeError(f"the payload of {event_type} ({schema!r}) must derive from EventData")
    for name, field in schema._declared_fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            nested = inner.nested if isinstance(inner.nested, type) else type(inner.nested)
            if nested is not schema:
                _check_tolerant(nested, f"{event_type}.{name}")


def read(event_type: str, version: int, data: Any) -> dict[str, Any]:
    """The payload ``data`` of an event of ``event_type`` at ``version``, loaded.

    Fields the catalogue does not know are dropped (a newer producer's additions).
    Raises KeyError for an uncatalogued type, :class:`NewerVersion` for a version above
    the catalogued one, marshmallow's ValidationError for a payload that breaks the schema.
    """
    spec = get(event_type)
    if version > spec.version:
        raise NewerVersion(f"{event_type} v{version} is newer than this consumer (v{spec.version})")
    loaded: dict[str, Any] = _schema(event_type).load(data)
    return loaded


_SCHEMAS: dict[str, Schema] = {}


def _schema(event_type: str) -> Schema:
    """One schema instance per event type: building one per event costs more than using it."""
    try:
        return _SCHEMAS[event_type]
    except KeyError:
        return _SCHEMAS.setdefault(event_type, get(event_type).schema())


def get(event_type: str) -> EventSpec:
    """The catalogue's entry of ``event_type``; KeyError naming it when there is none."""
    try:
        return _CATALOGUE[event_type]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r}") from None


def all_events() -> dict[str, EventSpec]:
    """{event type: EventSpec} of every catalogued event."""
    return dict(_CATALOGUE)


def published_by(source: str) -> tuple[str, ...]:
    """The types of the catalogued events ``source`` (a service's nameko name) publishes,
    sorted; () for a service that publishes none. A contract's ``event_types()``."""
    return tuple(sorted(t for t, spec in _CATALOGUE.items() if spec.source == source))


from kelisim.events.catalogue import projects, registry, reports  # noqa: E402,F401  (registers on import)
