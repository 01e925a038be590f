"""A Babel extraction method for texts a person reads that live in reference data, not in
code: the English ``message`` of each rule of the report templates
(services/reports/reference/templates.json), shown through the catalogue
(:func:`kelisim.i18n.recognise`). Named in babel.cfg, so that ``make messages`` keeps
their translations."""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

Extracted = tuple[int, None, str, list[str]]


def json_messages(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                  options: Mapping[str, Any]) -> Iterator[Extracted]:
    """Every non-empty string under a key named in ``options["keys"]`` (comma-separated;
    ``message`` by default), at any depth of the JSON document ``fileobj``, as Babel's
    ``(line, function, message, comments)`` with line 0 (the catalogues keep no
    locations). Raises ValueError for a file that is not JSON."""
    keys = {key.strip() for key in str(options.get("keys", "message")).split(",")}
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in keys and isinstance(item, str) and item:
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(fileobj.read().decode("utf-8")))
    for text in found:
        yield 0, None, text, []
