"""Reference data a component ships: its JSON files, and adding the rows a database lacks.

Every component that ships reference data keeps it in ``<package>/reference/*.json`` and
loads it idempotently on every start (rows already there are left alone)."""
import json
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any


def shipped(package: str, name: str) -> Any:
    """The JSON file ``reference/<name>`` of ``package`` (a dotted package name), parsed.
    FileNotFoundError when the package ships no such file; ValueError when it is no JSON."""
    return json.loads(resources.files(package).joinpath("reference", name).read_text("utf-8"))


def add_missing(repo: Any, rows: Iterable[dict[str, Any]], find: Callable[[Any], Any],
                make: Callable[..., Any], key: str = "code") -> int:
    """Add ``make(**row)`` to ``repo`` for each of ``rows`` whose ``row[key]`` ``find`` does
    not find (None); returns how many were added."""
    added = 0
    for row in rows:
        if find(row[key]) is None:
            repo.add(make(**row))
            added += 1
    return added
