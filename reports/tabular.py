"""XLSX and CSV exports. The complaint rows stream from the database chunk by chunk into the file.

XLSX uses openpyxl's write-only mode (rows go to a temporary XML stream as they come, memory
stays flat) with widths, number and date formats, a frozen header and an autofilter per sheet.
Times are written in WIB without a zone (Excel has none); the header says "(WIB)".
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine

from components.i18n import WIB, t
from reports.content import ReportContent
from reports.summary import filters_text, kpi_values, period_text
from store.filters import Filter
from store.report_rows import export_columns, iter_row_chunks

XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
Progress = Callable[[int], None]  # rows written so far

_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="0B3D6E")
DATETIME_FMT = "yyyy-mm-dd hh:mm"
DATE_FMT = "yyyy-mm-dd"
INT_FMT = "#,##0"
PCT_FMT = "0.0"
HOURS_FMT = "#,##0.0"

BREAKDOWN_SHEET_COLS = (
    # (breakdown column, i18n key, width, number format)
    ("key", "rep.col.code", 12, None),
    ("name", "col.name", 28, None),
    ("complaints", "col.complaints", 11, INT_FMT),
    ("resolved", "col.resolved", 11, INT_FMT),
    ("resolved_pct", "col.resolved_pct", 11, PCT_FMT),
    ("median_hours", "col.median_hours", 12, HOURS_FMT),
    ("p90_hours", "col.p90_hours", 11, HOURS_FMT),
    ("sla_evaluated", "rep.col.sla_evaluated", 12, INT_FMT),
    ("sla_met", "rep.col.sla_met", 12, INT_FMT),
    ("sla_pct", "col.sla_pct", 9, PCT_FMT),
    ("open", "col.open", 10, INT_FMT),
    ("open_beyond_sla", "col.open_beyond_sla", 11, INT_FMT),
)
ROW_WIDTHS = {"title": 48, "category": 26, "agency": 18, "kecamatan": 18, "kelurahan": 20, "external_id": 16}
TIME_COLS = ("created_at", "forwarded_at", "first_response_at", "response_due_at", "resolved_at", "closed_at")


def _wib(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(WIB).replace(tzinfo=None)


def _row_converter(columns: list[str]) -> Callable[[tuple], list]:
    time_idx = [i for i, c in enumerate(columns) if c in TIME_COLS]
    flag = columns.index("confidential") if "confidential" in columns else None

    def convert(row: tuple) -> list:
        out = list(row)
        for i in time_idx:
            v = out[i]
            if v is not None:
                out[i] = v.astimezone(WIB).replace(tzinfo=None)
        if flag is not None:
            out[flag] = "RAHASIA" if out[flag] else ""
        return out

    return convert


def _header(ws, labels: list[str]) -> None:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=label)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cells.append(cell)
    ws.append(cells)


def _sheet(wb: Workbook, title: str, labels: list[str], widths: list[float], n_rows_hint: int | None = None):
    ws = wb.create_sheet(title)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    last = get_column_letter(len(labels))
    ws.auto_filter.ref = f"A1:{last}{(n_rows_hint or 1) + 1}"
    _header(ws, labels)
    return ws


def _formatted(ws, values: Iterable, formats: Iterable[str | None]) -> list:
    out = []
    for v, fmt in zip(values, formats, strict=True):
        if fmt is None or v is None:
            out.append(v)
            continue
        cell = WriteOnlyCell(ws, value=v)
        cell.number_format = fmt
        out.append(cell)
    return out


def _ringkasan(wb: Workbook, content: ReportContent, rows_written: int | None, truncated: bool) -> None:
    lang = content.req.lang
    ws = _sheet(
        wb,
        "Ringkasan",
        [
            t("rep.kpi.indicator", lang),
            t("rep.kpi.current", lang),
            t("rep.kpi.previous", lang),
            t("rep.kpi.change", lang),
        ],
        [42, 16, 16, 16],
        5,
    )
    for v in kpi_values(content):
        fmt = PCT_FMT if v["key"].endswith("_pct") else (HOURS_FMT if v["key"] == "median_hours" else INT_FMT)
        ws.append([v["label"], *_formatted(ws, (v["current"], v["previous"], v["delta"]), (fmt, fmt, fmt))])
    ws.append([])
    facts = [
        (t("rep.title", lang), ""),
        (t("rep.cover.period", lang), period_text(content)),
        (t("rep.cover.scope", lang), content.scope_label),
        (t("rep.cover.filters", lang), filters_text(content)),
        (t("rep.cover.generated", lang), content.generated_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")),
        (t("rep.kpi.units", lang), t("rep.kpi.units.text", lang)),
    ]
    if truncated:
        facts.append((t("rep.xlsx.truncated", lang), f"{rows_written:,}"))
    for a, b in facts:
        ws.append([a, b])


def _breakdown_sheet(wb: Workbook, title: str, frame: pd.DataFrame, lang: str) -> None:
    cols = BREAKDOWN_SHEET_COLS
    ws = _sheet(wb, title, [t(k, lang) for _, k, _, _ in cols], [w for _, _, w, _ in cols], len(frame))
    fmts = [f for _, _, _, f in cols]
    for rec in frame[[c for c, _, _, _ in cols]].itertuples(index=False):
        values = [None if (isinstance(v, float) and pd.isna(v)) else v for v in rec]
        ws.append(_formatted(ws, values, fmts))


def _row_labels(columns: list[str], lang: str) -> list[str]:
    return [t(f"rep.row.{c}", lang) for c in columns]


def write_xlsx(
    engine: Engine, content: ReportContent, path: Path, total_rows: int, progress: Progress | None = None
) -> int:
    """Write the workbook; returns the number of complaint rows in the Aduan sheet."""
    lang, staff = content.req.lang, content.req.confidential
    wb = Workbook(write_only=True)
    columns = export_columns(staff)
    shown = min(total_rows, XLSX_MAX_ROWS)
    truncated = total_rows > XLSX_MAX_ROWS
    _ringkasan(wb, content, shown, truncated)
    _breakdown_sheet(wb, "Per Kecamatan", content.by_kecamatan, lang)
    _breakdown_sheet(wb, "Per OPD", content.by_agency, lang)
    widths = [ROW_WIDTHS.get(c, 17 if c in TIME_COLS else 12) for c in columns]
    ws = _sheet(wb, "Aduan", _row_labels(columns, lang), widths, shown)
    convert = _row_converter(columns)
    # Plain values, not a WriteOnlyCell each: a million rows would mean twenty million cell
    # objects. openpyxl gives datetimes its date-time format; the header row carries the units.
    written = 0
    for chunk in iter_row_chunks(engine, content.flt, staff):
        for row in chunk:
            if written >= shown:
                break
            ws.append(convert(row))
            written += 1
        if progress:
            progress(written)
        if written >= shown:
            break
    wb.save(path)
    return written


def write_csv(engine: Engine, flt: Filter, staff: bool, path: Path, progress: Progress | None = None) -> int:
    """Write the complaint rows of `flt` as UTF-8 CSV (with BOM, for Excel); returns the row count."""
    columns = export_columns(staff)
    convert = _row_converter(columns)
    written = 0
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([c if c not in TIME_COLS else f"{c}_wib" for c in columns])
        for chunk in iter_row_chunks(engine, flt, staff):
            writer.writerows(convert(r) for r in chunk)
            written += len(chunk)
            if progress:
                progress(written)
    return written
