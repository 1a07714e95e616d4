"""Builders of the Kesehatan Data page: source cards, run and quarantine grids, the upload report."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.i18n import WIB, fmt_datetime_wib, fmt_int, t
from components.shell import source_label

GRID_TIME = "%Y-%m-%d %H:%M:%S"  # sortable as text, shown in WIB


def ago(delta: timedelta | None, lang: str) -> str:
    """ "12 menit lalu" / "12 minutes ago"; hours below two days, then days."""
    if delta is None:
        return t("kes.never", lang)
    minutes = delta.total_seconds() / 60
    if minutes < 1:
        return t("ago.now", lang)
    if minutes < 60:
        return t("ago.minutes", lang, n=int(minutes))
    if minutes < 48 * 60:
        return t("ago.hours", lang, n=int(minutes // 60))
    return t("ago.days", lang, n=int(minutes // (24 * 60)))


def grid_time(moment: datetime | None) -> str | None:
    return None if moment is None or pd.isna(moment) else moment.astimezone(WIB).strftime(GRID_TIME)


def job_label(job_id: str, lang: str) -> str:
    """ "sync_elapor" -> "e-Lapor", "import_file" -> "Impor berkas"; unknown jobs by their id."""
    return source_label(job_id.removeprefix("sync_"), lang)


def _state(row: dict[str, Any]) -> tuple[str, str]:
    if row["runs"] == 0:
        return "never_run", "secondary"
    if row["last_success"] is None:
        return "never_ok", "danger"
    if row["stale"]:
        return "stale", "danger"
    if row["running"]:
        return "running", "info"
    return "ok", "success"


def source_card(row: dict[str, Any], lang: str) -> dbc.Card:
    """One source: its state badge, last success ("12 menit lalu") and lag, watermark, last error."""
    state, color = _state(row)
    body = [
        html.Div(
            [
                html.H3(source_label(row["source"], lang), className="h6 mb-0"),
                dbc.Badge(t(f"kes.state.{state}", lang), color=color, className="kes-state"),
            ],
            className="d-flex justify-content-between align-items-center mb-2",
        ),
        html.Div(t("kes.last_success", lang), className="kpi-title"),
        html.Div(
            ago(row["lag"], lang),
            className="kpi-value" + (" text-danger" if row["stale"] else ""),
            id={"type": "kes-lag", "source": row["source"]},
        ),
        html.Div(fmt_datetime_wib(row["last_success"], lang), className="kpi-note text-muted"),
    ]
    if row["runs"] == 0:
        body.append(html.Div(t("kes.never_run.hint", lang), className="small text-muted mt-2"))
    if row.get("watermark"):
        body.append(
            html.Div(
                f"{t('kes.watermark', lang)}: {fmt_datetime_wib(row['watermark'], lang)}",
                className="small text-muted mt-2",
            )
        )
    if row["last_status"] == "failed" and row["last_error"]:
        body.append(
            html.Div(
                t("kes.last_run_failed", lang, error=row["last_error"][:300]),
                className="small text-danger mt-1 text-break",
            )
        )
    if row["failures_24h"]:
        body.append(
            html.Div(t("kes.failures_24h", lang, n=row["failures_24h"]), className="small text-muted")
        )
    return dbc.Card(
        dbc.CardBody(body),
        className="kpi-card h-100" + (" border border-2 border-danger" if row["stale"] else ""),
        id={"type": "kes-source", "source": row["source"]},
    )


def source_cards(rows: list[dict[str, Any]], lang: str) -> dbc.Row:
    """A card per sync source, late ones flagged red."""
    return dbc.Row([dbc.Col(source_card(r, lang), xs=12, md=6, xl=4) for r in rows], className="g-3 mb-3")


def unknown_table(frame: pd.DataFrame, lang: str) -> html.Div:
    """Per source: complaints, and counts of unknown category, agency, kecamatan, kelurahan."""
    if frame.empty:
        return html.P(t("kes.unknown.none", lang), className="text-muted mb-0")
    cols = [
        ("complaints", "col.total"),
        ("category", "col.unknown_category"),
        ("agency", "col.unknown_agency"),
        ("kecamatan", "col.unknown_kecamatan"),
        ("kelurahan", "col.unknown_kelurahan"),
    ]
    head = html.Thead(
        html.Tr(
            [html.Th(t("col.source", lang))] + [html.Th(t(k, lang), className="text-end") for _c, k in cols]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Td(source_label(r["source"], lang))]
                + [html.Td(fmt_int(r[c], lang), className="text-end") for c, _k in cols]
            )
            for r in frame.to_dict("records")
        ]
    )
    return dbc.Table([head, body], size="sm", className="mb-0", id="kes-unknown-table")


def unrecognised_list(frame: pd.DataFrame, lang: str) -> html.Div | None:
    """The most frequent values that could not be mapped, as "category 'Jalan Berlubang' 12×"."""
    if frame.empty:
        return None
    items = [
        html.Li(
            [
                html.Span(f"{job_label(r['job_id'], lang)} · {r['field']}: ", className="text-muted"),
                html.Code(r["value"]),
                f" {fmt_int(r['count'], lang)}×",
            ]
        )
        for r in frame.to_dict("records")
    ]
    return html.Div(
        [
            html.Div(t("kes.unrecognised", lang), className="small fw-semibold mt-2"),
            html.Ul(items, className="small mb-0"),
        ],
        id="kes-unrecognised",
    )


_NUM = {"type": "rightAligned", "filter": "agNumberColumnFilter", "maxWidth": 120}
# AG Grid's own words (pager, empty grid) in Indonesian; English is the grid's default.
_GRID_ID = {
    "noRowsToShow": "Tidak ada baris",
    "page": "Halaman",
    "of": "dari",
    "to": "s.d.",
    "pageSizeSelectorLabel": "Baris per halaman:",
    "firstPage": "Halaman pertama",
    "previousPage": "Halaman sebelumnya",
    "nextPage": "Halaman berikutnya",
    "lastPage": "Halaman terakhir",
    "loadingOoo": "Memuat…",
}


def _grid_words(lang: str) -> dict:
    return {"localeText": _GRID_ID} if lang == "id" else {}


def runs_grid(grid_id: str, lang: str, rows: list[dict]) -> dag.AgGrid:
    """Recent runs: job, start, duration, outcome, counts, error."""
    status_style = {
        "styleConditions": [
            {"condition": "params.data.status_code == 'failed'", "style": {"color": "#b02a37"}},
            {"condition": "params.data.status_code == 'running'", "style": {"color": "#055160"}},
        ]
    }
    cols = [
        # A filter per job: snapshot cycles run every minute, syncs every few, reports weekly.
        {
            "field": "job",
            "headerName": t("col.job", lang),
            "minWidth": 130,
            "filter": True,
            "floatingFilter": True,
        },
        {"field": "started", "headerName": t("col.started", lang), "minWidth": 160, "sort": "desc"},
        {"field": "duration_s", "headerName": t("col.duration", lang), **_NUM},
        {
            "field": "status",
            "headerName": t("col.run_status", lang),
            "cellStyle": status_style,
            "maxWidth": 110,
        },
        *[
            {"field": c, "headerName": t(f"col.{c}", lang), **_NUM}
            for c in ("fetched", "inserted", "updated", "unchanged", "rejected")
        ],
        {"field": "error", "headerName": t("col.error", lang), "minWidth": 220, "tooltipField": "error"},
    ]
    return dag.AgGrid(
        id=grid_id,
        columnDefs=cols,
        rowData=rows,
        defaultColDef={"sortable": True, "resizable": True, "flex": 1},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 10,
            "paginationPageSizeSelector": [10, 25, 50, 100],
            "domLayout": "autoHeight",
            **_grid_words(lang),
        },
        className="ag-theme-alpine",
        style={"width": "100%"},
    )


def run_rows(frame: pd.DataFrame, lang: str) -> list[dict]:
    """Grid rows for runs: WIB times, translated outcome, source names in the job column."""
    rows = []
    for r in frame.to_dict("records"):
        job = r["job_id"]
        rows.append(
            {
                "id": int(r["id"]),
                "job": job_label(job, lang),
                "started": grid_time(r["started_at"]),
                "duration_s": None if pd.isna(r["duration_s"]) else r["duration_s"],
                "status": t(f"run.{r['status']}", lang),
                "status_code": r["status"],
                **{c: int(r[c]) for c in ("fetched", "inserted", "updated", "unchanged", "rejected")},
                "error": r["error"],
            }
        )
    return rows


def failures_list(frame: pd.DataFrame, lang: str) -> html.Div:
    """Newest failed runs with their error text."""
    if frame.empty:
        return html.P(t("kes.failures.none", lang), className="text-muted mb-0")
    items = [
        dbc.ListGroupItem(
            [
                html.Div(
                    [
                        html.Strong(job_label(r["job_id"], lang)),
                        html.Small(fmt_datetime_wib(r["started_at"], lang), className="text-muted"),
                    ],
                    className="d-flex justify-content-between",
                ),
                html.Div(r["error"] or "–", className="small text-danger text-break kes-error"),
            ]
        )
        for r in frame.to_dict("records")
    ]
    return dbc.ListGroup(items, flush=True, className="kes-failures")


def rejected_grid(grid_id: str, lang: str, rows: list[dict]) -> dag.AgGrid:
    """Quarantined records (one page of them): when, source, id, field, reason, scrubbed content."""
    cols = [
        {"field": "received", "headerName": t("col.received", lang), "minWidth": 160},
        {"field": "source", "headerName": t("col.source", lang), "maxWidth": 130},
        {"field": "external_id", "headerName": t("col.external_id", lang), "maxWidth": 160},
        {"field": "field", "headerName": t("col.field", lang), "maxWidth": 150},
        {"field": "reason", "headerName": t("col.reason", lang), "minWidth": 240, "tooltipField": "reason"},
        {
            "field": "payload",
            "headerName": t("col.payload", lang),
            "minWidth": 240,
            "tooltipField": "payload",
        },
    ]
    return dag.AgGrid(
        id=grid_id,
        columnDefs=cols,
        rowData=rows,
        defaultColDef={"sortable": False, "resizable": True, "flex": 1},
        dashGridOptions={"domLayout": "autoHeight", "tooltipShowDelay": 300, **_grid_words(lang)},
        className="ag-theme-alpine",
        style={"width": "100%"},
    )


def rejected_rows(frame: pd.DataFrame) -> list[dict]:
    """Grid rows for quarantined records (the payload is already scrubbed by the store)."""
    return [
        {
            "id": int(r["id"]),
            "received": grid_time(r["received_at"]),
            "source": r["source"],
            "external_id": r["external_id"],
            "field": r["field"],
            "reason": r["reason"],
            "payload": (r["payload"] or "")[:500],
        }
        for r in frame.to_dict("records")
    ]


def panel(title_key: str, lang: str, *children: Any, extra: Any = None, **kwargs: Any) -> html.Div:
    """A white panel with a title (and something on its right, e.g. a button)."""
    head = html.Div(
        [html.H2(t(title_key, lang), className="mb-0"), extra],
        className="d-flex justify-content-between mb-2",
    )
    return html.Div([head, *children], className="panel", **kwargs)


def quarantine_panel(
    prefix: str, lang: str, choices: dict[str, list[str]], rows: list[dict], count: str, pages: int
) -> html.Div:
    """Quarantined records: filters (source, field, text), one page of the grid, pager, CSV button."""
    filters = dbc.Row(
        [
            dbc.Col(
                dcc.Dropdown(
                    id=f"{prefix}-rej-source",
                    options=[{"value": s, "label": source_label(s, lang)} for s in choices["source"]],
                    placeholder=t("col.source", lang),
                ),
                md=3,
            ),
            dbc.Col(
                dcc.Dropdown(
                    id=f"{prefix}-rej-field",
                    options=[{"value": f, "label": f} for f in choices["field"]],
                    placeholder=t("col.field", lang),
                ),
                md=3,
            ),
            dbc.Col(
                dbc.Input(id=f"{prefix}-rej-text", placeholder=t("kes.rejected.search", lang), debounce=True),
                md=4,
            ),
            dbc.Col(html.Div(count, id=f"{prefix}-rej-count", className="small text-muted pt-2"), md=2),
        ],
        className="g-2 mb-2",
    )
    download = dbc.Button(
        t("kes.rejected.download", lang),
        id=f"{prefix}-rej-download-btn",
        size="sm",
        color="secondary",
        outline=True,
    )
    return panel(
        "kes.rejected",
        lang,
        html.P(t("kes.rejected.note", lang), className="small text-muted mb-2"),
        filters,
        rejected_grid(f"{prefix}-rej-grid", lang, rows),
        dbc.Pagination(
            id=f"{prefix}-rej-pages",
            max_value=pages,
            active_page=1,
            fully_expanded=False,
            first_last=True,
            previous_next=True,
            size="sm",
            className="mt-2 mb-0",
        ),
        dcc.Download(id=f"{prefix}-rej-download"),
        extra=download,
    )
