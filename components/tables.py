"""Tables: the "worst five" lists and the per-kecamatan AG Grid."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.i18n import fmt_int, fmt_pct, t

# Same bands as store.vocab.AGE_BANDS; components do not import the store.
_AGE_LABELS = ("0-3", "4-7", "8-14", "15-30", ">30")


def worst_by_sla(frame: pd.DataFrame, n: int = 5, min_evaluated: int = 5) -> pd.DataFrame:
    """The n rows with the lowest SLA compliance among those with enough evaluated complaints."""
    df = frame[(frame["sla_evaluated"] >= min_evaluated) & frame["sla_pct"].notna()]
    return df.sort_values(["sla_pct", "open_beyond_sla"], ascending=[True, False]).head(n)


def worst_table(frame: pd.DataFrame, lang: str, param: str, base_query: dict[str, str]) -> dbc.Table:
    """A small table whose names link to Statistik Aduan filtered to that row."""
    header = html.Thead(
        html.Tr(
            [
                html.Th(t("col.name", lang)),
                html.Th(t("col.sla_pct", lang), className="text-end"),
                html.Th(t("col.complaints", lang), className="text-end"),
                html.Th(t("col.open_beyond_sla", lang), className="text-end"),
            ]
        )
    )
    rows = []
    for r in frame.itertuples():
        href = "/statistik?" + urlencode({**base_query, param: r.key})
        rows.append(
            html.Tr(
                [
                    html.Td(dcc.Link(r.name, href=href)),
                    html.Td(fmt_pct(r.sla_pct, lang), className="text-end"),
                    html.Td(fmt_int(r.complaints, lang), className="text-end"),
                    html.Td(fmt_int(r.open_beyond_sla, lang), className="text-end"),
                ]
            )
        )
    return dbc.Table([header, html.Tbody(rows)], size="sm", hover=True, className="mb-0")


def kecamatan_grid(grid_id: str, lang: str) -> dag.AgGrid:
    """Sortable, exportable grid of per-kecamatan figures; rows come from a callback."""
    num = {"type": "rightAligned", "filter": "agNumberColumnFilter"}
    locale = "id-ID" if lang == "id" else "en-GB"
    pct = {
        "function": f"params.value == null ? '–' : params.value.toLocaleString('{locale}', "
        "{maximumFractionDigits: 1}) + '%'"
    }
    dec = {
        "function": f"params.value == null ? '–' : params.value.toLocaleString('{locale}', "
        "{maximumFractionDigits: 1})"
    }
    fmt = {"function": f"params.value == null ? '–' : params.value.toLocaleString('{locale}')"}
    cols = [
        {"field": "name", "headerName": t("col.name", lang), "pinned": "left", "minWidth": 160},
        {"field": "complaints", "headerName": t("col.complaints", lang), "valueFormatter": fmt, **num},
        {"field": "resolved_pct", "headerName": t("col.resolved_pct", lang), "valueFormatter": pct, **num},
        {"field": "median_hours", "headerName": t("col.median_hours", lang), "valueFormatter": dec, **num},
        {"field": "p90_hours", "headerName": t("col.p90_hours", lang), "valueFormatter": dec, **num},
        {"field": "sla_pct", "headerName": t("col.sla_pct", lang), "valueFormatter": pct, **num},
        {"field": "open", "headerName": t("col.open", lang), "valueFormatter": fmt, **num},
        {
            "field": "open_beyond_sla",
            "headerName": t("col.open_beyond_sla", lang),
            "valueFormatter": fmt,
            **num,
        },
    ] + [
        {"field": f"age_{b}", "headerName": t("col.age", lang, band=b), "valueFormatter": fmt, **num}
        for b in _AGE_LABELS
    ]
    return dag.AgGrid(
        id=grid_id,
        columnDefs=cols,
        rowData=[],
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "minWidth": 95,
            "flex": 1,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        dashGridOptions={"domLayout": "autoHeight", "animateRows": False},
        csvExportParams={"fileName": "statistik-per-kecamatan.csv"},
        className="ag-theme-alpine",
        style={"width": "100%"},
    )
