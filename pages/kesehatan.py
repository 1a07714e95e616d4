"""Kesehatan Data: is the feed flowing? Sources, runs, failures, quarantine, file upload.

The upload never runs an import inside the web worker: the file is saved to DATA_DIR/inbox
under a random name and `python -m jobs import-file` imports it in a process of its own, writing
its progress and report to a JSON status file that this page polls. Any web worker can answer
the poll, a restarted worker loses nothing, and a big XLSX never holds the worker or its GIL.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components import health, upload
from components.access import KOMINFO, PUBLIK
from components.i18n import current_lang, fmt_datetime_wib, fmt_int, t
from components.shell import STALE_FLAG_ID, STALE_TICK_ID, stale_badge
from config import get_settings
from data_sources import inbox
from routes.guard import current_role
from store.db import get_engine
from store.health import (
    RejectedFilter,
    failures,
    recent_runs_per_job,
    rejected_choices,
    rejected_csv,
    rejected_page,
    source_status,
    stale_sources,
    unknown_counts,
    unrecognised_values,
)

dash.register_page(
    __name__,
    path="/kesehatan",
    name="Kesehatan Data",
    title="Kesehatan Data · Lawang Jabo",
    order=2,
    label_key="nav.kesehatan",
    # Kominfo's page: it uploads files and shows quarantined raw records.
    roles=KOMINFO,
    id_prefix="kes",
)

P = "kes"
PAGE_SIZE = 25
RUNS_PER_JOB = 50  # runs shown per job: the minute-by-minute snapshot cycles do not crowd out the rest
MAX_UPLOAD_MB = 20


def _expected_sources() -> list[str]:
    settings = get_settings()
    return ["elapor", "open311"] if settings.open311_url else ["elapor"]


def _health(lang: str) -> tuple:
    engine, now = get_engine(), datetime.now(UTC)
    status = source_status(engine, now, get_settings().sync_interval_min, _expected_sources())
    return (
        health.source_cards(status, lang),
        health.run_rows(recent_runs_per_job(engine, per_job=RUNS_PER_JOB), lang),
        health.failures_list(failures(engine, limit=10), lang),
        [
            health.unknown_table(unknown_counts(engine), lang),
            health.unrecognised_list(unrecognised_values(engine, now - timedelta(hours=24)), lang),
        ],
        t("kes.refreshed", lang, when=fmt_datetime_wib(now, lang)),
    )


def _rejected(flt: RejectedFilter, page: int, lang: str) -> tuple[list[dict], str, int]:
    frame, total = rejected_page(get_engine(), flt, page=page, page_size=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    return health.rejected_rows(frame), t("kes.rejected.count", lang, n=fmt_int(total, lang)), pages


def layout(**_params: str) -> html.Div:
    lang = current_lang()
    cards, runs, fails, unknown, refreshed = _health(lang)
    rows, count, pages = _rejected(RejectedFilter(), 1, lang)
    choices = rejected_choices(get_engine())
    interval = get_settings().sync_interval_min
    return html.Div(
        [
            html.H1(t("kes.title", lang), className="page-title"),
            html.P(t("kes.lead", lang), className="text-muted small mb-1"),
            html.Div(
                [html.Span(refreshed, id=f"{P}-refreshed"), " · ", t("kes.interval", lang, n=interval)],
                className="asof text-muted",
            ),
            html.Div(cards, id=f"{P}-sources"),
            dbc.Row(
                [
                    dbc.Col(health.panel("kes.failures", lang, html.Div(fails, id=f"{P}-failures")), lg=6),
                    dbc.Col(
                        health.panel(
                            "kes.unknown",
                            lang,
                            html.P(t("kes.unknown.note", lang), className="small text-muted"),
                            html.Div(unknown, id=f"{P}-unknown"),
                        ),
                        lg=6,
                    ),
                ],
                className="g-3",
            ),
            health.panel("kes.runs", lang, health.runs_grid(f"{P}-runs", lang, runs)),
            health.quarantine_panel(P, lang, choices, rows, count, pages),
            health.panel(
                "kes.upload",
                lang,
                upload.upload_area(f"{P}-upload", lang, MAX_UPLOAD_MB),
                dcc.Loading(html.Div(id=f"{P}-import-status", className="mt-2"), delay_show=200),
            ),
            dcc.Store(id=f"{P}-import-job"),
            dcc.Store(id=f"{P}-import-done"),
            dcc.Interval(id=f"{P}-import-tick", interval=700, disabled=True),
            dcc.Interval(id=f"{P}-tick", interval=60_000),
        ]
    )


@callback(
    Output(f"{P}-sources", "children"),
    Output(f"{P}-runs", "rowData"),
    Output(f"{P}-failures", "children"),
    Output(f"{P}-unknown", "children"),
    Output(f"{P}-refreshed", "children"),
    Input(f"{P}-tick", "n_intervals"),
    Input(f"{P}-import-done", "data"),
    prevent_initial_call=True,
)
def refresh(_n, _done):
    return _health(current_lang())


@callback(
    Output(f"{P}-rej-grid", "rowData"),
    Output(f"{P}-rej-count", "children"),
    Output(f"{P}-rej-pages", "max_value"),
    Output(f"{P}-rej-pages", "active_page"),
    Input(f"{P}-rej-source", "value"),
    Input(f"{P}-rej-field", "value"),
    Input(f"{P}-rej-text", "value"),
    Input(f"{P}-rej-pages", "active_page"),
    Input(f"{P}-import-done", "data"),
    prevent_initial_call=True,
)
def rejected(source, field, text, page, _done):
    # A new filter starts again at page one; paging keeps the filter.
    page = (page or 1) if ctx.triggered_id == f"{P}-rej-pages" else 1
    rows, count, pages = _rejected(RejectedFilter(source, field, text), min(page, 10**6), current_lang())
    return rows, count, pages, min(page, pages)


@callback(
    Output(f"{P}-rej-download", "data"),
    Input(f"{P}-rej-download-btn", "n_clicks"),
    State(f"{P}-rej-source", "value"),
    State(f"{P}-rej-field", "value"),
    State(f"{P}-rej-text", "value"),
    prevent_initial_call=True,
)
def download(_n, source, field, text):
    body = rejected_csv(get_engine(), RejectedFilter(source, field, text))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return dcc.send_string(body, f"karantina-{stamp}.csv", type="text/csv")


@callback(
    Output(STALE_FLAG_ID, "children"),
    Input(STALE_TICK_ID, "n_intervals"),
)
def navbar_flag(_n):
    """The shell's stale-feed badge on every page; lives here because this page owns feed health.

    Not for anonymous visitors (Transparansi shows its own as-of time and staleness); a link to
    this page only for the roles that may open it.
    """
    role = current_role()
    if role == PUBLIK:
        return []
    stale = stale_sources(get_engine(), datetime.now(UTC), get_settings().sync_interval_min)
    return stale_badge(stale, current_lang(), link=role in KOMINFO)


# ------------------------------------------------------------------------------ upload ----


@callback(
    Output(f"{P}-import-job", "data"),
    Output(f"{P}-import-tick", "disabled"),
    Output(f"{P}-import-status", "children"),
    Output(f"{P}-upload", "contents"),
    Input(f"{P}-upload", "contents"),
    State(f"{P}-upload", "filename"),
    prevent_initial_call=True,
)
def start_upload(contents, filename):
    if not contents:
        return no_update, no_update, no_update, no_update
    lang = current_lang()
    name = Path(filename or "").name
    if Path(name).suffix.lower() not in inbox.UPLOAD_TYPES:
        return (
            None,
            True,
            dbc.Alert(t("kes.upload.bad_type", lang, name=name), color="danger", id=f"{P}-import-error"),
            None,
        )
    try:
        job = inbox.start_import(base64.b64decode(contents.split(",", 1)[1], validate=True), name)
    except (ValueError, binascii.Error, IndexError):
        return (
            None,
            True,
            dbc.Alert(t("kes.upload.bad_data", lang, name=name), color="danger", id=f"{P}-import-error"),
            None,
        )
    return job, False, upload.import_status({"state": "queued", "filename": name}, lang), None


@callback(
    Output(f"{P}-import-status", "children", allow_duplicate=True),
    Output(f"{P}-import-tick", "disabled", allow_duplicate=True),
    Output(f"{P}-import-done", "data"),
    Input(f"{P}-import-tick", "n_intervals"),
    State(f"{P}-import-job", "data"),
    prevent_initial_call=True,
)
def poll_upload(_n, job):
    status = inbox.read_status(job)
    if status is None:
        return no_update, True, no_update
    view = upload.import_status(status, current_lang(), inbox.elapsed_s(status))
    if status.get("state") in ("queued", "running"):
        return view, False, no_update
    return view, True, job["token"]
