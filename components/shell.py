"""The app shell: navbar with every page, the language toggle and the data's as-of time."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.i18n import current_lang, t

LANG_TOGGLE_ID = "shell-lang-toggle"
LANG_SINK_ID = "shell-lang-sink"
# The stale-feed flag: filled by a callback (pages/kesehatan.py) on load and every minute, so
# that a feed going silent shows up on whatever page is open.
STALE_FLAG_ID = "shell-stale-flag"
STALE_TICK_ID = "shell-stale-tick"
STALE_TICK_MS = 60_000


def _account(user_name: str | None, lang: str) -> html.Div:
    # A plain form POST: logging out must not be a GET a prefetching browser could trigger.
    if user_name is None:
        return html.A(
            t("auth.title", lang), href="/masuk", className="btn btn-light btn-sm me-2", id="shell-login"
        )
    return html.Form(
        [
            html.Span(user_name, className="text-white-50 small me-2 text-nowrap", id="shell-user"),
            html.Button(t("auth.logout", lang), type="submit", className="btn btn-outline-light btn-sm"),
        ],
        method="post",
        action="/keluar",
        className="d-flex align-items-center me-2 mb-0",
        id="shell-logout",
    )


def login_prompt(path: str, anonymous: bool) -> html.Div:
    """What a page shows instead of its content to a role that may not see it."""
    lang = current_lang()
    if not anonymous:
        return html.Div(dbc.Alert(t("auth.forbidden", lang), color="warning"), id="shell-forbidden")
    return html.Div(
        dbc.Alert(
            [t("auth.needed", lang), " ", html.A(t("auth.title", lang), href=f"/masuk?next={path}")],
            color="info",
        ),
        id="shell-login-needed",
    )


def navbar(pages: list[dict], lang: str, user_name: str | None = None, accounts: bool = False) -> dbc.Navbar:
    """Top bar: title, a link per page the visitor may see (registry order), account, language switch."""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                t(p.get("label_key", ""), lang) if p.get("label_key") else p["name"],
                href=p["relative_path"],
                active="exact",
                id=f"nav-{p['module'].split('.')[-1]}",
                className="text-nowrap",
            )
        )
        for p in pages
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [
                        html.Span("Lawang Jabo", className="fw-bold me-2"),
                        # Shown only where the page links fit beside it (assets/lawangjabo.css).
                        html.Small(t("app.subtitle", lang), className="text-white-50 brand-sub"),
                    ],
                    href="/",
                ),
                dbc.Nav(links, navbar=True, className="me-auto ms-3"),
                html.Div(id=STALE_FLAG_ID, className="me-2", role="status"),
                dcc.Interval(id=STALE_TICK_ID, interval=STALE_TICK_MS),
                *([_account(user_name, lang)] if accounts else []),
                dbc.Button(
                    t("nav.lang_toggle", lang),
                    id=LANG_TOGGLE_ID,
                    color="light",
                    outline=True,
                    size="sm",
                    n_clicks=0,
                ),
                dcc.Store(id=LANG_SINK_ID, data=lang),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="mb-3",
    )


def as_of_badge(when_text: str | None, lang: str, stale_age: str | None = None) -> html.Div:
    """ "Data per ..." under each page title; red with a warning when the data is stale."""
    if when_text is None:
        return html.Div(t("asof.none", lang), className="asof text-danger")
    children = [html.Span(t("asof", lang, when=when_text))]
    if stale_age:
        children.append(html.Span(" · " + t("asof.stale", lang, age=stale_age), className="fw-semibold"))
    return html.Div(children, className="asof " + ("text-danger" if stale_age else "text-muted"))


def source_label(source: str, lang: str) -> str:
    """ "elapor" -> "e-Lapor"; a source without a label shows its code."""
    label = t(f"source.{source}", lang)
    return source if label == f"source.{source}" else label


def stale_badge(sources: list[str], lang: str, link: bool = True) -> list:
    """A red "Umpan e-Lapor terlambat" badge per late source, linking to Kesehatan Data if `link`."""
    badges = []
    for s in sources:
        badge = dbc.Badge(t("shell.stale", lang, source=source_label(s, lang)), color="danger", pill=True)
        ident = {"type": "shell-stale", "source": s}
        title = t("shell.stale.title", lang)
        if link:
            badges.append(
                dcc.Link(
                    badge,
                    href="/kesehatan",
                    className="ms-1 stale-flag text-decoration-none",
                    title=title,
                    id=ident,
                )
            )
        else:
            badges.append(html.Span(badge, className="ms-1 stale-flag", title=title, id=ident))
    return badges
