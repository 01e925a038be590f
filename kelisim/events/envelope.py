"""The envelope every integration event travels in."""
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields

from kelisim.db.types import utcnow
from kelisim.events import catalogue, payloads
from kelisim.events.checks import compile_check
from kelisim.ids import uuid4_text


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    type = fields.Str(required=True)
    version = fields.Int(required=True, strict=True)
    occurred_at = fields.AwareDateTime(required=True, default_timezone=None)
    source = fields.Str(required=True)
    correlation_id = fields.Str(required=True)
    regions = fields.List(fields.Str(), required=True)
    data = fields.Dict(required=True)


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    version: int
    occurred_at: str
    source: str
    correlation_id: str
    regions: list[str]
    data: dict[str, Any] = field(default_factory=dict)

    def to_message(self) -> dict[str, Any]:
        """The envelope as the JSON object published on the broker."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in dataclass_fields(Envelope))


_ENVELOPE_SCHEMA = EnvelopeSchema()  # reused: building a schema costs more than a load


class MalformedEvent(ValueError):
    """A message that is not a valid envelope of a catalogued event."""


def new_envelope(event_type: str, data: dict[str, Any], *, source: str, correlation_id: str,
                 regions: Iterable[str] = (), occurred_at: str | None = None) -> Envelope:
    """Build an envelope of ``data`` as the catalogue's schema of ``event_type`` loads and
    dumps it (:func:`kelisim.events.payloads.dump`: typed values in one checked pass,
    anything else through marshmallow), with a new random id (UUID 4) and ``occurred_at``
    (ISO 8601 text of an aware UTC time; now if not given: a batch of events of one
    transaction gives its own, once). Raises KeyError for an uncatalogued type,
    ValueError naming the fields for a payload its schema refuses."""
    spec = catalogue.get(event_type)
    return Envelope(
        id=uuid4_text(),
        type=event_type,
        version=spec.version,
        occurred_at=occurred_at or utcnow().isoformat(),
        source=source,
        correlation_id=correlation_id,
        regions=sorted(set(regions)),
        data=payloads.dump(event_type, data),
    )


def parse_envelope(body: Any) -> Envelope:
    """Validate a received message body; raise :class:`MalformedEvent` if it is not one.

    The envelope and its payload are checked with the schemas' compiled checks first
    (kelisim/events/checks.py: True only for what marshmallow accepts); anything they are
    not sure of is loaded with marshmallow, which accepts it or says what is wrong."""
    if not isinstance(body, dict):
        raise MalformedEvent("message body is not a JSON object")
    if _surely_valid(body):
        return Envelope(**body)
    try:
        _ENVELOPE_SCHEMA.load(body)
        catalogue.read(body["type"], body["version"], body["data"])
    except (ValidationError, KeyError, catalogue.NewerVersion) as exc:
        raise MalformedEvent(str(exc)) from exc
    return Envelope(**body)


_ENVELOPE_CHECK = compile_check(_ENVELOPE_SCHEMA)


@functools.cache
def _payload_check(event_type: str) -> Any:
    return compile_check(catalogue._schema(event_type))


def _surely_valid(body: dict[str, Any]) -> bool:
    """True when the compiled checks find ``body`` a valid envelope of a catalogued event
    of a version this process knows; False means: ask marshmallow."""
    if _ENVELOPE_CHECK is None or not _ENVELOPE_CHECK(body):
        return False
    try:
        spec = catalogue.get(body["type"])
    except KeyError:
        return False
    if body["version"] > spec.version:
        return False
    check = _payload_check(body["type"])
    return check is not None and check(body["data"])
