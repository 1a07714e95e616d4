"""Callbacks of the Laporan page: scope choices, queue a report, poll its progress, the archive."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, no_update

from components.i18n import current_lang, t
from pages.laporan.views import P, archive_table, status_view
from reports.launch import alive, start_generation
from reports.periods import PERIOD_KINDS, period_containing
from store import queries
from store.db import get_engine
from store.filters import MAX_DAYS
from store.reports_archive import ReportRequest, get_report, list_reports, queue_report

ARCHIVE_ROWS = 50


def _names(lang: str) -> dict[str, str]:
    opts = queries.options(get_engine(), lang)
    return {o["value"]: o["label"] for o in opts["kecamatan"] + opts["agency"]}


def archive_view(lang: str):
    """The archive table as it stands now."""
    return archive_table(list_reports(get_engine(), ARCHIVE_ROWS), _names(lang), lang)


@callback(
    Output(f"{P}-scope-code", "options"),
    Output(f"{P}-scope-code", "value"),
    Output(f"{P}-scope-code", "disabled"),
    Input(f"{P}-scope", "value"),
)
def scope_choices(scope):
    if scope not in ("kecamatan", "agency"):
        return [], None, True
    opts = queries.options(get_engine(), current_lang())[scope]
    return opts, (opts[0]["value"] if opts else None), False


@callback(
    Output(f"{P}-anchor", "style"),
    Output(f"{P}-range", "style"),
    Input(f"{P}-period", "value"),
)
def period_controls(period):
    hidden, shown = {"display": "none"}, {}
    return (hidden, shown) if period == "custom" else (shown, hidden)


def _period(period: str, anchor: str | None, start: str | None, end: str | None) -> tuple[date, date]:
    if period not in PERIOD_KINDS:
        raise ValueError("period")
    if period == "custom":
        if not start or not end:
            raise ValueError("dates")
        first, last = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
        if last < first or (last - first).days > MAX_DAYS:
            raise ValueError("dates")
        return first, last
    if not anchor:
        raise ValueError("dates")
    return period_containing(period, date.fromisoformat(anchor[:10]))


@callback(
    Output(f"{P}-job", "data"),
    Output(f"{P}-tick", "disabled"),
    Output(f"{P}-status", "children"),
    Output(f"{P}-form-error", "children"),
    Input(f"{P}-generate", "n_clicks"),
    State(f"{P}-period", "value"),
    State(f"{P}-anchor", "date"),
    State(f"{P}-range", "start_date"),
    State(f"{P}-range", "end_date"),
    State(f"{P}-scope", "value"),
    State(f"{P}-scope-code", "value"),
    State(f"{P}-lang", "value"),
    State(f"{P}-fmt", "value"),
    prevent_initial_call=True,
)
def generate(_n, period, anchor, start, end, scope, code, lang, fmt):
    page_lang = current_lang()
    try:
        first, last = _period(period, anchor, start, end)
    except ValueError:
        return no_update, True, no_update, dbc.Alert(t("lap.error.dates", page_lang), color="warning")
    if scope not in ("city", "kecamatan", "agency") or (scope != "city" and not code):
        return no_update, True, no_update, dbc.Alert(t("lap.error.scope", page_lang), color="warning")
    if lang not in ("id", "en") or fmt not in ("pdf", "xlsx", "csv"):
        return no_update, True, no_update, dbc.Alert(t("lap.error.format", page_lang), color="warning")
    req = ReportRequest(
        fmt=fmt,
        lang=lang,
        period_kind=period,
        period_start=first,
        period_end=last,
        scope_kind=scope,
        scope_code=code if scope != "city" else None,
        confidential=True,  # the page is for staff: Rahasia complaints are included and flagged
    )
    engine = get_engine()
    report_id = queue_report(engine, req)
    pid = start_generation(report_id)
    return {"id": report_id, "pid": pid}, False, status_view(get_report(engine, report_id), page_lang), None


@callback(
    Output(f"{P}-status", "children", allow_duplicate=True),
    Output(f"{P}-tick", "disabled", allow_duplicate=True),
    Output(f"{P}-finished", "data"),
    Input(f"{P}-tick", "n_intervals"),
    State(f"{P}-job", "data"),
    prevent_initial_call=True,
)
def poll(_n, job):
    if not isinstance(job, dict) or not isinstance(job.get("id"), int):
        return no_update, True, no_update
    row = get_report(get_engine(), job["id"])
    if row is None:
        return no_update, True, no_update
    # Read the row before the liveness check: a finished process writes "done", then exits.
    lost = row["status"] in ("queued", "running") and not alive(job.get("pid"))
    view = status_view(row, current_lang(), lost=lost)
    if row["status"] in ("queued", "running") and not lost:
        return view, False, no_update
    return view, True, job["id"]


@callback(
    Output(f"{P}-archive", "children"),
    Input(f"{P}-archive-tick", "n_intervals"),
    Input(f"{P}-finished", "data"),
    prevent_initial_call=True,
)
def refresh_archive(_n, _finished):
    return archive_view(current_lang())
