"""A roll-up as a file: CSV (UTF-8 with BOM, so spreadsheet programs read Kazakh and
Russian; codes and plain numbers, for machines) or XLSX (for people: a title row saying
what, when and which period, headers and labels in the reader's language, region names,
number formats for money and percent, exact decimal numbers, via openpyxl).

A percent field has no sum: a share of one report added to another's means nothing, so
its row gives the count, the average (each report weighs the same), the minimum and the
maximum.

No text cell can become a formula (OWASP, CSV injection): in the CSV a text cell beginning
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote,
which spreadsheet programs show as text; in the XLSX every text cell is a string cell, never
a formula. Figures stay numbers. An XLSX number is a double, exact to 15 significant digits:
a figure with more (a sum over many large amounts) is written as its exact text, so that
every tiyn shows; the CSV writes every figure as exact decimal text.
"""
import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font

from kelisim.i18n import _, format_date, format_datetime, format_period, pick_name
from services.reports.contract import EXPORT_TYPES
from services.reports.domain.rollups import NOT_SUMMED  # percent fields: no sum

CSV_TYPE, XLSX_TYPE = EXPORT_TYPES["csv"], EXPORT_TYPES["xlsx"]
HEADER = ("group", "field", "label_kk", "label_ru", "reports", "count", "sum", "avg", "min",
          "max")
STATS = ("sum", "avg", "min", "max")
NATIONAL = "national"
# Excel number formats per field type (percent fields hold 0..100, not 0..1)
NUMBER_FORMATS = {"integer": "#,##0", "decimal": "#,##0.00", "money": '#,##0.00 "₸"',
                  "percent": '0.0 "%"'}
COLUMNS = (_("Indicator"), _("Reports"), _("Values"), _("Sum"), _("Average"),
           _("Minimum"), _("Maximum"))
WIDTHS = (34, 48, 10, 10, 18, 18, 18, 18)
FIGURES = 4  # CSV columns from here on are numbers (reports, count, then STATS)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXACT_DIGITS = 15  # significant digits every double holds exactly


def _stats(spec, agg):
    """The four aggregates of one field, with no sum for a percent field."""
    return [None if stat == "sum" and spec["type"] in NOT_SUMMED else agg[stat]
            for stat in STATS]


def table(rollup):
    """Header and rows: one row per group and field, the national total last."""
    rows = []
    for group in [*rollup["groups"], rollup["national"]]:
        for spec in rollup["fields"]:
            agg = group["fields"][spec["code"]]
            rows.append([group["group"], spec["code"], spec["label_kk"], spec["label_ru"],
                         group["reports"], agg["count"], *_stats(spec, agg)])
    return HEADER, rows


def as_text(value):
    """A text cell a spreadsheet program cannot take for a formula (OWASP's leading quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _figure(value):
    """A figure as an XLSX number when a double holds it exactly, else as its exact text."""
    if value is None:
        return None
    number = Decimal(value)
    if number.is_finite() and len(number.normalize().as_tuple().digits) <= EXACT_DIGITS:
        return number
    return str(value)


def _text_cell(sheet, value):
    """A string cell of ``value``, never a formula (openpyxl would make a formula of any
    text beginning with ``=``)."""
    cell = Cell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _append(sheet, values):
    """Append a row whose text cells are string cells."""
    sheet.append([_text_cell(sheet, v) if isinstance(v, str) else v for v in values])


def to_csv(rollup):
    header, rows = table(rollup)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v if i >= FIGURES else as_text(v)
                       for i, v in enumerate(row)] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def _group_name(rollup, code, regions, lang):
    if code == NATIONAL:
        return _("Kazakhstan (national total)").render(lang)
    if rollup["by"] == "region" and code in (regions or {}):
        return pick_name(regions[code], lang)
    return code


def _label(spec, lang):
    # a template without English labels reads in Russian in an English export (README)
    return pick_name({"kk": spec.get("label_kk"), "ru": spec.get("label_ru"),
                      "en": spec.get("label_en")}, lang) \
        or spec["code"]


def title_lines(rollup, lang, now):
    """The title of the sheet: what, by what, which period; when it was made."""
    period = _("{first} – {last}", first=format_period(rollup["period_from"][:7], lang),
               last=format_period(rollup["period_to"][:7], lang))
    titles = rollup.get("template_titles") or {}
    params = {"templates": "», «".join(
        pick_name(titles[code], lang) if titles.get(code) else code
        for code in rollup["templates"]), "period": period}
    what = (_("Roll-up of the reports «{templates}» by region, {period}", **params)
            if rollup["by"] == "region" else
            _("Roll-up of the reports «{templates}» by base project, {period}", **params))
    which = _("accepted reports only") if rollup["accepted_only"] else _(
        "submitted and accepted reports")
    return [_("{what} ({which})", what=what, which=which).render(lang),
            _("Made {when} (Astana time); periods from {first} to {last}.",
              when=format_datetime(now, lang), first=format_date(rollup["period_from"]),
              last=format_date(rollup["period_to"])).render(lang)]


def to_xlsx(rollup, lang="kk", regions=None, now=None):
    """The workbook a ministry can hand on, in ``lang``; ``regions`` maps region codes to
    their names ({"kk": ..., "ru": ..., "en": ...})."""
    now = now or datetime.now(UTC)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Roll-up").render(lang)
    for line in title_lines(rollup, lang, now):
        _append(sheet, [line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    first = _("Region") if rollup["by"] == "region" else _("Base project")
    _append(sheet, [column.render(lang) for column in (first, *COLUMNS)])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for group in [*rollup["groups"], rollup["national"]]:
        name = _group_name(rollup, group["group"], regions, lang)
        for spec in rollup["fields"]:
            agg = group["fields"][spec["code"]]
            values = [_figure(v) for v in _stats(spec, agg)]
            _append(sheet, [name, _label(spec, lang), group["reports"], agg["count"], *values])
            row = sheet.max_row
            for column in (3, 4):
                sheet.cell(row, column).number_format = "#,##0"
            for column in range(5, 9):
                sheet.cell(row, column).number_format = NUMBER_FORMATS.get(spec["type"],
                                                                           "#,##0.00")
            if spec["type"] == "integer":  # an average of whole numbers is not whole: 6.75
                sheet.cell(row, 6).number_format = "#,##0.00"
            if group["group"] == NATIONAL:
                for cell in sheet[row]:
                    cell.font = Font(bold=True)
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[chr(ord("A") + index - 1)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(rollup, fmt, lang="kk", regions=None, now=None):
    """(bytes, content type, file extension) of ``rollup`` in ``fmt`` (csv or xlsx); the
    XLSX in ``lang`` with the ``regions``' names."""
    if fmt == "xlsx":
        return to_xlsx(rollup, lang, regions, now), XLSX_TYPE, "xlsx"
    return to_csv(rollup), CSV_TYPE, "csv"
