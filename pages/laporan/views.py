"""Pure builders of the Laporan page: the generation status and the archive table."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components.i18n import fmt_date, fmt_datetime_wib, t
from routes.reports import download_url

P = "lap"
STATUS_COLOR = {"queued": "secondary", "running": "info", "done": "success", "failed": "danger"}


def period_label(row: dict[str, Any], lang: str) -> str:
    """ "1 Nov 2026 – 30 Nov 2026" of an archive row."""
    return t(
        "period.range", lang, start=fmt_date(row["period_start"], lang), end=fmt_date(row["period_end"], lang)
    )


def scope_label(row: dict[str, Any], names: dict[str, str], lang: str) -> str:
    """The scope of an archive row in words (names: code -> kecamatan or OPD name)."""
    if row["scope_kind"] == "city":
        return t("rep.scope.city", lang)
    name = names.get(row["scope_code"] or "", row["scope_code"] or "?")
    return t(f"rep.scope.{row['scope_kind']}.named", lang, name=name)


def status_view(row: dict[str, Any] | None, lang: str, lost: bool = False) -> html.Div:
    """Progress of one report, and its download link once it is done."""
    if row is None:
        return html.Div()
    state = "failed" if lost else row["status"]
    progress = 100 if state in ("done", "failed") else max(3, int(row["progress"] or 0))
    stage = t(f"lap.stage.{row['stage']}", lang) if row.get("stage") else ""
    parts: list = [
        html.Div(
            [html.Strong(t(f"lap.status.{state}", lang)), html.Span(f" · {stage}" if stage else "")],
            id=f"{P}-status-text",
        ),
        dbc.Progress(
            value=progress,
            color=STATUS_COLOR[state],
            striped=state in ("queued", "running"),
            animated=state in ("queued", "running"),
            className="my-2",
            id=f"{P}-progress",
        ),
    ]
    if state == "done":
        parts.append(
            html.A(
                [t("lap.download", lang), f" ({row['fmt'].upper()})"],
                href=download_url(row["id"]),
                className="btn btn-success",
                id=f"{P}-download-link",
            )
        )
    elif state == "failed":
        error = t("lap.lost", lang) if lost else (row.get("error") or "")
        parts.append(dbc.Alert(error, color="danger", className="small mb-0", id=f"{P}-error"))
    return html.Div(parts)


def archive_table(rows: list[dict[str, Any]], names: dict[str, str], lang: str) -> html.Div:
    """The archive, newest first, with a download link per finished file."""
    if not rows:
        return html.P(t("lap.archive.empty", lang), className="text-muted")
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(k, lang))
                for k in (
                    "lap.col.created",
                    "lap.col.kind",
                    "lap.col.period",
                    "lap.col.scope",
                    "lap.col.format",
                    "lap.col.status",
                    "lap.col.file",
                )
            ]
        )
    )
    body = []
    for r in rows:
        if r["status"] == "done":
            link = html.A(t("lap.download", lang), href=download_url(r["id"]), className="archive-download")
        else:
            link = html.Span("–")
        body.append(
            html.Tr(
                [
                    html.Td(fmt_datetime_wib(r["finished_at"] or r["created_at"], lang)),
                    html.Td(t(f"rep.kind.{r['kind']}", lang)),
                    html.Td(period_label(r, lang)),
                    html.Td(scope_label(r, names, lang)),
                    html.Td(r["fmt"].upper()),
                    html.Td(
                        dbc.Badge(t(f"lap.status.{r['status']}", lang), color=STATUS_COLOR[r["status"]]),
                        title=r.get("error") or "",
                    ),
                    html.Td(link),
                ],
                id={"type": f"{P}-archive-row", "id": int(r["id"])},
            )
        )
    return dbc.Table([head, html.Tbody(body)], striped=True, hover=True, size="sm", className="mb-0")
