"""An event's payload as the catalogue publishes it, without marshmallow's round trip.

``new_envelope`` used to ``load`` every payload against its catalogue schema and ``dump``
the result: 180–215 µs of CPU for a ``deadline_slipped``, 64 % of a 10 001-task slip's
RPC (bench/README.md, "Where the time goes"). Our own producers build payloads from typed
domain events (ints, texts, ``date`` objects, dicts of those), for which load-then-dump
only checks the types and turns dates into ISO text. :func:`dump` does exactly that in
one pass, from a plan compiled once per schema out of its marshmallow fields (the typed
side of kelisim/events/checks.py, the compiler parse_envelope's checks come from too):

- a field is taken on the fast path only when its value has exactly the type the field
  loads (``type(v) is int`` for an Integer: not a bool, not the text "7"; ``date`` for a
  Date, not a datetime or ISO text; ``str`` for a String; a ``dict`` of texts for a
  Dict with text keys and values; a list of those for a List; a nested schema's dict);
  its validators (``OneOf`` of a RACI role, an assignee's kind) are run as marshmallow
  runs them; a missing required field, a ``None`` where none is allowed, any other type
  or a failing validator sends the WHOLE payload through marshmallow's load and dump,
  which gives the same result or raises the same error (ValueError naming the fields);
- the result is what ``schema.dump(schema.load(data))`` gives, field for field and in
  the schema's order (so its JSON is byte for byte the same): unknown keys dropped
  (the catalogue's EXCLUDE), a missing optional field given its ``load_default``,
  dates as ISO text, dicts and lists copied;
- a schema holding a field this module does not compile (Decimal, AwareDateTime,
  Boolean, a field with ``data_key``/``attribute``/``dump_default``, a hook) always goes
  through marshmallow: budget_overrun, report_submitted and the like are rare.

Data from outside our code (an RPC's arguments) is no different: the fast path accepts
only what marshmallow would accept and dump unchanged, everything else is marshmallow's.
tests/unit/core/test_event_payloads.py holds both paths equal for every catalogued event.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError

from kelisim.events import catalogue
from kelisim.events.checks import Slow, compile_dump


def dump(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as the catalogue's schema of ``event_type`` loads then dumps it.

    Raises KeyError for an uncatalogued type and ValueError (``event <type> does not
    match its schema: {field: [messages]}``) for a payload the schema refuses."""
    plan = _plan(event_type)
    if plan is not None:
        try:
            return plan(data)
        except Slow:
            pass
    schema = catalogue._schema(event_type)
    try:
        dumped: dict[str, Any] = schema.dump(schema.load(data))
    except ValidationError as exc:
        raise ValueError(f"event {event_type} does not match its schema: {exc.messages}") from exc
    return dumped


@functools.cache
def _plan(event_type: str) -> Callable[[Any], dict[str, Any]] | None:
    """The compiled fast path of ``event_type``'s schema, or None if it has none."""
    return compile_dump(catalogue._schema(event_type))
