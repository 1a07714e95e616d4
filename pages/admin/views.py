"""Pure builders of the admin page: the user table, the new-user form, messages, the camera grid."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.i18n import fmt_datetime_wib, t
from store.camera_admin import SCHEMES
from store.models_auth import STAFF_ROLES
from store.users import MIN_PASSWORD_LENGTH

P = "adm"
SCOPES = ("publik", "internal")
# The grid's own words that this page shows (pagination), in Indonesian.
_GRID_WORDS_ID = {
    "page": "Halaman",
    "of": "dari",
    "to": "s.d.",
    "pageSizeSelectorLabel": "Baris per halaman:",
    "firstPage": "Halaman pertama",
    "previousPage": "Halaman sebelumnya",
    "nextPage": "Halaman berikutnya",
    "lastPage": "Halaman terakhir",
    "noRowsToShow": "Tidak ada kamera",
}


def role_label(role: str, lang: str) -> str:
    return t(f"adm.role.{role}", lang)


def _when(moment: datetime | None, lang: str) -> str:
    return fmt_datetime_wib(moment, lang) if moment is not None else t("adm.never", lang)


def users_table(rows: list[dict[str, Any]], lang: str, me: str | None) -> dbc.Table:
    """One row per user: role chooser, state, dates in WIB, and the reset / enable-disable buttons."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"adm.col.{c}", lang))
                for c in ("username", "display_name", "role", "state", "created", "last_login", "actions")
            ]
        )
    )
    body = []
    for r in rows:
        user = r["username"]
        who = [html.Code(user)]
        if user == me:
            who.append(html.Small(" " + t("adm.you", lang), className="text-muted"))
        state = dbc.Badge(
            t("adm.state.active" if r["active"] else "adm.state.inactive", lang),
            color="success" if r["active"] else "secondary",
        )
        role = dbc.Select(
            id={"type": f"{P}-role", "user": user},
            options=[{"label": role_label(x, lang), "value": x} for x in STAFF_ROLES],
            value=r["role"],
            size="sm",
            style={"minWidth": "9rem"},
        )
        actions = html.Div(
            [
                dbc.Button(
                    t("adm.act.reset", lang),
                    id={"type": f"{P}-reset", "user": user},
                    size="sm",
                    color="outline-primary",
                    className="me-1",
                ),
                dbc.Button(
                    t("adm.act.disable" if r["active"] else "adm.act.enable", lang),
                    # The intent rides in the id: a stale page never flips a user the other way.
                    id={"type": f"{P}-active", "user": user, "to": "off" if r["active"] else "on"},
                    size="sm",
                    color="outline-danger" if r["active"] else "outline-success",
                ),
            ],
            className="text-nowrap",
        )
        body.append(
            html.Tr(
                [
                    html.Td(who),
                    html.Td(r["display_name"]),
                    html.Td(role),
                    html.Td(state),
                    html.Td(_when(r["created_at"], lang), className="small"),
                    html.Td(_when(r["last_login_at"], lang), className="small"),
                    html.Td(actions),
                ],
                className="" if r["active"] else "text-muted",
                **{"data-user": user},
            )
        )
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True, className="mb-0")


def _labelled(label: str, control, help_text: str | None = None, md: int = 3) -> dbc.Col:
    parts = [dbc.Label(label, html_for=control.id, className="small mb-1"), control]
    if help_text:
        parts.append(dbc.FormText(help_text))
    return dbc.Col(parts, md=md, className="mb-2")


def new_user_form(lang: str) -> html.Div:
    """Username, display name, role and an optional password (generated when left empty)."""
    return html.Div(
        [
            html.H3(t("adm.new", lang), className="h6"),
            dbc.Row(
                [
                    _labelled(
                        t("adm.new.username", lang),
                        dbc.Input(id=f"{P}-new-username", maxLength=64, autoComplete="off"),
                        t("adm.new.username.help", lang),
                    ),
                    _labelled(
                        t("adm.new.name", lang),
                        dbc.Input(id=f"{P}-new-name", maxLength=120, autoComplete="off"),
                    ),
                    _labelled(
                        t("adm.new.role", lang),
                        dbc.Select(
                            id=f"{P}-new-role",
                            options=[{"label": role_label(x, lang), "value": x} for x in STAFF_ROLES],
                            value=STAFF_ROLES[0],
                        ),
                        md=2,
                    ),
                    _labelled(
                        t("adm.new.password", lang),
                        # new-password: the browser must not offer to save it as the admin's own.
                        dbc.Input(id=f"{P}-new-password", type="password", autoComplete="new-password"),
                        t("adm.new.password.help", lang, n=MIN_PASSWORD_LENGTH),
                    ),
                    dbc.Col(
                        dbc.Button(t("adm.new.submit", lang), id=f"{P}-new-submit", color="primary"),
                        md=1,
                        className="mb-2 d-flex align-items-end",
                    ),
                ],
                className="align-items-start",
            ),
        ],
        className="mt-3",
    )


def message(text: str, color: str = "success", extra: Any = None) -> dbc.Alert:
    """The outcome of one action."""
    return dbc.Alert([html.Div(text), extra] if extra is not None else text, color=color, className="mb-2")


def password_once(user: str, password: str, lang: str) -> html.Div:
    """The one showing of a new password; it is never stored nor sent again."""
    return html.Div(
        [
            html.Div(t("adm.pw.once", lang, user=user)),
            html.Code(password, id=f"{P}-password-once", className="fs-5 user-select-all"),
        ],
        className="mt-1",
    )


def safe_url(url: str) -> str:
    """The URL without a password in it, for the table (rtsp://user:***@host/...)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def camera_grid_rows(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Grid rows: names and words in the page's language, the URL without its password."""
    out = []
    for r in rows:
        status = r["status"] if r["enabled"] else "disabled"
        out.append(
            {
                "id": int(r["id"]),
                "code": r["code"],
                "name": r["name"],
                "kecamatan": r["kecamatan_name"] or "–",
                "kind": r["kind"],
                "scope": t(f"cam.scope.{r['scope']}", lang),
                "agency": r["agency"] or "–",
                "enabled": t("adm.cam.yes" if r["enabled"] else "adm.cam.no", lang),
                "status": t("adm.cam.disabled", lang)
                if status == "disabled"
                else t(f"cam.status.{status}", lang),
                "status_code": status,
                "url": safe_url(r["url"]),
            }
        )
    return out


def camera_grid(grid_rows: list[dict[str, Any]], lang: str) -> dag.AgGrid:
    """The registry (rows from camera_grid_rows), sortable and searchable; a click opens the editor."""
    off = {"condition": "params.data.status_code == 'disabled'", "style": {"color": "#6c757d"}}
    bad = {"condition": "params.data.status_code == 'offline'", "style": {"color": "#b02a37"}}
    cols = [
        {"field": "name", "headerName": t("adm.cam.col.name", lang), "minWidth": 200},
        {"field": "code", "headerName": t("adm.cam.col.code", lang), "maxWidth": 150},
        {"field": "kecamatan", "headerName": t("adm.cam.col.kecamatan", lang), "minWidth": 140},
        {"field": "kind", "headerName": t("adm.cam.col.kind", lang), "maxWidth": 90},
        {"field": "scope", "headerName": t("adm.cam.col.scope", lang), "maxWidth": 110},
        {"field": "agency", "headerName": t("adm.cam.col.agency", lang), "maxWidth": 140},
        {"field": "enabled", "headerName": t("adm.cam.col.enabled", lang), "maxWidth": 100},
        {
            "field": "status",
            "headerName": t("adm.cam.col.status", lang),
            "maxWidth": 150,
            "cellStyle": {"styleConditions": [off, bad]},
        },
        {"field": "url", "headerName": "URL", "minWidth": 220, "tooltipField": "url"},
    ]
    return dag.AgGrid(
        id=f"{P}-cam-grid",
        columnDefs=cols,
        rowData=grid_rows,
        getRowId="params.data.code",
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "filter": False},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 25,
            "paginationPageSizeSelector": [25, 50, 100],
            "domLayout": "autoHeight",
            "animateRows": False,
            "tooltipShowDelay": 300,
            **({"localeText": _GRID_WORDS_ID} if lang == "id" else {}),
        },
        className="ag-theme-alpine",
        style={"width": "100%"},
    )


def camera_editor(lang: str) -> dbc.Modal:
    """The clicked camera's name, URL, scope and enabled flag, in a dialog with its own message line."""

    def field(label, control, help_id: str | None = None) -> html.Div:
        parts = [label, control] + ([dbc.FormText(id=help_id)] if help_id else [])
        return html.Div(parts, className="mb-3")

    body = [
        field(
            dbc.Label(t("adm.cam.name", lang), html_for=f"{P}-cam-name", className="small mb-1"),
            dbc.Input(id=f"{P}-cam-name", maxLength=200),
        ),
        field(
            dbc.Label("URL", id=f"{P}-cam-url-label", html_for=f"{P}-cam-url", className="small mb-1"),
            dbc.Input(id=f"{P}-cam-url", autoComplete="off"),
            help_id=f"{P}-cam-url-help",
        ),
        field(
            dbc.Label(t("adm.cam.scope", lang), className="small mb-1"),
            dbc.RadioItems(
                id=f"{P}-cam-scope",
                options=[{"label": t(f"cam.scope.{s}", lang), "value": s} for s in SCOPES],
                inline=True,
            ),
        ),
        dbc.Switch(id=f"{P}-cam-enabled", label=t("adm.cam.enabled", lang), value=False),
        html.Div(id=f"{P}-cam-msg", className="mt-2"),
    ]
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(t("adm.cam.pick", lang), id=f"{P}-cam-title")),
            dbc.ModalBody(body),
            dbc.ModalFooter(dbc.Button(t("adm.cam.save", lang), id=f"{P}-cam-save", color="primary")),
            dcc.Store(id=f"{P}-cam-id"),
        ],
        id=f"{P}-cam-modal",
        is_open=False,
        size="lg",
    )


def url_help(kind: str, lang: str) -> str:
    """ "must start with rtsp:// / rtsps://" for the camera's kind."""
    schemes = SCHEMES.get(kind, ("http", "https"))
    return t("adm.cam.url.help", lang, schemes=" / ".join(f"{s}://" for s in schemes))
