"""Which report fields the events register fills in, and how they are counted.

A report field whose code is a key of ``PREFILLED`` is counted from the register for the
report's period (its first to last day, Kazakhstan calendar) and its reporter: a KGU's
report counts its whole region's events, any other org unit's (a branch, a house of
friendship) its own. Only recorded events count (not cancelled ones). A base-project
template (``project_code`` set) counts the events serving that project only.

``measure`` is what is counted: ``events`` (how many) or ``participants`` (their sum);
``filters`` narrow the events further (kind, structure type).
"""
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypedDict


class Prefill(TypedDict):
    """How the register fills one field: what it counts, over which events."""

    measure: Literal["events", "participants"]
    filters: dict[str, str]  # ReportsRepository.event_rows' keyword filters


PREFILLED: dict[str, Prefill] = {
    "events_held": {"measure": "events", "filters": {}},
    "participants": {"measure": "participants", "filters": {}},
    # the mediation councils' trainings (quarterly mediation report)
    "trainings_held": {"measure": "events",
                       "filters": {"kind": "training", "structure_type": "mediation_council"}},
}


def prefilled_fields(field_codes: Iterable[str]) -> list[str]:
    """The codes among ``field_codes`` the register fills in, in PREFILLED's order."""
    present = set(field_codes)
    return [code for code in PREFILLED if code in present]


def figure(rows: Sequence[Mapping[str, Any]], code: str) -> int:
    """The register's figure for field ``code`` over ``rows`` (event rows, see
    ReportsRepository.event_rows), already narrowed by that field's filters."""
    if PREFILLED[code]["measure"] == "participants":
        return sum(row["participants"] or 0 for row in rows)
    return len(rows)


def disagreements(values: Mapping[str, Any] | None,
                  figures: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """``{field: {"reported": typed value, "register": figure}}`` of each field typed into
    the report whose value differs from the register's figure."""
    found: dict[str, dict[str, Any]] = {}
    for code, counted in figures.items():
        typed = (values or {}).get(code)
        if typed is not None and typed != counted:
            found[code] = {"reported": typed, "register": counted}
    return found
