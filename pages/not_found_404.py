"""Shown for an unknown address, in the visitor's language, with a way back."""

import dash
from dash import dcc, html

from components.access import EVERYONE
from components.i18n import current_lang, t

dash.register_page(
    __name__, path="/404", title="Lawang Jabo", nav=False, roles=EVERYONE, id_prefix="notfound"
)


def layout(**_: str) -> html.Div:
    lang = current_lang()
    return html.Div(
        [
            html.H1(t("notfound.title", lang), className="page-title"),
            dcc.Link(t("notfound.back", lang), href="/"),
        ],
        className="py-4",
    )
