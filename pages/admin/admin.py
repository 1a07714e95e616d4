"""Admin: manage logins and the camera registry; for the admin role only.

The guard (routes/guard.py) keeps everyone else off the page and off its callbacks; the callbacks
also need a signed-in admin to change anything, and audit each change (pages/admin/callbacks.py).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from components.access import ADMINS
from components.i18n import current_lang, t
from pages.admin import callbacks  # noqa: F401  (registers the page's callbacks)
from pages.admin.callbacks import caller, camera_list
from pages.admin.views import P, camera_editor, camera_grid, new_user_form, users_table
from store import users
from store.db import get_engine

dash.register_page(
    __name__,
    path="/admin",
    name="Admin",
    title="Admin · Lawang Jabo",
    order=90,
    label_key="nav.admin",
    roles=ADMINS,
    id_prefix=P,
)


def layout(**_params: str) -> html.Div:
    lang = current_lang()
    me = caller()
    who = (
        html.P(t("adm.signed_in", lang, user=me), className="text-muted small")
        if me
        else dbc.Alert(t("adm.not_signed_in", lang), color="warning", id=f"{P}-no-caller")
    )
    rows, asof = camera_list(lang)
    return html.Div(
        [
            html.H1(t("adm.title", lang), className="page-title"),
            html.P(t("adm.lead", lang), className="text-muted small mb-1"),
            who,
            html.Section(
                [
                    html.H2(t("adm.users", lang), className="h5"),
                    html.Div(id=f"{P}-user-msg"),
                    html.Div(users_table(users.user_rows(get_engine()), lang, me), id=f"{P}-users"),
                    new_user_form(lang),
                ],
                className="panel p-3 mb-3",
            ),
            html.Section(
                [
                    html.H2(t("adm.cameras", lang), className="h5"),
                    html.P(
                        [t("adm.cam.lead", lang), " ", html.Strong(t("adm.cam.pick", lang))],
                        className="text-muted small",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                dbc.Input(
                                    id=f"{P}-cam-search",
                                    type="search",
                                    placeholder=t("adm.cam.search", lang),
                                    debounce=0.3,
                                ),
                                md=4,
                            ),
                            dbc.Col(html.Small(asof, id=f"{P}-cam-asof", className="text-muted"), md=8),
                        ],
                        className="mb-2 align-items-center",
                    ),
                    camera_grid(rows, lang),
                    camera_editor(lang),
                ],
                className="panel p-3",
            ),
        ]
    )
