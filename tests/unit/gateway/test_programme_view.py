"""The programme page's figures per region, worked out from the API calls' answers."""
import json
from decimal import Decimal
from pathlib import Path

from gateway.service_layer import programme_view as view

ROOT = Path(__file__).resolve().parents[3]
REGIONS = json.loads((ROOT / "services/registry/reference/regions.json").read_text())


def test_the_tile_map_has_todays_20_regions_each_on_its_own_tile():
    codes = {region["code"] for region in REGIONS}
    assert len(codes) == 20 and set(view.TILE_GRID) == codes
    assert len(set(view.TILE_GRID.values())) == 20
    assert all(1 <= col <= view.GRID_COLUMNS and 1 <= row <= view.GRID_ROWS
               for col, row in view.TILE_GRID.values())
    # the 2022 reform's regions: Abai east of Karaganda, Jetisu east of Almaty region,
    # Ulytau west of Karaganda
    assert view.TILE_GRID["KZ-10"][0] > view.TILE_GRID["KZ-35"][0]
    assert view.TILE_GRID["KZ-33"][0] > view.TILE_GRID["KZ-19"][0]
    assert view.TILE_GRID["KZ-62"][0] < view.TILE_GRID["KZ-35"][0]
    # west to east, north to south: Atyrau west of East Kazakhstan, North Kaz. above Shymkent
    assert view.TILE_GRID["KZ-23"][0] < view.TILE_GRID["KZ-63"][0]
    assert view.TILE_GRID["KZ-59"][1] < view.TILE_GRID["KZ-79"][1]


def test_tiles_come_in_reading_order_with_short_names_and_colour_classes():
    figures = {"KZ-61": {"reporting_rate": 96.0}, "KZ-75": {"reporting_rate": 40.0}}
    tiles = view.tiles(REGIONS, figures, view.measure_of("reporting_rate"), "kk")
    assert len(tiles) == 20
    assert [(t["row"], t["column"]) for t in tiles] == sorted((t["row"], t["column"])
                                                             for t in tiles)
    by_code = {t["code"]: t for t in tiles}
    assert by_code["KZ-61"]["short"] == "Түркістан" and by_code["KZ-61"]["css"] == "q4"
    assert by_code["KZ-75"]["css"] == "q0" and by_code["KZ-11"]["css"] == "na"
    assert by_code["KZ-75"]["short"] == "Алматы" and by_code["KZ-19"]["short"] == "Алматы облысы"
    ru = {t["code"]: t["short"] for t in view.tiles(REGIONS, {}, view.MEASURES[0], "ru")}
    assert ru["KZ-33"] == "Жетісу" and ru["KZ-11"] == "Акмолинская"
    long = {t["code"]: t["long"] for t in view.tiles(REGIONS, {}, view.MEASURES[0], "ru")}
    assert long["KZ-35"] and long["KZ-27"] and not long["KZ-33"] and not long["KZ-71"]
    en = {t["code"]: t["short"] for t in view.tiles(REGIONS, {}, view.MEASURES[0], "en")}
    assert en["KZ-62"] == "Ulytau"


def test_an_unknown_region_gets_a_tile_below_the_map():
    extra = [*REGIONS, {"code": "KZ-99", "name_kk": "Жаңа облысы"}]
    tiles = view.tiles(extra, {}, view.MEASURES[0], "kk")
    assert tiles[-1]["code"] == "KZ-99" and tiles[-1]["row"] == view.GRID_ROWS + 1


def test_colour_classes_turn_round_where_less_is_better():
    overdue = view.measure_of("overdue_tasks")
    assert [view.colour_class(overdue, n) for n in (0, 1, 2, 3, 5, 6, 10, 11, 50)] == \
        ["q4", "q3", "q3", "q2", "q2", "q1", "q1", "q0", "q0"]
    spi = view.measure_of("spi")
    assert [view.colour_class(spi, Decimal(x)) for x in ("0.5", "0.85", "0.92", "0.97", "1.0",
                                                         "1.3")] == \
        ["q0", "q1", "q2", "q3", "q4", "q4"]
    assert view.colour_class(spi, None) == "na"
    assert view.measure_of("nonsense").code == view.DEFAULT_MEASURE


def test_the_legend_reads_each_class_from_worst_to_best():
    risks = view.legend(view.measure_of("high_risks"))
    assert [(i["css"], i["form"], i["low"], i["high"]) for i in risks] == [
        ("q0", "from", 7, None), ("q1", "range", 4, 6), ("q2", "range", 2, 3),
        ("q3", "exactly", 1, 1), ("q4", "exactly", 0, 0)]
    rate = view.legend(view.measure_of("reporting_rate"))
    assert [(i["css"], i["form"], i["low"], i["high"]) for i in rate] == [
        ("q0", "below", None, 50), ("q1", "between", 50, 70), ("q2", "between", 70, 85),
        ("q3", "between", 85, 95), ("q4", "from", 95, None)]


PROGRAMME = {
    "as_of": "2026-11-30",
    "by_project": {
        "mediation": {"earned_value": {"pv": "1000.00", "ev": "800.00", "ac": "400.00",
                                       "spi": "0.800", "cpi": "2.000"},
                      "baseline": {"with": 1, "without": [7]}},
    },
    "totals": {
        "earned_value": {"pv": "1000.00", "ev": "800.00", "ac": "400.00", "spi": "0.800",
                         "cpi": "2.000"},
        "baseline": {"with": 1, "without": [7]},
        "overdue_by_region": {"KZ-61": 4, "RGU": 2},
        "risk_heat_map": {"project": {"cells": {"4,4": 2, "1,2": 1, "5,3": 1}},
                          "by_region": {"KZ-61": {"4,4": 1, "1,2": 1, "5,3": 1},
                                        "KZ-75": {"4,4": 1}}},
    },
}
RATES = {"by_region": [{"region_code": "KZ-61", "expected": 4, "reported": 3, "on_time": 2,
                        "missing": 1, "reporting_rate": 75.0, "on_time_rate": 50.0}],
         "national": {"expected": 4, "reported": 3}}
SUMMARIES = [
    {"regions": [{"region_code": "KZ-61", "earned_value": {"pv": "100", "ev": "50",
                                                          "ac": "25"}},
                 {"region_code": None, "earned_value": {"pv": "999", "ev": "1", "ac": "1"}}]},
    {"regions": [{"region_code": "KZ-61", "earned_value": {"pv": "100", "ev": "100",
                                                          "ac": "100"}},
                 {"region_code": "KZ-75", "earned_value": {"pv": "0.00", "ev": "0.00",
                                                          "ac": "0.00"}}]},
]


def test_region_figures_come_from_the_rates_the_programme_and_the_project_summaries():
    figures = view.region_figures(REGIONS, RATES, PROGRAMME, SUMMARIES)
    assert figures["KZ-61"] == {"reporting_rate": 75.0, "on_time_rate": 50.0,
                                "overdue_tasks": 4, "high_risks": 2,
                                "spi": Decimal("0.750"), "cpi": Decimal("1.200")}
    # a region with plans but nothing planned yet has no index; one without any no rate
    assert figures["KZ-75"]["spi"] is None and figures["KZ-75"]["high_risks"] == 1
    assert figures["KZ-11"]["reporting_rate"] is None and figures["KZ-11"]["overdue_tasks"] == 0
    without = view.region_figures(REGIONS, None, PROGRAMME, None)
    assert without["KZ-61"]["reporting_rate"] is None and without["KZ-61"]["spi"] is None


def test_the_table_lists_the_worst_first_and_regions_without_a_figure_last():
    measure = view.measure_of("overdue_tasks")
    figures = view.region_figures(REGIONS, RATES, PROGRAMME, None)
    rows = view.table_rows(view.tiles(REGIONS, figures, measure, "en"), measure)
    assert rows[0]["code"] == "KZ-61" and rows[0]["value"] == 4
    rate = view.measure_of("reporting_rate")
    figures = {"KZ-61": {"reporting_rate": 75.0}, "KZ-75": {"reporting_rate": 20.0}}
    rows = view.table_rows(view.tiles(REGIONS, figures, rate, "en"), rate)
    assert [r["code"] for r in rows[:2]] == ["KZ-75", "KZ-61"] and rows[-1]["value"] is None


def test_the_heat_map_has_impact_5_on_top_and_zones_by_score():
    heat = view.heat_map(PROGRAMME)
    assert [row["impact"] for row in heat["rows"]] == [5, 4, 3, 2, 1] and heat["total"] == 4
    cell = {(c["probability"], row["impact"]): c for row in heat["rows"] for c in row["cells"]}
    assert cell[(4, 4)]["count"] == 2 and cell[(4, 4)]["zone"] == "high"
    assert cell[(5, 3)]["zone"] == "high" and cell[(2, 3)]["zone"] == "medium"
    assert cell[(1, 2)]["zone"] == "low" and cell[(1, 2)]["count"] == 1
    assert view.regions_in_cell(PROGRAMME, 4, 4) == {"KZ-61": 1, "KZ-75": 1}
    assert view.regions_in_cell(PROGRAMME, 1, 1) == {}


def test_earned_value_rows_say_what_baseline_each_project_is_measured_against():
    projects = [{"code": "mediation"}, {"code": "mothers"}]
    rows, total = view.earned_value_rows(projects, PROGRAMME)
    assert rows[0]["pv"] == Decimal("1000.00") and rows[0]["spi"] == Decimal("0.800")
    assert rows[0]["with_baseline"] == 1 and rows[0]["without_baseline"] == 1
    assert rows[1]["pv"] is None and rows[1]["with_baseline"] == 0
    assert total["project"] is None and total["cpi"] == Decimal("2.000")


def test_backlog_rows_count_overdue_tasks_and_missing_reports_per_region():
    rows = {r["region"]["code"]: r for r in view.backlog_rows(REGIONS, PROGRAMME, RATES)}
    assert len(rows) == 20
    assert rows["KZ-61"]["overdue_tasks"] == 4 and rows["KZ-61"]["missing_reports"] == 1
    assert rows["KZ-75"]["overdue_tasks"] == 0 and rows["KZ-75"]["missing_reports"] == 0
    assert view.backlog_rows(REGIONS, PROGRAMME, {})[0]["missing_reports"] == 0
