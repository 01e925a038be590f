"""What the RGU's programme page shows, worked out from the answers of the API's own calls.

No framework and no I/O here: the page (gateway/entrypoints/web_programme.py) makes the
RPC calls the API routes make, as the reader, and passes their answers in:

- ``regions``: ``GET /regions`` (``[{code, kind, name_kk, name_ru, name_en}]``, 20 items);
- ``rates``: ``GET /reporting-rates`` (``by_region``: ``[{region_code, expected, reported,
  on_time, missing, reporting_rate, on_time_rate}]``, rates in per cent or None);
- ``programme``: ``GET /programme/summary`` (``totals.overdue_by_region`` ``{code: n}``,
  ``totals.risk_heat_map`` ``{project: {cells, matrix}, by_region: {code: {"p,i": n}}}``,
  ``by_project.<code>.earned_value`` ``{bac, pv, ev, ac, sv, cv, spi, cpi}`` as strings);
- ``summaries``: ``GET /projects/<code>/summary`` of each base project (``regions``: one
  item per plan with ``region_code`` and ``earned_value`` strings in KZT).

Region tiles sit on a grid of our own (6 columns x 5 rows) in geographic order: today's
20 regions after the 2022 reform (Abai, Jetisu and Ulytau included), west on the left,
north on top, each city beside its oblast.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kelisim.i18n import N_

# region code -> (column, row), both from 1; west to east, north to south
TILE_GRID = {
    "KZ-59": (4, 1),                                   # North Kazakhstan
    "KZ-27": (1, 2), "KZ-39": (3, 2), "KZ-11": (4, 2),  # West Kaz., Kostanay, Akmola
    "KZ-71": (5, 2), "KZ-55": (6, 2),                  # Astana, Pavlodar
    "KZ-23": (1, 3), "KZ-15": (2, 3), "KZ-62": (3, 3),  # Atyrau, Aktobe, Ulytau
    "KZ-35": (4, 3), "KZ-10": (5, 3), "KZ-63": (6, 3),  # Karaganda, Abai, East Kaz.
    "KZ-47": (1, 4), "KZ-43": (2, 4), "KZ-61": (3, 4),  # Mangystau, Kyzylorda, Turkistan
    "KZ-31": (4, 4), "KZ-19": (5, 4), "KZ-33": (6, 4),  # Jambyl, Almaty region, Jetisu
    "KZ-79": (3, 5), "KZ-75": (5, 5),                  # Shymkent, Almaty
}
GRID_COLUMNS, GRID_ROWS = 6, 5
LONG_WORD = re.compile(r"[\s-]+")
HIGH_RISK_SCORE = 15  # probability x impact from 15: the red zone (as the projects service)
SCALE = (1, 2, 3, 4, 5)  # the risks' probability and impact scales


@dataclass(frozen=True)
class Measure:
    """A figure the map can be coloured by. ``kind``: percent, count or ratio;
    ``better``: "high" or "low"; ``bounds``: the four limits between the five colour
    classes, in the measure's unit, ascending."""

    code: str
    label: str
    kind: str
    better: str
    bounds: tuple


MEASURES = (
    Measure("reporting_rate", N_("Reporting rate"), "percent", "high", (50, 70, 85, 95)),
    Measure("on_time_rate", N_("On-time rate"), "percent", "high", (50, 70, 85, 95)),
    Measure("overdue_tasks", N_("Overdue tasks"), "count", "low", (1, 3, 6, 11)),
    Measure("spi", N_("Schedule performance index (SPI)"), "ratio", "high",
            (Decimal("0.8"), Decimal("0.9"), Decimal("0.95"), Decimal("1"))),
    Measure("cpi", N_("Cost performance index (CPI)"), "ratio", "high",
            (Decimal("0.8"), Decimal("0.9"), Decimal("0.95"), Decimal("1"))),
    Measure("high_risks", N_("Open high risks"), "count", "low", (1, 2, 4, 7)),
)
MEASURE_BY_CODE = {m.code: m for m in MEASURES}
DEFAULT_MEASURE = "reporting_rate"
# which answers a measure needs besides the regions
NEEDS_SUMMARIES = frozenset({"spi", "cpi"})
NEEDS_RATES = frozenset({"reporting_rate", "on_time_rate"})
NEEDS_PROGRAMME = frozenset({"overdue_tasks", "high_risks"})


def measure_of(code: str) -> Measure:
    """The :class:`Measure` named ``code``; the default one for an unknown or empty code."""
    return MEASURE_BY_CODE.get(code or "", MEASURE_BY_CODE[DEFAULT_MEASURE])


def _decimal(value: str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(Decimal("0.001"))


def earned_value_by_region(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """``{region code: {pv, ev, ac, spi, cpi, plans}}`` adding up every plan of ``summaries``
    (project summaries) in the region; money as Decimal KZT, SPI = EV/PV and CPI = EV/AC
    recomputed from the sums (None when the divisor is 0). Plans of the RGU itself (no
    region) are left out."""
    sums: dict[str, dict[str, Any]] = {}
    for summary in summaries:
        for plan in summary.get("regions") or ():
            code = plan.get("region_code")
            if not code:
                continue
            figures = plan.get("earned_value") or {}
            total = sums.setdefault(code, {"pv": Decimal(0), "ev": Decimal(0),
                                           "ac": Decimal(0), "plans": 0})
            for key in ("pv", "ev", "ac"):
                total[key] += _decimal(figures.get(key)) or Decimal(0)
            total["plans"] += 1
    for total in sums.values():
        total["spi"] = _ratio(total["ev"], total["pv"])
        total["cpi"] = _ratio(total["ev"], total["ac"])
    return sums


def high_risks_by_region(programme: dict[str, Any]) -> dict[str, Any]:
    """``{region code: open risks scored HIGH_RISK_SCORE or more}`` from the programme
    summary's heat map cells per region (keys ``"probability,impact"``)."""
    cells_by_region = ((programme.get("totals") or {}).get("risk_heat_map") or {}).get(
        "by_region") or {}
    counts = {}
    for code, cells in cells_by_region.items():
        counts[code] = sum(count for key, count in cells.items()
                           if _score(key) >= HIGH_RISK_SCORE)
    return counts


def _score(key: str) -> int:
    probability, impact = (int(part) for part in key.split(","))
    return probability * impact


def region_figures(regions: list[dict[str, Any]], rates: dict[str, Any] | None = None,
                   programme: dict[str, Any] | None = None,
                   summaries: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``{region code: {measure code: value or None}}`` for every region of ``regions``.

    ``rates``, ``programme`` and ``summaries`` are the answers described in the module
    docstring; a measure whose answer was not given (None) is None for every region.
    Percentages are floats 0..100, counts ints, SPI/CPI Decimals."""
    by_rates = {row.get("region_code"): row for row in (rates or {}).get("by_region") or ()}
    overdue = ((programme or {}).get("totals") or {}).get("overdue_by_region") or {}
    risks = high_risks_by_region(programme or {})
    earned = earned_value_by_region(summaries) if summaries is not None else {}
    figures = {}
    for region in regions:
        code = region["code"]
        rate = by_rates.get(code) or {}
        figures[code] = {
            "reporting_rate": rate.get("reporting_rate") if rates is not None else None,
            "on_time_rate": rate.get("on_time_rate") if rates is not None else None,
            "overdue_tasks": int(overdue.get(code, 0)) if programme is not None else None,
            "high_risks": risks.get(code, 0) if programme is not None else None,
            "spi": (earned.get(code) or {}).get("spi") if summaries is not None else None,
            "cpi": (earned.get(code) or {}).get("cpi") if summaries is not None else None,
        }
    return figures


def colour_class(measure: Measure, value: Any) -> str:
    """``"q0"`` (worst) .. ``"q4"`` (best) for ``value`` of ``measure``, ``"na"`` for None.

    The value is put in the class of the first bound it is below (``bounds`` ascending);
    for a measure where less is better the order is turned round."""
    if value is None:
        return "na"
    number = Decimal(str(value))
    index = sum(1 for bound in measure.bounds if number >= Decimal(str(bound)))
    return f"q{index if measure.better == 'high' else 4 - index}"


def legend(measure: Measure) -> list[dict[str, Any]]:
    """The five classes of ``measure`` from worst (q0) to best (q4): ``[{"css": "q0",
    "form": ..., "low": x, "high": y}]``. ``form`` says how to read the class: "below"
    (value < high), "between" (low <= value < high), "from" (value >= low); for counts
    "exactly" (value == low) and "range" (low..high, both inside)."""
    bounds = list(measure.bounds)
    items = []
    for index, (low, high) in enumerate(zip([None, *bounds], [*bounds, None], strict=True)):
        css = f"q{index if measure.better == 'high' else 4 - index}"
        if low is None and measure.kind == "count":
            low = 0
        if high is None:
            form = "from"
        elif measure.kind == "count":
            high = high - 1
            form = "exactly" if low == high else "range"
        else:
            form = "below" if low is None else "between"
        items.append({"css": css, "form": form, "low": low, "high": high})
    return sorted(items, key=lambda item: item["css"])


def short_name(region: dict[str, Any], lang: str) -> str:
    """A region's name for its tile: without «облысы» / «область» / «Region»."""
    name = region.get(f"name_{lang}") or region.get("name_kk") or region.get("name_ru") or ""
    for word in (" облысы", " область", "Область ", " Region"):
        name = name.replace(word, "")
    return name.strip()


def tiles(regions: list[dict[str, Any]], figures: dict[str, Any], measure: Measure,
          lang: str) -> list[dict[str, Any]]:
    """The map: one tile per region on TILE_GRID, in reading order (rows top to bottom,
    west to east), each ``{code, region, short, long, column, row, value, css}`` (``long``:
    a word of the name is longer than 11 letters, set smaller to fit); an oblast
    named as a city (Almaty Region, Almaty) keeps its full name. A region the grid does
    not know (a future reform) goes on an extra row below."""
    placed = []
    extra = 0
    city_names = {short_name(r, lang) for r in regions if r.get("kind") == "city"}
    for region in regions:
        code = region["code"]
        if code in TILE_GRID:
            column, row = TILE_GRID[code]
        else:
            extra += 1
            column, row = ((extra - 1) % GRID_COLUMNS) + 1, GRID_ROWS + 1 + (extra - 1) // \
                GRID_COLUMNS
        value = figures.get(code, {}).get(measure.code)
        short = short_name(region, lang)
        if region.get("kind") != "city" and short in city_names:
            short = region.get(f"name_{lang}") or short  # Almaty Region beside Almaty
        placed.append({"code": code, "region": region, "short": short,
                       "long": max(len(word) for word in LONG_WORD.split(short)) > 11,
                       "column": column, "row": row, "value": value,
                       "css": colour_class(measure, value)})
    return sorted(placed, key=lambda tile: (tile["row"], tile["column"]))


def table_rows(tiles_: list[dict[str, Any]], measure: Measure) -> list[dict[str, Any]]:
    """The tiles as table rows, worst first (no figure last), then by region code."""
    def order(tile: dict[str, Any]) -> tuple[int, Decimal, str]:
        value = tile["value"]
        if value is None:
            return (1, Decimal(0), tile["code"])
        number = Decimal(str(value))
        return (0, number if measure.better == "high" else -number, tile["code"])
    return sorted(tiles_, key=order)


def heat_map(programme: dict[str, Any]) -> dict[str, Any]:
    """The programme's open risks as a probability x impact table: ``rows`` from impact 5
    down to 1, each ``{"impact": i, "cells": [{"probability": p, "count": n, "score":
    p*i, "zone": "low"|"medium"|"high"}]}``, and ``total`` open risks."""
    cells = (((programme.get("totals") or {}).get("risk_heat_map") or {}).get("project")
             or {}).get("cells") or {}
    rows = []
    for impact in reversed(SCALE):
        row = []
        for probability in SCALE:
            score = probability * impact
            zone = "high" if score >= HIGH_RISK_SCORE else "medium" if score >= 5 else "low"
            row.append({"probability": probability, "count": int(cells.get(
                f"{probability},{impact}", 0)), "score": score, "zone": zone})
        rows.append({"impact": impact, "cells": row})
    return {"rows": rows, "total": sum(int(n) for n in cells.values())}


def regions_in_cell(programme: dict[str, Any], probability: int, impact: int) -> dict[str, Any]:
    """``{region code: open risks}`` in one heat map cell (regions with none left out;
    the RGU's own risks under ``"RGU"``)."""
    by_region = ((programme.get("totals") or {}).get("risk_heat_map") or {}).get(
        "by_region") or {}
    key = f"{probability},{impact}"
    return {code: int(cells[key]) for code, cells in sorted(by_region.items())
            if int(cells.get(key, 0))}


def earned_value_rows(projects: list[dict[str, Any]],
                      programme: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per base project (in ``projects``' order) and for the whole programme: ``{project,
    pv, ev, ac, spi, cpi, with_baseline, without_baseline}`` (money Decimal KZT, indexes
    Decimal or None). ``with_baseline``/``without_baseline``: how many plans are measured
    against an approved baseline / on their current dates."""
    by_project = programme.get("by_project") or {}
    rows = []

    def row(project: dict[str, Any] | None, figures: dict[str, Any]) -> dict[str, Any]:
        value = figures.get("earned_value") or {}
        baseline = figures.get("baseline") or {}
        return {"project": project, **{key: _decimal(value.get(key))
                                       for key in ("pv", "ev", "ac", "spi", "cpi")},
                "with_baseline": int(baseline.get("with") or 0),
                "without_baseline": len(baseline.get("without") or ())}

    for project in projects:
        rows.append(row(project, by_project.get(project["code"]) or {}))
    total = row(None, programme.get("totals") or {})
    return rows, total


def backlog_rows(regions: list[dict[str, Any]], programme: dict[str, Any],
                 rates: dict[str, Any]) -> list[dict[str, Any]]:
    """Per region (registry order): ``{region, overdue_tasks, missing_reports}`` from the
    programme summary's overdue counts and the reporting rates' missing counts."""
    overdue = ((programme.get("totals") or {}).get("overdue_by_region") or {})
    missing = {row.get("region_code"): int(row.get("missing") or 0)
               for row in (rates.get("by_region") or ())}
    return [{"region": region, "overdue_tasks": int(overdue.get(region["code"], 0)),
             "missing_reports": missing.get(region["code"], 0)} for region in regions]
