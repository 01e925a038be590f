"""A roll-up as a file: CSV (UTF-8 with BOM, so spreadsheet programs read Kazakh and
Russian) or XLSX (exact decimal numbers, via openpyxl)."""
import csv
import io
from decimal import Decimal

from openpyxl import Workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("group", "field", "label_kk", "label_ru", "reports", "count", "sum", "avg", "min",
          "max")
STATS = ("sum", "avg", "min", "max")


def table(rollup):
    """Header and rows: one row per group and field, the national total last."""
    rows = []
    for group in [*rollup["groups"], rollup["national"]]:
        for spec in rollup["fields"]:
            agg = group["fields"][spec["code"]]
            rows.append([group["group"], spec["code"], spec["label_kk"], spec["label_ru"],
                         group["reports"], agg["count"], *(agg[s] for s in STATS)])
    return HEADER, rows


def to_csv(rollup):
    header, rows = table(rollup)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[("" if v is None else v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rollup):
    header, rows = table(rollup)
    book = Workbook()
    sheet = book.active
    sheet.title = "rollup"
    sheet.append(header)
    for row in rows:
        sheet.append([Decimal(v) if i >= 6 and v is not None else v for i, v in enumerate(row)])
    about = book.create_sheet("about")
    for key in ("templates", "by", "period_from", "period_to", "accepted_only"):
        value = rollup[key]
        about.append([key, ", ".join(value) if isinstance(value, list) else value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(rollup, fmt):
    """(bytes, content type, file extension) of ``rollup`` in ``fmt`` (csv or xlsx)."""
    if fmt == "xlsx":
        return to_xlsx(rollup), XLSX_TYPE, "xlsx"
    return to_csv(rollup), CSV_TYPE, "csv"
