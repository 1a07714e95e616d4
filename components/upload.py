"""Builders of the file upload on Kesehatan Data: the drop zone, progress and the row-level report."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.i18n import fmt_int, t

ISSUES_SHOWN = 200


_DROP = {
    "border": "2px dashed #adb5bd",
    "borderRadius": "0.375rem",
    "padding": "1.5rem",
    "textAlign": "center",
    "cursor": "pointer",
    "background": "#f8f9fa",
}


def upload_area(upload_id: str, lang: str, max_mb: int) -> dcc.Upload:
    """The drop zone for a CSV or XLSX export."""
    return dcc.Upload(
        html.Div(t("kes.upload.drop", lang, mb=max_mb)),
        id=upload_id,
        # No `accept`: the drop zone would drop a wrong file silently; the page names it instead.
        # max_size stays, so a huge file never reaches the web worker's memory.
        max_size=max_mb * 1024 * 1024,
        multiple=False,
        # Inline styles: the drop zone is this page's only one, and assets/ CSS is shared.
        style=_DROP,
        style_active={**_DROP, "borderColor": "#0d6efd", "background": "#e7f1ff"},
        style_reject={**_DROP, "borderColor": "#dc3545", "background": "#f8d7da"},
    )


# Counts of an import report (jobs.import_file.ImportReport), in display order, with their label.
_REPORT_COUNTS = (
    ("rows", "kes.upload.rows"),
    ("inserted", "col.inserted"),
    ("updated", "col.updated"),
    ("unchanged", "col.unchanged"),
    ("rejected", "col.rejected"),
    ("duplicates", "kes.upload.duplicates"),
)


def _unknown_line(report: dict[str, Any], lang: str) -> html.Div | None:
    unknown = report.get("unknown") or {}
    if not unknown:
        return None
    parts = []
    for name, n in sorted(unknown.items()):
        seen = list((report.get("unrecognised") or {}).get(name, {}))[:3]
        examples = f" ({', '.join(repr(v) for v in seen)})" if seen else ""
        parts.append(f"{name} {fmt_int(n, lang)}{examples}")
    return html.Div(t("kes.upload.unknown", lang, items="; ".join(parts)), className="small text-muted mb-2")


def import_report(report: dict[str, Any], lang: str) -> html.Div:
    """An import's counts and its row-level report (row, column, reason)."""
    counts = [
        html.Div(
            [
                html.Div(t(label, lang), className="kpi-title"),
                html.Div(fmt_int(report[k], lang), className="h5"),
            ],
            className="me-4",
            id={"type": "kes-import-count", "key": k},
        )
        for k, label in _REPORT_COUNTS
        if isinstance(report.get(k), int)
    ]
    problems = report.get("problems") or []
    parts: list[Any] = [html.Div(counts, className="d-flex flex-wrap"), _unknown_line(report, lang)]
    if not problems:
        parts.append(html.P(t("kes.upload.no_issues", lang), className="text-success mb-0"))
        return html.Div(parts, id="kes-import-report")
    head = html.Thead(html.Tr([html.Th(t(k, lang)) for k in ("col.row", "col.field", "col.reason")]))
    body = html.Tbody(
        [
            html.Tr(
                [html.Td(p.get("row", "–")), html.Td(p.get("column") or "–"), html.Td(p.get("reason", ""))]
            )
            for p in problems[:ISSUES_SHOWN]
        ]
    )
    parts.append(html.H3(t("kes.upload.issues", lang), className="h6 mt-2"))
    parts.append(dbc.Table([head, body], size="sm", striped=True, className="mb-1", id="kes-import-issues"))
    total = len(problems) + int(report.get("problems_not_listed") or 0)
    if total > ISSUES_SHOWN:
        parts.append(
            html.Small(
                t("kes.upload.more", lang, shown=ISSUES_SHOWN, n=fmt_int(total, lang)), className="text-muted"
            )
        )
    return html.Div(parts, id="kes-import-report")


def import_status(status: dict[str, Any] | None, lang: str, elapsed_s: float = 0.0) -> Any:
    """What the upload panel shows for an import's status file: progress, report or error."""
    if not status:
        return None
    name = status.get("filename", "")
    state = status.get("state")
    if state in ("queued", "running"):
        rows = (status.get("progress") or {}).get("rows") or 0
        return html.Div(
            [
                html.Div(
                    t("kes.upload.running", lang, name=name, rows=fmt_int(rows, lang), s=int(elapsed_s)),
                    className="small mb-1",
                    id="kes-import-running",
                ),
                # Rows are streamed from the file, so the total is unknown until the end: the bar
                # moves to show life, the count says how far.
                dbc.Progress(value=100, striped=True, animated=True, id="kes-import-progress"),
            ]
        )
    if state == "done":
        return html.Div(
            [
                dbc.Alert(t("kes.upload.done", lang, name=name), color="success", className="py-2 mb-2"),
                import_report(status.get("report") or {}, lang),
            ]
        )
    if state == "lost":
        return dbc.Alert(t("kes.upload.lost", lang), color="warning", id="kes-import-error")
    parts: list[Any] = [
        dbc.Alert(
            t("kes.upload.failed", lang, name=name, error=status.get("error") or "?"),
            color="danger",
            id="kes-import-error",
        )
    ]
    if status.get("report"):  # stopped part-way: what was done before is in
        parts.append(import_report(status["report"], lang))
    return html.Div(parts)
